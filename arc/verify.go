package arc

import (
	"bufio"
	"bytes"
	"context"
	"crypto"
	"crypto/sha256"
	"fmt"
	"hash"
	"io"
	"net"

	"github.com/domainauth/domainauth/dkim"
	"github.com/domainauth/domainauth/internal/dkimbridge"
	"github.com/domainauth/domainauth/internal/dnsname"
)

// TXTResolver looks up TXT records; it is dkim.TXTResolver, which
// *net.Resolver and the resolvers of the domainauth root package satisfy.
type TXTResolver = dkim.TXTResolver

// DefaultMaxSets is the largest number of ARC sets a chain may have, the
// limit of RFC 8617 section 4.2.1.
const DefaultMaxSets = MaxInstance

// Verifier validates ARC chains (RFC 8617 section 5.2). The zero value is
// ready to use, with net.DefaultResolver and the RFC's limits.
type Verifier struct {
	// Resolver fetches key records; nil means net.DefaultResolver.
	Resolver TXTResolver
	// MaxSets bounds the instances of a chain (default DefaultMaxSets,
	// 50); a longer chain fails with ErrTooManySets. Values above 50 are
	// lowered to 50, the RFC's limit.
	MaxSets int
	// MaxHeaderBytes and MaxHeaderFields bound the header section, as in
	// dkim.Verifier (defaults dkim.DefaultMaxHeaderBytes and
	// dkim.DefaultMaxHeaderFields); a larger header is an error of the
	// Verify call.
	MaxHeaderBytes  int
	MaxHeaderFields int
	// MinRSABits is the smallest RSA key accepted; values under
	// dkim.MinRSAKeyBits (1024, RFC 8301) are raised to it.
	MinRSABits int
	// MaxRSABits is the largest RSA key accepted, checked before any RSA
	// arithmetic; zero means dkim.DefaultMaxRSAKeyBits (8192). A larger
	// key fails the set with dkim.ErrKeyTooLarge.
	MaxRSABits int
	// AllSignatures makes Verify check every ARC-Message-Signature, not
	// only until one fails, so that Set.MessageSignatureErr is filled in
	// for each; OldestPass is the same either way.
	AllSignatures bool
}

// Set is one ARC set: the three fields of one instance.
type Set struct {
	Instance         int
	AuthResults      *AuthResults
	MessageSignature *MessageSignature
	Seal             *Seal
	// MessageSignatureChecked says whether the AMS was verified, and
	// MessageSignatureErr why it did not pass (nil when it passed).
	MessageSignatureChecked bool
	MessageSignatureErr     error
}

// Result is the verdict on a message's ARC chain.
type Result struct {
	// Status is None (no ARC sets), Pass or Fail.
	Status ChainStatus
	// Err says why the chain fails; check it with errors.Is against the
	// Err* values of this package (and dkim's, for signature reasons).
	Err error
	// Sets are the ARC sets by instance, Sets[0] being instance 1, when
	// the structure is sound (every instance 1 to N exactly once).
	Sets []Set
	// OldestPass is the lowest instance whose ARC-Message-Signature and
	// those of every later instance verify, or 0 when all verify (RFC
	// 8617 section 5.2 step 5). Only meaningful when Status is Pass.
	OldestPass int
}

// Instances returns N, the number of ARC sets in a sound chain.
func (r *Result) Instances() int { return len(r.Sets) }

// Sealer returns the d= of the newest ARC-Seal, or "".
func (r *Result) Sealer() string {
	if len(r.Sets) == 0 || r.Sets[len(r.Sets)-1].Seal == nil {
		return ""
	}
	return r.Sets[len(r.Sets)-1].Seal.Domain
}

// Verify validates the ARC chain of the message read from r with a zero
// Verifier using resolver.
func Verify(ctx context.Context, resolver TXTResolver, r io.Reader) (*Result, error) {
	v := Verifier{Resolver: resolver}
	return v.Verify(ctx, r)
}

// Verify reads the message from r and validates its ARC chain following
// RFC 8617 section 5.2. The body is hashed as it streams through fixed
// buffers, for every distinct body canonicalization and l= of the
// chain's ARC-Message-Signatures: memory does not grow with the body. When
// the verdict is known from the header alone (no ARC sets, a malformed or
// broken structure), the body is not read.
//
// The error is for the message as a whole: reading r failed, the header is
// over the limits, or ctx ended while reading. A failing chain is not an
// error: Result.Err says why.
func (v *Verifier) Verify(ctx context.Context, r io.Reader) (*Result, error) {
	br, fields, err := v.readHeader(r)
	if err != nil {
		return nil, err
	}
	c := v.newChain(fields)
	if c.res.Status != 0 {
		return &c.res, nil
	}
	if err := streamBody(ctx, br, c.bodies); err != nil {
		return nil, err
	}
	c.finish(ctx, v)
	return &c.res, nil
}

// readHeader reads the header section of r within the Verifier's limits
// (dkim's defaults when unset), for Verify and Sealer alike, and returns
// the reader positioned at the body.
func (v *Verifier) readHeader(r io.Reader) (*bufio.Reader, []dkimbridge.Field, error) {
	maxBytes, maxFields := v.MaxHeaderBytes, v.MaxHeaderFields
	if maxBytes <= 0 {
		maxBytes = dkim.DefaultMaxHeaderBytes
	}
	if maxFields <= 0 {
		maxFields = dkim.DefaultMaxHeaderFields
	}
	br := bufio.NewReaderSize(r, 16<<10)
	fields, err := dkimbridge.ReadHeader(br, maxBytes, maxFields)
	if err != nil {
		return nil, nil, fmt.Errorf("arc: reading header: %w", err)
	}
	return br, fields, nil
}

// chain is a validation in progress.
type chain struct {
	fields  []dkimbridge.Field
	res     Result
	raw     [][3]string // raw AAR, AMS, AS fields by instance-1
	bodies  []*body
	amsBody []*body // the body hash of each AMS, by instance-1
	highest int     // the highest instance of the ARC fields read
}

type body struct {
	canon dkim.Canonicalization
	limit int64
	h     dkimbridge.BodyHash
}

func (v *Verifier) maxSets() int {
	if v.MaxSets <= 0 || v.MaxSets > MaxInstance {
		return MaxInstance
	}
	return v.MaxSets
}

// fail ends the validation with reason err.
func (c *chain) fail(err error) {
	c.res.Status, c.res.Err = Fail, err
}

// newChain runs the steps that need only the header (RFC 8617 section 5.2
// steps 1 to 3) and prepares the body hashes; Status is set when the
// verdict is already known.
func (v *Verifier) newChain(fields []dkimbridge.Field) *chain {
	c := &chain{fields: fields}
	maxSets := v.maxSets()
	var sets []Set
	var raws [][3]string
	n := 0
	for _, f := range fields {
		kind := -1
		switch {
		case dkimbridge.SameFieldName(f.Name, AuthResultsField):
			kind = 0
		case dkimbridge.SameFieldName(f.Name, MessageSigField):
			kind = 1
		case dkimbridge.SameFieldName(f.Name, SealField):
			kind = 2
		default:
			continue
		}
		n++
		if n > 3*maxSets {
			c.fail(fmt.Errorf("%w: more than %d ARC header fields (limit %d sets)", ErrTooManySets, 3*maxSets, maxSets))
			return c
		}
		value := dkimbridge.FieldValue(f.Raw)
		var (
			inst int
			err  error
			aar  *AuthResults
			ams  *MessageSignature
			as   *Seal
		)
		switch kind {
		case 0:
			if aar, err = ParseAuthResults(value); err == nil {
				inst = aar.Instance
			}
		case 1:
			if ams, err = ParseMessageSignature(value); err == nil {
				inst = ams.Instance
			}
		default:
			if as, err = ParseSeal(value); err == nil {
				inst = as.Instance
			}
		}
		if err != nil {
			c.fail(err)
			return c
		}
		c.highest = max(c.highest, inst)
		if inst > maxSets {
			c.fail(fmt.Errorf("%w: instance %d, limit %d", ErrTooManySets, inst, maxSets))
			return c
		}
		for len(raws) < inst {
			raws = append(raws, [3]string{})
			sets = append(sets, Set{Instance: len(sets) + 1})
		}
		if raws[inst-1][kind] != "" {
			c.fail(fmt.Errorf("%w: two %s fields with i=%d", ErrStructure, f.Name, inst))
			return c
		}
		raws[inst-1][kind] = f.Raw
		s := &sets[inst-1]
		switch kind {
		case 0:
			s.AuthResults = aar
		case 1:
			s.MessageSignature = ams
		default:
			s.Seal = as
		}
	}
	if n == 0 {
		c.res.Status = None
		return c
	}
	names := [3]string{AuthResultsField, MessageSigField, SealField}
	for i, r := range raws {
		for k := range r {
			if r[k] == "" {
				c.fail(fmt.Errorf("%w: no %s with i=%d (highest instance %d)", ErrStructure, names[k], i+1, len(raws)))
				return c
			}
		}
	}
	c.raw = raws
	c.res.Sets = sets
	last := sets[len(sets)-1].Seal
	if last.ChainValidation == Fail {
		c.fail(fmt.Errorf("%w (instance %d, sealed by %s)", ErrChainMarkedFailed, last.Instance, last.Domain))
		return c
	}
	for _, s := range sets {
		want := Pass
		if s.Instance == 1 {
			want = None
		}
		if s.Seal.ChainValidation != want {
			c.fail(fmt.Errorf("%w: instance %d has cv=%s, want cv=%s", ErrSealCV, s.Instance, s.Seal.ChainValidation, want))
			return c
		}
	}
	// One body hash per distinct canonicalization and l=.
	c.amsBody = make([]*body, len(sets))
	for i, s := range sets {
		m := s.MessageSignature
		limit := int64(-1)
		if m.BodyLength != nil {
			limit = *m.BodyLength
		}
		for _, b := range c.bodies {
			if b.canon == m.BodyCanonicalization && b.limit == limit {
				c.amsBody[i] = b
			}
		}
		if c.amsBody[i] == nil {
			b := &body{canon: m.BodyCanonicalization, limit: limit, h: dkimbridge.NewBodyHash(string(m.BodyCanonicalization), limit)}
			c.bodies = append(c.bodies, b)
			c.amsBody[i] = b
		}
	}
	return c
}

// streamBody copies the rest of br through the body hashes, checking ctx
// between chunks.
func streamBody(ctx context.Context, br *bufio.Reader, bodies []*body) error {
	if _, err := br.WriteTo(bodySink{ctx, bodies}); err != nil {
		return fmt.Errorf("arc: reading body: %w", err)
	}
	for _, b := range bodies {
		b.h.Close()
	}
	return nil
}

type bodySink struct {
	ctx    context.Context
	bodies []*body
}

func (s bodySink) Write(p []byte) (int, error) {
	if err := s.ctx.Err(); err != nil {
		return 0, err
	}
	for _, b := range s.bodies {
		b.h.Write(p)
	}
	return len(p), nil
}

// finish runs the steps that need the body and the keys (RFC 8617
// section 5.2 steps 4 to 7).
func (c *chain) finish(ctx context.Context, v *Verifier) {
	keys := keyCache{}
	n := len(c.res.Sets)
	hh := sha256.New()
	scratch := make([]byte, 0, 512)
	// Step 4: the newest AMS must verify; step 5: older ones give the
	// oldest-pass instance.
	oldest := 0
	for i := n - 1; i >= 0; i-- {
		s := &c.res.Sets[i]
		var err error
		scratch, err = c.checkAMS(ctx, v, &keys, i, hh, scratch)
		s.MessageSignatureChecked, s.MessageSignatureErr = true, err
		if err != nil {
			if i == n-1 {
				c.fail(fmt.Errorf("instance %d: %w", i+1, err))
				return
			}
			if oldest == 0 {
				oldest = i + 2
			}
			if !v.AllSignatures {
				break
			}
		}
	}
	c.res.OldestPass = oldest
	// Step 6: every AS, newest first.
	for i := n - 1; i >= 0; i-- {
		var err error
		if scratch, err = c.checkSeal(ctx, v, &keys, i, hh, scratch); err != nil {
			c.fail(fmt.Errorf("instance %d: %w", i+1, err))
			return
		}
	}
	c.res.Status = Pass
}

// key fetches and checks the key for a signature of the named field.
func (v *Verifier) key(ctx context.Context, keys *keyCache, field string, alg dkim.Algorithm, domain, selector string) (crypto.PublicKey, error) {
	if alg == dkim.RSASHA1 {
		return nil, dkim.ErrSHA1
	}
	name, err := dnsname.Normalize(selector + "._domainkey." + domain)
	if err != nil {
		// d= and s= are each well formed but together too long.
		return nil, syntaxErrorf(field, "s", -1, "key record name: %w", err)
	}
	k, pub, status, err := keys.get(ctx, v.resolver(), name)
	if err != nil {
		if dkim.Status(status) == dkim.TempError {
			return nil, fmt.Errorf("%w: %w", ErrKeyUnavailable, err)
		}
		return nil, err
	}
	if err := dkimbridge.CheckKey(dkimbridge.KeyCheck{Algorithm: string(alg), Domain: domain, MinRSABits: v.MinRSABits, MaxRSABits: v.MaxRSABits, Name: name}, k, pub); err != nil {
		return nil, err
	}
	return pub, nil
}

func (v *Verifier) resolver() TXTResolver {
	if v.Resolver == nil {
		return net.DefaultResolver
	}
	return v.Resolver
}

// checkAMS verifies the ARC-Message-Signature of instance i+1.
func (c *chain) checkAMS(ctx context.Context, v *Verifier, keys *keyCache, i int, hh hash.Hash, scratch []byte) ([]byte, error) {
	m := c.res.Sets[i].MessageSignature
	wrap := func(err error) error { return fmt.Errorf("%w: %w", ErrMessageSignature, err) }
	pub, err := v.key(ctx, keys, MessageSigField, m.Algorithm, m.Domain, m.Selector)
	if err != nil {
		return scratch, wrap(err)
	}
	b := c.amsBody[i]
	if m.BodyLength != nil && *m.BodyLength > b.h.Total() {
		return scratch, wrap(fmt.Errorf("%w: l=%d, body has %d canonical bytes", dkim.ErrBodyLengthExceeded, *m.BodyLength, b.h.Total()))
	}
	if !bytes.Equal(b.h.Sum(), m.BodyHash) {
		return scratch, wrap(dkim.ErrBodyHashMismatch)
	}
	stripped, err := dkimbridge.StripSignatureValue(dkimbridge.TrimEOL(c.raw[i][1]))
	if err != nil {
		return scratch, wrap(err)
	}
	hh.Reset()
	scratch = dkimbridge.HashHeaders(hh, scratch[:0], c.fields, m.Headers, stripped, string(m.HeaderCanonicalization))
	var digest [sha256.Size]byte
	if err := dkimbridge.VerifySignature(string(m.Algorithm), pub, hh.Sum(digest[:0]), m.Signature); err != nil {
		return scratch, wrap(err)
	}
	return scratch, nil
}

// checkSeal verifies the ARC-Seal of instance i+1: it signs the ARC sets
// 1 to i+1, AAR, AMS and AS of each in turn, relaxed, with its own b=
// empty (RFC 8617 section 5.1.1).
func (c *chain) checkSeal(ctx context.Context, v *Verifier, keys *keyCache, i int, hh hash.Hash, scratch []byte) ([]byte, error) {
	s := c.res.Sets[i].Seal
	wrap := func(err error) error { return fmt.Errorf("%w: %w", ErrSeal, err) }
	pub, err := v.key(ctx, keys, SealField, s.Algorithm, s.Domain, s.Selector)
	if err != nil {
		return scratch, wrap(err)
	}
	stripped, err := dkimbridge.StripSignatureValue(dkimbridge.TrimEOL(c.raw[i][2]))
	if err != nil {
		return scratch, wrap(err)
	}
	hh.Reset()
	scratch = hashSeal(hh, scratch, c.raw[:i], c.raw[i][0], c.raw[i][1], stripped)
	var digest [sha256.Size]byte
	if err := dkimbridge.VerifySignature(string(s.Algorithm), pub, hh.Sum(digest[:0]), s.Signature); err != nil {
		return scratch, wrap(err)
	}
	return scratch, nil
}

// hashSeal writes to h what an ARC-Seal signs: the earlier sets (raw AAR,
// AMS, AS), then this set's AAR and AMS and the seal itself, b= empty and
// without its final CRLF, all relaxed.
func hashSeal(h hash.Hash, scratch []byte, earlier [][3]string, aar, ams, seal string) []byte {
	for _, r := range earlier {
		for _, f := range r {
			scratch = dkim.CanonicalizeHeader(scratch[:0], f, dkim.Relaxed)
			h.Write(scratch)
		}
	}
	for _, f := range []string{aar, ams} {
		scratch = dkim.CanonicalizeHeader(scratch[:0], f, dkim.Relaxed)
		h.Write(scratch)
	}
	scratch = dkim.CanonicalizeHeader(scratch[:0], seal, dkim.Relaxed)
	h.Write(scratch[:len(scratch)-2])
	return scratch
}

// keyCache remembers the key lookups of one message.
type keyCache map[string]cachedKey

type cachedKey struct {
	key    any
	pub    crypto.PublicKey
	status int
	err    error
}

func (c keyCache) get(ctx context.Context, r TXTResolver, name string) (any, crypto.PublicKey, int, error) {
	if k, ok := c[name]; ok {
		return k.key, k.pub, k.status, k.err
	}
	k, pub, st, err := dkimbridge.FetchKey(ctx, r, name)
	c[name] = cachedKey{k, pub, st, err}
	return k, pub, st, err
}
