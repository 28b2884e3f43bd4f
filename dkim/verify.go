package dkim

import (
	"bufio"
	"bytes"
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"fmt"
	"hash"
	"io"
	"math"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/domainauth/domainauth/internal/ascii"
	"github.com/domainauth/domainauth/internal/dkimbridge"
	"github.com/domainauth/domainauth/internal/dnserr"
	"github.com/domainauth/domainauth/internal/dnsname"
	"github.com/domainauth/domainauth/internal/enumtext"
	"github.com/domainauth/domainauth/internal/tagvalue"
)

// TXTResolver looks up TXT records. *net.Resolver satisfies it, and so do
// the resolvers of the domainauth root package. A name that does not exist
// must be reported as a *net.DNSError with IsNotFound set; any other error
// counts as a temporary failure.
type TXTResolver interface {
	LookupTXT(ctx context.Context, name string) ([]string, error)
}

// Status is the outcome of verifying one signature, in the words of RFC
// 8601 section 2.7.1.
type Status int

// The verification outcomes.
const (
	// Pass: the signature verified.
	Pass Status = iota + 1
	// Fail: the signature is well formed and the key was found, but the
	// body hash or the signature does not match: the message changed.
	Fail
	// Neutral: the signature was not evaluated (beyond MaxSignatures).
	Neutral
	// TempError: the key could not be fetched for now; try again later.
	TempError
	// PermError: the signature cannot be verified, ever: malformed,
	// unsupported, expired, or its key is missing, revoked or unacceptable.
	PermError
)

var statusNames = [...]string{
	Pass:      "pass",
	Fail:      "fail",
	Neutral:   "neutral",
	TempError: "temperror",
	PermError: "permerror",
}

// String returns the name of the value, as printed in reports.
func (s Status) String() string { return enumtext.String(s, statusNames[:], "Status") }

// Result is the verdict on one DKIM-Signature field.
type Result struct {
	// Status is the verdict on the signature; for anything but Pass, Err
	// says why.
	Status Status
	// Signature is the parsed field; for a malformed field it holds what
	// could be read (often Domain and Selector), or nil.
	Signature *Signature
	// Key is the key record used, when it was fetched and parsed.
	Key *Key
	// Err says why the status is not Pass. Check it with errors.Is against
	// the Err* values of this package.
	Err error
}

// Domain returns the signing domain, d=, or "" when unknown.
func (r *Result) Domain() string {
	if r.Signature == nil {
		return ""
	}
	return r.Signature.Domain
}

// Default verification limits.
const (
	DefaultMaxSignatures = 10
	MinRSAKeyBits        = 1024 // RFC 8301 section 3.2
	// DefaultMaxRSAKeyBits is the largest RSA key Verify accepts unless
	// Verifier.MaxRSABits says otherwise. RFC 8301 section 3.2 asks
	// verifiers to accept 1024 to 4096 bits; 8192 is the bound of Go's
	// crypto/tls for certificate keys and of other DKIM verifiers, and
	// leaves room for the rare 8192-bit keys published today.
	DefaultMaxRSAKeyBits = 8192
)

// Verifier checks the DKIM signatures of messages. The zero value is
// ready to use, with net.DefaultResolver.
type Verifier struct {
	// Resolver fetches key records; nil means net.DefaultResolver.
	Resolver TXTResolver
	// Now is the clock for x=; nil means time.Now.
	Now func() time.Time
	// ClockSkew is how long after x= a signature is still accepted.
	ClockSkew time.Duration
	// MaxSignatures bounds the signatures evaluated per message (default
	// DefaultMaxSignatures); the others are reported Neutral.
	MaxSignatures int
	// MaxHeaderBytes and MaxHeaderFields bound the header section (default
	// DefaultMaxHeaderBytes, DefaultMaxHeaderFields); a larger header is an
	// error of the Verify call.
	MaxHeaderBytes  int
	MaxHeaderFields int // at most this many header fields; 0 or less means DefaultMaxHeaderFields
	// MinRSABits is the smallest RSA key accepted; values under
	// MinRSAKeyBits (1024, the floor RFC 8301 sets) are raised to it.
	MinRSABits int
	// MaxRSABits is the largest RSA key accepted, in bits; 0 or less means
	// DefaultMaxRSAKeyBits (8192). A signature whose key is larger is
	// PermError with ErrKeyTooLarge, decided before any RSA arithmetic:
	// the cost of a check grows with the square of the key size, and a
	// key record of MaxKeyRecordLength can hold a key of about 46,000
	// bits, which costs some 60 ms per signature (8192 bits: 2.5 ms).
	MaxRSABits int
	// KeyCache, when not nil, keeps the key records fetched, for the
	// verifications that share it (see KeyCache); nil, the default, looks
	// each key up for every message (once per message), so that a key
	// published, rotated or revoked is seen at once. Share one KeyCache
	// between the Verifiers of a mail flow to save a lookup and a parse
	// per message.
	KeyCache *KeyCache
}

// Verify checks every DKIM-Signature of the message read from r with a
// zero Verifier using resolver.
func Verify(ctx context.Context, resolver TXTResolver, r io.Reader) ([]Result, error) {
	v := Verifier{Resolver: resolver}
	return v.Verify(ctx, r)
}

// verifyJob is one signature being checked.
type verifyJob struct {
	res    Result
	raw    string // the raw field
	bAt    int    // where its b= tag starts in the value, -1 if unknown
	body   *bodyHash
	lookup string           // key record name
	pub    crypto.PublicKey // the key, decoded
	done   bool
}

// readBufSize is the fixed buffer the body streams through.
const readBufSize = 16 << 10

// verifyState is what a verification needs whatever the message: the
// read buffer, the header hash and its scratch buffer, and room for the
// digests. Finished verifications leave theirs in statePool: a
// verification of a small message costs less than a new one.
type verifyState struct {
	br      *bufio.Reader
	hh      hash.Hash
	scratch []byte // one canonical header field at a time
	strip   []byte // the DKIM-Signature field without its b= value
	sum     [sha256.Size]byte
	digest  [sha256.Size]byte

	fields []field            // the header fields of the message
	jobs   []verifyJob        // one per DKIM-Signature
	bodies []*bodyHash        // the body hashes the jobs share
	body0  bodyHash           // the first of bodies
	bodyH  hash.Hash          // body0's hash, reset for each message
	canon0 *bodyCanonicalizer // body0's canonicalizer, likewise
	sink   bodySink           // the io.Writer streamBody hands to the reader
	msg    messageBytes       // an in-memory message, taken whole
	keys   keyCache           // the keys of this message
	// The last key record name keyName made, and what it made it from:
	// a mail flow sees the same few signers again and again.
	lastName, lastRaw string
}

// keyName returns the name of the key record of selector sel in domain
// d, normalized: the last one made, when the name is the same, without
// building and normalizing it again. (lastRaw and lastName are strings
// of their own, not of the message.)
func (st *verifyState) keyName(sel, d string) (string, error) {
	const mid = "._domainkey."
	if r := st.lastRaw; len(r) == len(sel)+len(mid)+len(d) && r[:len(sel)] == sel &&
		r[len(sel):len(sel)+len(mid)] == mid && r[len(sel)+len(mid):] == d {
		return st.lastName, nil
	}
	raw := sel + mid + d
	name, err := dnsname.Normalize(raw)
	if err == nil {
		st.lastName, st.lastRaw = name, raw
	}
	return name, err
}

// Bounds on what putState keeps of a verification's slices.
const (
	maxPooledFields = 256
	maxPooledJobs   = 16
)

// maxPooledScratch bounds the scratch buffer kept in statePool: one long
// header field does not make every later verification hold its size.
const maxPooledScratch = 4 << 10

var statePool = sync.Pool{New: func() any {
	return &verifyState{br: bufio.NewReaderSize(nil, readBufSize), hh: sha256.New(), scratch: make([]byte, 0, 512)}
}}

// putState returns st to statePool, without the caller's reader and
// without an outsized scratch buffer.
func putState(st *verifyState) {
	st.br.Reset(nil) // keep the buffer, not the caller's reader
	if cap(st.scratch) > maxPooledScratch {
		st.scratch = make([]byte, 0, 512)
	}
	if cap(st.strip) > maxPooledScratch {
		st.strip = nil
	}
	// Drop the references to the message and its results.
	st.fields = recycle(st.fields, maxPooledFields)
	st.jobs = recycle(st.jobs, maxPooledJobs)
	st.bodies = recycle(st.bodies, math.MaxInt)
	st.body0 = bodyHash{}
	st.sink = bodySink{}
	st.msg = messageBytes{}
	st.keys = recycle(st.keys, maxPooledJobs)
	statePool.Put(st)
}

// recycle returns s emptied for reuse, with every element up to its
// capacity cleared so that the pool holds no reference to the message;
// nil when its capacity is over limit.
func recycle[S ~[]E, E any](s S, limit int) S {
	clear(s[:cap(s)])
	if cap(s) > limit {
		return nil
	}
	return s[:0]
}

// Verify reads the message from r and returns one Result per
// DKIM-Signature field, in the order they appear (top first); an unsigned
// message gives none. The body is hashed as it is read, through fixed
// buffers: memory does not grow with the body. Key lookups happen after
// the body has been read, one per distinct selector and domain (none for
// a key that Verifier.KeyCache holds).
//
// The error is for the message as a whole: reading r failed, the header
// section is over the limits, or ctx ended while reading. A signature that
// does not pass is not an error: its Result says why. When ctx ends during
// the key lookups, the signatures concerned are TempError.
func (v *Verifier) Verify(ctx context.Context, r io.Reader) ([]Result, error) {
	maxBytes, maxFields := v.MaxHeaderBytes, v.MaxHeaderFields
	if maxBytes <= 0 {
		maxBytes = DefaultMaxHeaderBytes
	}
	if maxFields <= 0 {
		maxFields = DefaultMaxHeaderFields
	}
	st := statePool.Get().(*verifyState)
	br := st.br
	defer putState(st)
	// A message in memory (*bytes.Reader, *bytes.Buffer) is taken whole,
	// from r's own bytes: the header is copied once, from there, and the
	// body is handed over in one write, not copied through br. (Not
	// *strings.Reader: its WriteTo would copy the string.)
	var body []byte
	inMemory := false
	switch r.(type) {
	case *bytes.Reader, *bytes.Buffer:
		inMemory = true
		r.(io.WriterTo).WriteTo(&st.msg) // the writer takes all and never fails
	default:
		br.Reset(r)
	}
	var fields []field
	var err error
	if inMemory {
		var used int
		fields, used, err = readHeaderBytes(st.msg.p, maxBytes, maxFields, st.fields)
		body = st.msg.p[used:]
	} else {
		fields, err = readHeaderInto(br, maxBytes, maxFields, st.fields)
	}
	if err != nil {
		return nil, fmt.Errorf("dkim: reading header: %w", err)
	}
	st.fields = fields
	now := time.Now
	if v.Now != nil {
		now = v.Now
	}
	maxSigs := v.MaxSignatures
	if maxSigs <= 0 {
		maxSigs = DefaultMaxSignatures
	}
	// The jobs, the bodies and the first body's hash are the pooled
	// state's: a message with one signature allocates none of them.
	for _, f := range fields {
		if !dkimbridge.SameFieldName(f.name, FieldName) {
			continue
		}
		st.jobs = append(st.jobs, verifyJob{raw: f.raw})
		j := &st.jobs[len(st.jobs)-1]
		sig, bAt, err := parseSignature(dkimbridge.FieldValue(f.raw))
		j.res.Signature, j.bAt = sig, bAt
		if len(st.jobs) > maxSigs {
			j.finish(Neutral, fmt.Errorf("%w (limit %d)", ErrTooManySignatures, maxSigs))
			continue
		}
		if err != nil {
			j.finish(PermError, err)
			continue
		}
		if err := v.precheck(sig, now); err != nil {
			j.finish(PermError, err)
			continue
		}
		j.lookup, err = st.keyName(sig.Selector, sig.Domain)
		if err != nil {
			// d= and s= are each well formed but together too long.
			j.finish(PermError, &SyntaxError{In: inSignature, Tag: "s", Offset: -1, Err: fmt.Errorf("%w: key record name: %w", ErrSignatureSyntax, err)})
			continue
		}
		limit := int64(-1)
		if sig.BodyLength != nil {
			limit = *sig.BodyLength
		}
		for _, b := range st.bodies {
			if b.canon == sig.BodyCanonicalization && b.c.limit == limit {
				j.body = b
			}
		}
		if j.body == nil {
			j.body = st.newBody(sig.BodyCanonicalization, limit)
		}
	}
	jobs := st.jobs
	if len(jobs) == 0 {
		return nil, nil
	}
	if inMemory {
		st.sink = bodySink{ctx: ctx, bodies: st.bodies}
		if len(body) > 0 {
			if _, err := st.sink.Write(body); err != nil {
				return nil, err
			}
		}
	} else if err := streamBody(ctx, br, &st.sink, st.bodies); err != nil {
		return nil, err
	}
	for _, b := range st.bodies {
		b.c.Close()
	}
	keys := st.keys[:0]
	defer func() { st.keys = keys }() // putState clears it
	for i := range jobs {
		j := &jobs[i]
		if j.done {
			continue
		}
		key, pub, status, err := keys.get(ctx, v.resolver(), v.KeyCache, j.lookup)
		j.res.Key, j.pub = key, pub
		if err != nil {
			j.finish(status, err)
			continue
		}
		if err := v.checkKey(j.res.Signature, key, pub, j.lookup); err != nil {
			j.finish(PermError, err)
			continue
		}
		v.check(j, fields, st)
	}
	out := make([]Result, len(jobs))
	for i := range jobs {
		out[i] = jobs[i].res
	}
	return out, nil
}

// newBody returns a body hash for canonicalization c and l= limit,
// added to st.bodies: the first one of a verification is st's own.
func (st *verifyState) newBody(c Canonicalization, limit int64) *bodyHash {
	if len(st.bodies) == 0 {
		if st.bodyH == nil || !bodyHashFits(st.bodyH) {
			st.bodyH = newBodyHash()
		}
		st.bodyH.Reset()
		if st.canon0 == nil {
			st.canon0 = new(bodyCanonicalizer)
		}
		st.canon0.reset(st.bodyH, c, limit)
		st.body0 = bodyHash{canon: c, h: st.bodyH, c: st.canon0}
		st.bodies = append(st.bodies, &st.body0)
		return &st.body0
	}
	b := &bodyHash{canon: c, h: newBodyHash()}
	b.c = newBodyCanonicalizer(b.h, c, limit)
	st.bodies = append(st.bodies, b)
	return b
}

func (v *Verifier) resolver() TXTResolver {
	if v.Resolver == nil {
		return net.DefaultResolver
	}
	return v.Resolver
}

func (j *verifyJob) finish(s Status, err error) {
	j.res.Status, j.res.Err, j.done = s, err, true
}

// streamBody copies the body through the canonicalizers in fixed chunks
// of br's buffer, checking ctx between chunks. (A message in memory does
// not come here: Verify hands its body over in one write.)
func streamBody(ctx context.Context, br *bufio.Reader, sink *bodySink, bodies []*bodyHash) error {
	*sink = bodySink{ctx: ctx, bodies: bodies}
	for {
		// Hand the reader's own buffer to the canonicalizers: no copy.
		if n := br.Buffered(); n > 0 {
			p, _ := br.Peek(n)
			if _, err := sink.Write(p); err != nil {
				return err
			}
			br.Discard(n)
		}
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("dkim: reading body: %w", err)
		}
		if _, err := br.Peek(1); err != nil {
			if err == io.EOF {
				return nil
			}
			return fmt.Errorf("dkim: reading body: %w", err)
		}
	}
}

// messageBytes is the io.Writer that a *bytes.Reader or *bytes.Buffer
// writes its unread bytes to, in one Write: it keeps them, for Verify to
// read the message from the reader's own memory. (It breaks the rule
// that a Writer does not retain p, knowingly: the two writers give their
// own buffer, which stays as it is while Verify, which has the reader,
// runs; putState drops it.)
type messageBytes struct{ p []byte }

func (m *messageBytes) Write(p []byte) (int, error) {
	m.p = p
	return len(p), nil
}

// bodySink writes body bytes to every canonicalizer, unless ctx has ended.
type bodySink struct {
	ctx    context.Context
	bodies []*bodyHash
}

func (s *bodySink) Write(p []byte) (int, error) {
	if err := s.ctx.Err(); err != nil {
		return 0, fmt.Errorf("dkim: reading body: %w", err)
	}
	for _, b := range s.bodies {
		b.c.Write(p)
	}
	return len(p), nil
}

// precheck applies the rules that need no key and no body. It reads the
// clock now only for a signature with x=: a reading of the clock costs
// about as much as the rest of precheck.
func (v *Verifier) precheck(sig *Signature, now func() time.Time) error {
	switch sig.Algorithm {
	case RSASHA256, Ed25519SHA256:
	case RSASHA1:
		return ErrSHA1
	default:
		return fmt.Errorf("%w %q", ErrUnsupportedAlgorithm, sig.Algorithm)
	}
	if sig.QueryMethods != nil {
		ok := false
		for _, q := range sig.QueryMethods {
			// RFC 6376 section 3.5: "dns/txt"; the type is case-insensitive.
			ok = ok || ascii.EqualFold(q, "dns/txt") || ascii.EqualFold(q, "dns")
		}
		if !ok {
			return fmt.Errorf("%w: q=%s", ErrUnsupportedQueryMethod, strings.Join(sig.QueryMethods, ":"))
		}
	}
	if sig.Identity != "" {
		at := strings.LastIndexByte(sig.Identity, '@')
		if !identityWithin(sig.Identity[at+1:], sig.Domain) {
			return fmt.Errorf("%w: i=%s, d=%s", ErrIdentityMismatch, sig.Identity, sig.Domain)
		}
	}
	from := false
	for _, h := range sig.Headers {
		from = from || dkimbridge.SameFieldName(h, "From")
	}
	if !from {
		return ErrFromNotSigned
	}
	if !sig.Expiration.IsZero() && now().After(sig.Expiration.Add(v.ClockSkew)) {
		return fmt.Errorf("%w at %s", ErrExpired, sig.Expiration.Format(time.RFC3339))
	}
	return nil
}

// checkKey applies the key record's restrictions and the key size bounds to
// the signature; pub is the decoded key (nil when revoked), name the key
// record's name. It runs before any cryptography.
func (v *Verifier) checkKey(sig *Signature, key *Key, pub crypto.PublicKey, name string) error {
	if key.Revoked() {
		return ErrKeyRevoked
	}
	kt, h := sig.Algorithm.split()
	if key.Type != kt {
		return fmt.Errorf("%w: k=%s, a=%s", ErrKeyTypeMismatch, key.Type, sig.Algorithm)
	}
	if !key.AllowsHash(h) {
		return fmt.Errorf("%w: h=%s", ErrKeyHashNotAllowed, strings.Join(key.HashAlgorithms, ":"))
	}
	if !key.AllowsEmail() {
		return fmt.Errorf("%w: s=%s", ErrKeyNotForEmail, strings.Join(key.Services, ":"))
	}
	if key.Strict && sig.Identity != "" {
		at := strings.LastIndexByte(sig.Identity, '@')
		if !ascii.EqualFold(strings.TrimSuffix(sig.Identity[at+1:], "."), strings.TrimSuffix(sig.Domain, ".")) {
			return fmt.Errorf("%w: i=%s, d=%s", ErrKeyStrictIdentity, sig.Identity, sig.Domain)
		}
	}
	if kt == KeyRSA {
		bits := publicBits(pub)
		minBits := max(v.MinRSABits, MinRSAKeyBits)
		if bits < minBits {
			return fmt.Errorf("%w: %d-bit RSA key, the minimum is %d", ErrKeyTooSmall, bits, minBits)
		}
		maxBits := v.MaxRSABits
		if maxBits <= 0 {
			maxBits = DefaultMaxRSAKeyBits
		}
		if bits > maxBits {
			return fmt.Errorf("%w: %d-bit RSA key at %s, the maximum is %d (Verifier.MaxRSABits)", ErrKeyTooLarge, bits, name, maxBits)
		}
	}
	return nil
}

// check compares the body hash and verifies the signature.
func (v *Verifier) check(j *verifyJob, fields []field, st *verifyState) {
	sig := j.res.Signature
	b := j.body
	if sig.BodyLength != nil && *sig.BodyLength > b.c.total {
		j.finish(PermError, fmt.Errorf("%w: l=%d, body has %d canonical bytes", ErrBodyLengthExceeded, *sig.BodyLength, b.c.total))
		return
	}
	if !bytes.Equal(b.h.Sum(st.sum[:0]), sig.BodyHash) {
		j.finish(Fail, ErrBodyHashMismatch)
		return
	}
	var err error
	st.strip, err = appendStrippedAt(st.strip[:0], dkimbridge.TrimEOL(j.raw), j.bAt)
	if err != nil {
		j.finish(PermError, err)
		return
	}
	st.hh.Reset()
	st.scratch = hashHeaders(st.hh, st.scratch[:0], fields, sig.Headers, bytesString(st.strip), sig.HeaderCanonicalization)
	if err := verifySignature(sig.Algorithm, j.pub, st.hh.Sum(st.digest[:0]), sig.Signature); err != nil {
		j.finish(Fail, err)
		return
	}
	j.finish(Pass, nil)
}

// stripSignatureValue returns the raw DKIM-Signature field with the value
// of its b= tag removed (RFC 6376 section 3.7), everything else untouched.
func stripSignatureValue(raw string) (string, error) {
	colon := strings.IndexByte(raw, ':')
	list, err := tagvalue.Parse(raw[colon+1:])
	if err != nil {
		return "", err
	}
	t, ok := tagOf(list, "b")
	if !ok {
		return "", fmt.Errorf("%w: no b= tag", ErrSignatureSyntax)
	}
	start, end := signatureValueSpan(raw, colon, t)
	return raw[:start] + raw[end:], nil
}

// appendStripped is stripSignatureValue appending to dst, for a field that
// ParseSignature accepted (so its first b= tag is the only one): it
// allocates nothing when dst has room.
func appendStripped(dst []byte, raw string) ([]byte, error) {
	colon := strings.IndexByte(raw, ':')
	sc := tagvalue.NewScanner(raw[colon+1:])
	found := false
	var t tagvalue.Tag
	for !found && sc.Next() {
		t = sc.Tag()
		found = t.Name == "b"
	}
	if err := sc.Err(); err != nil {
		return dst, err
	}
	if !found {
		return dst, fmt.Errorf("%w: no b= tag", ErrSignatureSyntax)
	}
	start, end := signatureValueSpan(raw, colon, t)
	return append(append(dst, raw[:start]...), raw[end:]...), nil
}

// appendStrippedAt is appendStripped for a field whose b= tag
// parseSignature found at bAt in the value (after the colon): no second
// pass over the tags. With bAt < 0 it is appendStripped.
func appendStrippedAt(dst []byte, raw string, bAt int) ([]byte, error) {
	if bAt < 0 {
		return appendStripped(dst, raw)
	}
	colon := strings.IndexByte(raw, ':')
	start, end := signatureValueSpan(raw, colon, tagvalue.Tag{Offset: bAt})
	return append(append(dst, raw[:start]...), raw[end:]...), nil
}

// signatureValueSpan returns where the value of the b= tag t starts and
// ends in raw, whose colon is at colon.
func signatureValueSpan(raw string, colon int, t tagvalue.Tag) (start, end int) {
	value := raw[colon+1:]
	start = colon + 1 + t.Offset + strings.IndexByte(value[t.Offset:], '=') + 1
	end = strings.IndexByte(raw[start:], ';')
	if end < 0 {
		return start, len(raw)
	}
	return start, end + start
}

// verifySignature checks sig over digest with the key.
func verifySignature(alg Algorithm, pub crypto.PublicKey, digest, sig []byte) error {
	switch alg {
	case RSASHA256:
		rk, ok := pub.(*rsa.PublicKey)
		if !ok {
			return ErrKeyTypeMismatch
		}
		if err := rsa.VerifyPKCS1v15(rk, crypto.SHA256, digest, sig); err != nil {
			return ErrSignatureMismatch
		}
	case Ed25519SHA256:
		ek, ok := pub.(ed25519.PublicKey)
		if !ok {
			return ErrKeyTypeMismatch
		}
		if !ed25519.Verify(ek, digest, sig) {
			return ErrSignatureMismatch
		}
	default:
		return ErrUnsupportedAlgorithm
	}
	return nil
}

// keyCache remembers the key lookups of one message.
type keyCache []cachedKey

type cachedKey struct {
	name   string
	key    *Key
	pub    crypto.PublicKey
	status Status
	err    error
}

// get fetches and parses the key record at name, through shared when
// not nil.
func (c *keyCache) get(ctx context.Context, r TXTResolver, shared *KeyCache, name string) (*Key, crypto.PublicKey, Status, error) {
	for _, k := range *c {
		if k.name == name {
			return k.key, k.pub, k.status, k.err
		}
	}
	key, pub, status, err := shared.fetch(ctx, r, name)
	*c = append(*c, cachedKey{name, key, pub, status, err})
	return key, pub, status, err
}

// MaxKeyRecords bounds the TXT records considered at a key name.
const MaxKeyRecords = 10

func fetchKey(ctx context.Context, r TXTResolver, name string) (*Key, crypto.PublicKey, Status, error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, TempError, keyUnavailable(name, err)
	}
	txts, err := r.LookupTXT(ctx, name)
	return keyFromTXT(name, txts, err)
}

// keyUnavailable is the error of a key lookup that failed for now.
func keyUnavailable(name string, err error) error {
	return fmt.Errorf("%w: %s: %w", ErrKeyUnavailable, name, err)
}

// keyFromTXT judges the answer to the lookup of the key record at name:
// the TXT records, or the error of the lookup.
func keyFromTXT(name string, txts []string, err error) (*Key, crypto.PublicKey, Status, error) {
	if err != nil {
		if dnserr.IsNotFound(err) {
			return nil, nil, PermError, fmt.Errorf("%w at %s: %w", ErrNoKey, name, err)
		}
		return nil, nil, TempError, keyUnavailable(name, err)
	}
	if len(txts) == 0 {
		return nil, nil, PermError, fmt.Errorf("%w at %s", ErrNoKey, name)
	}
	// RFC 6376 section 3.6.2.2: with several records the result is
	// undefined; take the first that parses.
	var first *SyntaxError
	for i, txt := range txts {
		if i == MaxKeyRecords {
			break
		}
		var pub crypto.PublicKey
		k, se := parseKey(txt, &pub)
		if se == nil {
			return k, pub, 0, nil
		}
		if first == nil {
			first = se
		}
	}
	return nil, nil, PermError, keyInvalid(name, first)
}

// keyInvalid names the key record of a ParseKey error and adds
// ErrKeyInvalid to its reasons; the result is still a *SyntaxError.
func keyInvalid(name string, se *SyntaxError) error {
	return &SyntaxError{In: inKey + " at " + name, Tag: se.Tag, Offset: se.Offset, Err: fmt.Errorf("%w: %w", ErrKeyInvalid, se.Err)}
}
