package dkim

import (
	"bytes"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"io"
	"math/bits"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/domainauth/domainauth/internal/ascii"
	"github.com/domainauth/domainauth/internal/dkimbridge"
	"github.com/domainauth/domainauth/internal/dnsname"
)

// DefaultSignedHeaders are the header fields Sign signs when
// SignOptions.Headers is nil, each as many times as it occurs.
var defaultSignedHeaders = [...]string{
	"From", "Reply-To", "Subject", "Date", "To", "Cc", "Message-ID",
	"In-Reply-To", "References", "MIME-Version", "Content-Type",
	"Content-Transfer-Encoding", "Sender", "List-Id", "List-Help",
	"List-Unsubscribe", "List-Unsubscribe-Post", "List-Subscribe",
	"List-Post", "List-Owner", "List-Archive", "Feedback-ID",
}

// oversignedHeaders are signed once more than they occur, so that nobody
// can add another instance later without breaking the signature (a second
// From or Subject shown instead of the signed one). RFC 6376 section 8.15.
var oversignedHeaders = []string{
	"From", "Reply-To", "Subject", "Date", "To", "Cc", "Message-ID",
	"MIME-Version", "Content-Type", "Content-Transfer-Encoding",
	"List-Unsubscribe", "List-Unsubscribe-Post",
}

// DefaultSignedHeaders returns the header field names Sign uses when
// SignOptions.Headers is nil: each present field is signed as often as it
// occurs, and those in the over-signed subset (From, Reply-To, Subject,
// Date, To, Cc, Message-ID, MIME-Version, Content-Type,
// Content-Transfer-Encoding, List-Unsubscribe, List-Unsubscribe-Post) once
// more, which stops anyone adding one after signing.
func DefaultSignedHeaders() []string { return append([]string(nil), defaultSignedHeaders[:]...) }

// SignOptions describes one signature. Domain, Selector and Key are
// required; the zero value of every other field is a sensible default.
type SignOptions struct {
	Domain   string        // d=, the signing domain
	Selector string        // s=, in ASCII: an internationalized label as its A-label (xn--)
	Key      crypto.Signer // *rsa.PrivateKey (rsa-sha256) or ed25519.PrivateKey (ed25519-sha256)

	// HeaderCanonicalization and BodyCanonicalization default to relaxed,
	// which survives the re-folding and whitespace changes of ordinary
	// transport (the RFC default, simple, does not).
	HeaderCanonicalization Canonicalization
	BodyCanonicalization   Canonicalization // the body half of c=; "" means Relaxed

	// Identity is i=, optional: "[local]@domain" with domain equal to or
	// under Domain, in ASCII (an internationalized name as its A-label).
	Identity string
	// Headers lists the header fields to sign, in h= order, taken as given
	// (list a name n+1 times to over-sign n fields). Nil means the
	// recommended set with over-signing, see DefaultSignedHeaders. It must
	// include From.
	Headers []string
	// Expiration, when positive, sets x= that long after t=.
	Expiration time.Duration
	// BodyLength sets l= to the length of the canonical body. Off by
	// default: l= lets anyone append content below the signed part.
	BodyLength bool
	// CopyHeaders adds z= with copies of the signed header fields.
	CopyHeaders bool
	// NoTimestamp leaves out t= (and so x=).
	NoTimestamp bool
	// Now is the clock for t=; nil means time.Now.
	Now func() time.Time
	// Rand is passed to Key.Sign; nil means crypto/rand.Reader.
	Rand io.Reader
}

// ErrSignOptions wraps the errors NewSigner returns for unusable options.
var ErrSignOptions = errors.New("dkim: invalid sign options")

// signJob is one signature under construction.
type signJob struct {
	opts  SignOptions
	alg   Algorithm
	body  int               // index into Signer.bodies
	sum   [sha256.Size]byte // the body hash, Signature.BodyHash
	sig   *Signature
	field string // sig formatted as HeaderField returns it
}

type bodyHash struct {
	canon Canonicalization
	h     hash.Hash
	c     *bodyCanonicalizer
	sum   [sha256.Size]byte // the digest, once c is closed (Signer)
}

// Signer computes one or more DKIM signatures in one pass over a message.
// Write the whole message (header and body, CRLF or LF line ends) to it,
// then Close; HeaderFields returns the DKIM-Signature fields to prepend.
// The body is hashed as it is written and not kept; the header section is
// buffered (up to DefaultMaxHeaderBytes). A Signer is for one message and
// one goroutine.
type Signer struct {
	jobs   []*signJob
	bodies []*bodyHash
	hdr    headerParser
	err    error
	closed bool

	// The first signature's job, its Signature and the backing of jobs
	// and bodies: a Signer of one signature is one allocation.
	job0    signJob
	jobs0   [1]*signJob
	bodies0 [1]*bodyHash
	sig0    signedSignature // job0's Signature
	// scratch holds the header buffer and the fields, from signScratch,
	// between the first Write and Close.
	scratch *signHeader
}

// signedSignature is a Signature that Close makes, with room for its h=
// names in the same allocation (ParseSignature's layout, without room for
// decoded values): the default set comes to no more than 32 names for
// most messages (19 for one with the seven usual fields).
type signedSignature = signatureAlloc[struct{}]

// signHeader is the header section of a Signer's message, kept in
// signScratch between messages: the header buffer and its fields.
type signHeader struct {
	buf    []byte
	fields []field
}

// signScratch holds the header buffers of closed Signers. Nothing a
// Signer returns points into them (CopyHeaders copies).
var signScratch = sync.Pool{New: func() any { return new(signHeader) }}

// maxPooledHeader bounds the header buffer signScratch keeps: one huge
// header does not make every later Signer hold its size.
const maxPooledHeader = 16 << 10

// NewSigner checks the options, one per signature, and returns a Signer.
// Signatures with the same body canonicalization share one body hash.
func NewSigner(opts ...SignOptions) (*Signer, error) {
	if len(opts) == 0 {
		return nil, fmt.Errorf("%w: no signature requested", ErrSignOptions)
	}
	s := new(Signer)
	if err := s.init(opts); err != nil {
		return nil, err
	}
	return s, nil
}

// init sets up the zero Signer s for opts, which are not empty.
func (s *Signer) init(opts []SignOptions) error {
	s.hdr = headerParser{maxBytes: DefaultMaxHeaderBytes, maxFields: DefaultMaxHeaderFields}
	s.jobs, s.bodies = s.jobs0[:0], s.bodies0[:0]
	for i, o := range opts {
		j := &s.job0
		if i > 0 {
			j = new(signJob)
		}
		if err := j.init(o); err != nil {
			return fmt.Errorf("signature %d: %w", i+1, err)
		}
		j.body = -1
		for k, b := range s.bodies {
			if b.canon == j.opts.BodyCanonicalization {
				j.body = k
			}
		}
		if j.body < 0 {
			s.bodies = append(s.bodies, newSignBody(j.opts.BodyCanonicalization))
			j.body = len(s.bodies) - 1
		}
		s.jobs = append(s.jobs, j)
	}
	return nil
}

// init checks the options o and sets up j to sign with them.
func (j *signJob) init(o SignOptions) error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrSignOptions}, args...)...)
	}
	d, err := checkSignName(o.Domain, o.Selector)
	if err != nil {
		return bad("%v", err)
	}
	o.Domain = d
	var alg Algorithm
	switch k := o.Key.(type) {
	case *rsa.PrivateKey:
		if k.N.BitLen() < 1024 {
			return bad("RSA key of %d bits; verifiers refuse keys under 1024 bits (RFC 8301)", k.N.BitLen())
		}
		alg = RSASHA256
	case ed25519.PrivateKey:
		alg = Ed25519SHA256
	case nil:
		return bad("no key")
	default:
		switch k.Public().(type) {
		case *rsa.PublicKey:
			alg = RSASHA256
		case ed25519.PublicKey:
			alg = Ed25519SHA256
		default:
			return bad("unsupported key type %T", o.Key)
		}
	}
	for _, c := range []*Canonicalization{&o.HeaderCanonicalization, &o.BodyCanonicalization} {
		if *c == "" {
			*c = Relaxed
		}
		if *c != Simple && *c != Relaxed {
			return bad("canonicalization %q", *c)
		}
	}
	if o.Identity != "" {
		at := strings.LastIndexByte(o.Identity, '@')
		if at < 0 {
			return bad("identity %q has no @domain", o.Identity)
		}
		// The domain is written as given, and must be a domain name in
		// ASCII as d= is (RFC 6376 section 3.5: A-labels).
		dom := o.Identity[at+1:]
		if !ascii.Is(dom) {
			return bad("identity %q: the domain is not ASCII; give an internationalized name as its A-label (xn--)", o.Identity)
		}
		if _, err := dnsname.Normalize(dom); err != nil {
			return bad("identity %q: %v", o.Identity, err)
		}
		if !identityWithin(dom, d) {
			return bad("identity %q is not within %s", o.Identity, d)
		}
	}
	if o.Headers != nil {
		from := false
		for _, h := range o.Headers {
			if !validFieldName(h) {
				return bad("header field name %q", h)
			}
			from = from || dkimbridge.SameFieldName(h, "From")
		}
		if !from {
			return bad("Headers must include From")
		}
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Rand == nil {
		o.Rand = rand.Reader
	}
	*j = signJob{opts: o, alg: alg}
	return nil
}

// checkSignName checks the domain and selector of SignOptions and returns
// the domain normalized. The last pair that passed is remembered: a
// program signs with the same pair again and again, and the check of the
// key record's name costs a concatenation and two passes over it.
func checkSignName(domain, selector string) (string, error) {
	if c := lastSignName.Load(); c != nil && c.domain == domain && c.selector == selector {
		return c.normalized, nil
	}
	d, err := checkSignNameSlow(domain, selector)
	if err == nil {
		lastSignName.Store(&signName{domain, selector, d})
	}
	return d, err
}

// checkSignNameSlow is checkSignName without the memory.
func checkSignNameSlow(domain, selector string) (string, error) {
	d, err := dnsname.Normalize(domain)
	if err != nil || domain == "" {
		return "", fmt.Errorf("domain %q: %v", domain, err)
	}
	if selector == "" {
		return "", errors.New("no selector")
	}
	// s= is written as given, and a tag value is ASCII (RFC 6376 section
	// 3.2): Verify refuses a signature whose s= is not. Normalize below
	// would take a U-label, and map look-alikes such as the KELVIN SIGN
	// to ASCII, for a name the s= then does not spell.
	if !ascii.Is(selector) {
		return "", fmt.Errorf("selector %q is not ASCII; give an internationalized label as its A-label (xn--)", selector)
	}
	if _, err := dnsname.Normalize(selector + "._domainkey." + d); err != nil || strings.ContainsAny(selector, " ;") {
		return "", fmt.Errorf("selector %q: %v", selector, err)
	}
	return d, nil
}

// signName is a domain and selector that checkSignName accepted, and the
// domain normalized.
type signName struct{ domain, selector, normalized string }

var lastSignName atomic.Pointer[signName]

// Write feeds the next part of the message.
func (s *Signer) Write(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	if s.closed {
		return 0, errors.New("dkim: write after Close")
	}
	n := len(p)
	if !s.hdr.done {
		if s.scratch == nil {
			s.scratch = signScratch.Get().(*signHeader)
			s.hdr.buf, s.hdr.out = s.scratch.buf[:0], s.scratch.fields[:0]
		}
		used, err := s.hdr.write(p)
		if err != nil {
			s.err = err
			return used, err
		}
		p = p[used:]
	}
	if len(p) > 0 {
		for _, b := range s.bodies {
			b.c.Write(p)
		}
	}
	return n, nil
}

// Close ends the message and computes the signatures.
func (s *Signer) Close() error {
	if s.closed || s.err != nil {
		return s.err
	}
	s.closed = true
	defer s.recycleHeader()
	fields, err := s.hdr.appendFields(s.scratchFields())
	if s.scratch != nil && fields != nil {
		s.scratch.fields = fields
	}
	if err != nil {
		s.err = err
		return err
	}
	hasFrom := false
	for _, f := range fields {
		hasFrom = hasFrom || dkimbridge.SameFieldName(f.name, "From")
	}
	if !hasFrom {
		s.err = errors.New("dkim: message has no From header field")
		return s.err
	}
	for _, b := range s.bodies {
		b.c.Close()
		b.h.Sum(b.sum[:0])
	}
	defer s.recycleBodies()
	// The header hash, its scratch buffer and the digest come from the
	// pool that Verify uses.
	st := statePool.Get().(*verifyState)
	defer putState(st)
	for _, j := range s.jobs {
		o := j.opts
		j.sum = s.bodies[j.body].sum
		sh := &s.sig0
		if j != &s.job0 {
			sh = new(signedSignature)
		}
		sig := &sh.sig
		*sig = Signature{
			Version:                1,
			Algorithm:              j.alg,
			HeaderCanonicalization: o.HeaderCanonicalization,
			BodyCanonicalization:   o.BodyCanonicalization,
			Domain:                 o.Domain,
			Selector:               o.Selector,
			Identity:               o.Identity,
			BodyHash:               j.sum[:],
			Headers:                o.Headers,
		}
		if sig.Headers == nil {
			sig.Headers = appendChosenHeaders(sh.names[:0], fields)
		}
		if !o.NoTimestamp {
			now := o.Now().Truncate(time.Second)
			sig.Timestamp = now.UTC()
			if o.Expiration > 0 {
				sig.Expiration = now.Add(max(o.Expiration, time.Second)).UTC()
			}
		}
		if o.BodyLength {
			n := s.bodies[j.body].c.total
			sig.BodyLength = &n
		}
		if o.CopyHeaders {
			selectFields(fields, sig.Headers, func(f field) {
				sig.CopiedHeaders = append(sig.CopiedHeaders, unfold(f.raw))
			})
		}
		// The field is formatted once: up to "b=" for the header hash,
		// then, in the same buffer, the b= value and the line end for
		// HeaderFields.
		buf := make([]byte, 0, sig.sizeHint()+signatureSize(o.Key)*4/3+32)
		buf = append(buf, FieldName+":"...)
		buf, f := sig.writeTags(buf, true)
		st.hh.Reset()
		// The field was folded by writeTags from values without white
		// space (d= and s= checked here; h= names are field names, i=
		// and z= quoted-printable, the rest numbers, tokens and base64):
		// its relaxed form is the folds made spaces (relaxedFolded).
		folded := wordRun(o.Domain) == len(o.Domain) && wordRun(o.Selector) == len(o.Selector)
		st.scratch = hashHeadersFolded(st.hh, st.scratch[:0], fields, sig.Headers, bytesString(buf), o.HeaderCanonicalization, folded)
		digest := st.hh.Sum(st.digest[:0])
		var sigBytes []byte
		if j.alg == Ed25519SHA256 {
			sigBytes, err = o.Key.Sign(o.Rand, digest, crypto.Hash(0))
		} else {
			sigBytes, err = o.Key.Sign(o.Rand, digest, crypto.SHA256)
		}
		if err != nil {
			s.err = fmt.Errorf("dkim: signing for %s: %w", o.Domain, err)
			return s.err
		}
		sig.Signature = sigBytes
		buf = f.signatureValue(buf, sigBytes)
		// The buffer is not written again: the field can share it.
		j.sig, j.field = sig, bytesString(append(buf, '\r', '\n'))
	}
	return nil
}

// scratchFields returns the pooled fields slice for appendFields, nil
// when the Signer has none.
func (s *Signer) scratchFields() []field {
	if s.scratch == nil {
		return nil
	}
	return s.scratch.fields
}

// recycleHeader gives the header buffer and fields back to signScratch,
// once Close is done with them.
func (s *Signer) recycleHeader() {
	sh := s.scratch
	if sh == nil {
		return
	}
	s.scratch = nil
	sh.buf = s.hdr.buf[:0]
	s.hdr.buf = nil
	if cap(sh.buf) > maxPooledHeader {
		sh.buf = nil
	}
	sh.fields = recycle(sh.fields, maxPooledFields)
	signScratch.Put(sh)
}

// signBodies holds the body hashes of closed Signers, canonicalizer
// buffer and all, for the next: a signature of a small message costs
// noticeably less without a new one each time.
var signBodies = sync.Pool{New: func() any { return new(bodyHash) }}

// newSignBody returns a body hash for a Signer, from signBodies when it
// has one.
func newSignBody(c Canonicalization) *bodyHash {
	b := signBodies.Get().(*bodyHash)
	if b.h == nil || !bodyHashFits(b.h) {
		b.h, b.c = newBodyHash(), new(bodyCanonicalizer)
	}
	b.h.Reset()
	b.canon = c
	b.c.reset(b.h, c, -1)
	return b
}

// recycleBodies gives the Signer's body hashes back to signBodies, once
// Close has taken what it needs of them.
func (s *Signer) recycleBodies() {
	for _, b := range s.bodies {
		signBodies.Put(b)
	}
	s.bodies = nil
}

// signatureSize returns the size of the signatures key makes, or 0 when
// it cannot tell.
func signatureSize(key crypto.Signer) int {
	switch k := key.(type) {
	case ed25519.PrivateKey:
		return ed25519.SignatureSize
	case *rsa.PrivateKey:
		return k.Size()
	}
	return 0
}

// unfold removes the line ends of a raw header field. The result is a
// copy: raw is in a Signer's header buffer, which the next Signer reuses.
func unfold(raw string) string {
	raw = dkimbridge.TrimEOL(raw)
	if strings.IndexByte(raw, '\n') < 0 {
		return strings.Clone(raw)
	}
	return strings.NewReplacer("\r\n", "", "\n", "").Replace(raw)
}

// chooseHeaders picks h= from the default set for this message.
func chooseHeaders(fields []field) []string { return appendChosenHeaders(nil, fields) }

// appendChosenHeaders is chooseHeaders appending to dst[:0], which it
// uses when it has room.
func appendChosenHeaders(dst []string, fields []field) []string {
	// One pass over the fields counts each default name's; a field
	// matches one default name at most, since they differ ignoring case.
	// The default names a field's may be are those in the slot of its
	// key (defaultBySlot): one look-up, not a pass over the names.
	var counts [len(defaultSignedHeaders)]int
	for _, f := range fields {
		k := nameKey(f.name)
		for m := defaultBySlot[keySlot(k)]; m != 0; m &= m - 1 {
			d := bits.TrailingZeros32(m)
			if defaultKeys[d] == k && dkimbridge.SameFieldName(f.name, defaultSignedHeaders[d]) {
				counts[d]++
				break
			}
		}
	}
	// Each name as often as it appears, once more when over-signed.
	total := 0
	for d := range counts {
		counts[d] += oversigned[d]
		total += counts[d]
	}
	h := dst[:0]
	if cap(h) < total {
		h = make([]string, 0, total)
	}
	for d, name := range defaultSignedHeaders {
		for range counts[d] {
			h = append(h, name)
		}
	}
	return h
}

// defaultKeys are the nameKey of each defaultSignedHeaders, and
// oversigned is 1 for those in oversignedHeaders, 0 for the others.
// defaultBySlot has, for each keySlot, bit d set for each default name
// d whose key falls there.
var defaultKeys, oversigned, defaultBySlot = defaultTables()

// defaultBySlot's bit sets hold 32 names at most.
var _ [32 - len(defaultSignedHeaders)]struct{}

func defaultTables() (keys [len(defaultSignedHeaders)]uint64, over [len(defaultSignedHeaders)]int, bySlot [64]uint32) {
	for d, name := range defaultSignedHeaders {
		keys[d] = nameKey(name)
		bySlot[keySlot(keys[d])] |= 1 << d
		for _, o := range oversignedHeaders {
			if o == name {
				over[d] = 1
			}
		}
	}
	return keys, over, bySlot
}

// hashHeaders writes the canonical signed header fields and the
// DKIM-Signature field sigField (with an empty b= and no final line end)
// to h, using scratch as the buffer; it returns scratch for reuse. The
// fields are canonicalized one after the other into scratch and hashed
// with one Write.
func hashHeaders(h hash.Hash, scratch []byte, fields []field, names []string, sigField string, c Canonicalization) []byte {
	return hashHeadersFolded(h, scratch, fields, names, sigField, c, false)
}

// hashHeadersFolded is hashHeaders for a signer that knows sigField to be
// as writeTags folds values without white space (folded): under relaxed
// canonicalization it is then canonicalized by relaxedFolded.
func hashHeadersFolded(h hash.Hash, scratch []byte, fields []field, names []string, sigField string, c Canonicalization, folded bool) []byte {
	scratch = scratch[:0]
	selectFields(fields, names, func(f field) {
		scratch = CanonicalizeHeader(scratch, f.raw, c)
	})
	ok := false
	if folded && c == Relaxed {
		scratch, ok = relaxedFolded(scratch, sigField)
	}
	if !ok {
		scratch = CanonicalizeHeader(scratch, sigField, c)
	}
	h.Write(scratch[:len(scratch)-2]) // without the CRLF CanonicalizeHeader added
	return scratch
}

// relaxedFolded appends the relaxed canonical form of the DKIM-Signature
// field f to dst, as relaxedHeader does, for a field as Close has
// writeTags write it: "DKIM-Signature: " and tags separated by "; ",
// folded with CRLF TAB, from values without white space. Its relaxed
// form is then the name in small letters, the colon, and the rest with
// each fold made one space: one search for CR per line, where
// relaxedHeader takes every run between spaces. It reports false, having
// appended nothing, for a field not of that shape.
func relaxedFolded(dst []byte, f string) ([]byte, bool) {
	const name = FieldName + ": "
	if !strings.HasPrefix(f, name) {
		return dst, false
	}
	n := len(dst)
	dst = append(dst, "dkim-signature:"...)
	v := f[len(name):]
	for {
		i := strings.IndexByte(v, '\r')
		if i < 0 {
			break
		}
		if i+2 >= len(v) || v[i+1] != '\n' || v[i+2] != '\t' {
			return dst[:n], false
		}
		dst = append(append(dst, v[:i]...), ' ')
		v = v[i+3:]
	}
	return append(append(dst, v...), '\r', '\n'), true
}

// Signatures returns the signatures computed by Close, in the order of the
// options given to NewSigner; nil before a successful Close.
func (s *Signer) Signatures() []*Signature {
	if !s.closed || s.err != nil {
		return nil
	}
	out := make([]*Signature, len(s.jobs))
	for i, j := range s.jobs {
		out[i] = j.sig
	}
	return out
}

// HeaderFields returns the DKIM-Signature header fields, folded and
// CRLF-terminated, to prepend to the message; "" before a successful Close.
func (s *Signer) HeaderFields() string {
	if !s.closed || s.err != nil {
		return ""
	}
	if len(s.jobs) == 1 {
		return s.jobs[0].field
	}
	n := 0
	for _, j := range s.jobs {
		n += len(j.field)
	}
	var b strings.Builder
	b.Grow(n)
	for _, j := range s.jobs {
		b.WriteString(j.field)
	}
	return b.String()
}

// Sign reads a message from r and returns the DKIM-Signature header fields
// to prepend, one per option. The message is streamed, not kept in memory.
func Sign(r io.Reader, opts ...SignOptions) (string, error) {
	if len(opts) == 0 {
		return "", fmt.Errorf("%w: no signature requested", ErrSignOptions)
	}
	// Sign returns only the fields, which do not point into the Signer:
	// the Signer can go back to signers for the next message.
	s := signers.Get().(*Signer)
	defer func() {
		*s = Signer{}
		signers.Put(s)
	}()
	if err := s.init(opts); err != nil {
		return "", err
	}
	if _, err := io.Copy(s, r); err != nil {
		return "", err
	}
	if err := s.Close(); err != nil {
		return "", err
	}
	return s.HeaderFields(), nil
}

// signers holds the Signers of finished Sign calls, zeroed.
var signers = sync.Pool{New: func() any { return new(Signer) }}

// SignMessage reads a message from r and writes it to w with the
// DKIM-Signature fields prepended. It holds the whole message in memory;
// to avoid that, use Sign (or a Signer) and send the fields and the message
// yourself.
func SignMessage(w io.Writer, r io.Reader, opts ...SignOptions) error {
	var buf bytes.Buffer
	fields, err := Sign(io.TeeReader(r, &buf), opts...)
	if err != nil {
		return err
	}
	if _, err := io.WriteString(w, fields); err != nil {
		return err
	}
	_, err = buf.WriteTo(w)
	return err
}

// identityWithin reports whether domain is d or a subdomain of it,
// ignoring the case of ASCII letters only: under Unicode case mapping
// "\u212aey.example" (KELVIN SIGN) would be key.example.
func identityWithin(domain, d string) bool {
	domain = strings.TrimSuffix(ascii.Lower(domain), ".")
	d = strings.TrimSuffix(ascii.Lower(d), ".")
	return dnsname.IsSubdomain(domain, d)
}
