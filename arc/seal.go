package arc

import (
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/domainauth/domainauth/dkim"
	"github.com/domainauth/domainauth/internal/ascii"
	"github.com/domainauth/domainauth/internal/dkimbridge"
)

// Errors of Sealer.Seal.
var (
	// ErrSealOptions: the Sealer is not usable (no domain, selector or
	// key, a key too small, ...).
	ErrSealOptions = errors.New("arc: invalid sealer options")
	// ErrChainFailed: the newest ARC-Seal of the message already says
	// cv=fail; RFC 8617 section 5.1.2 says a failed chain is not continued,
	// so no set is added.
	ErrChainFailed = errors.New("arc: the chain is already marked failed; no set may be added")
	// ErrChainFull: the message already has the maximum number of sets.
	ErrChainFull = errors.New("arc: the chain has the maximum number of sets")
	// ErrNoAuthResults: the message has no Authentication-Results field
	// of the Sealer's AuthServID to copy into the ARC-Authentication-Results.
	ErrNoAuthResults = errors.New("arc: no Authentication-Results field of the authserv-id to seal")
)

// Sealer adds an ARC set to messages as an intermediary (RFC 8617 section
// 5.1): the ARC-Authentication-Results copying its own Authentication-Results,
// an ARC-Message-Signature (relaxed/relaxed) of the message as it leaves,
// and an ARC-Seal over the chain, with cv= from its validation of the chain
// received. Domain, Selector, Key and AuthServID are required; the zero
// value of every other field is a sensible default.
type Sealer struct {
	Domain   string        // d= of the AMS and AS, written in ASCII (an internationalized name as its A-label)
	Selector string        // s=, in ASCII: an internationalized label as its A-label (xn--)
	Key      crypto.Signer // *rsa.PrivateKey (rsa-sha256, 1024 bits or more) or ed25519.PrivateKey
	// AuthServID is the authserv-id of the intermediary's own
	// Authentication-Results fields, which Seal copies into the AAR.
	AuthServID string
	// Headers is the AMS h= list. Nil means the fields of
	// dkim.DefaultSignedHeaders that the message has, each as often as
	// it occurs. ARC-Seal may not be listed.
	Headers []string
	// Verifier validates the chain received, to find cv=; its zero value
	// uses net.DefaultResolver.
	Verifier Verifier
	// Now is the clock for t=; nil means time.Now. NoTimestamp leaves
	// t= out.
	Now         func() time.Time
	NoTimestamp bool
	// Rand is passed to Key.Sign; nil means crypto/rand.Reader.
	Rand io.Reader
}

// Sealed is the set Seal adds, and the validation of the chain it continues.
type Sealed struct {
	// Instance is i= of the new set.
	Instance int
	// ChainValidation is cv= of the new seal: the verdict on the chain
	// received (none, pass or fail).
	ChainValidation ChainStatus
	// Chain is the validation of the chain received.
	Chain *Result
	// AuthResults, MessageSignature and Seal are the three new fields,
	// complete with name and final CRLF.
	AuthResults, MessageSignature, Seal string
}

// HeaderFields returns the three fields in the order to prepend them:
// ARC-Seal, ARC-Message-Signature, ARC-Authentication-Results.
func (s *Sealed) HeaderFields() string {
	return s.Seal + s.MessageSignature + s.AuthResults
}

// Seal reads a message (header and body, CRLF or LF line ends) and
// returns the ARC set to prepend. The AAR carries the results of every
// Authentication-Results field of the message whose authserv-id is
// s.AuthServID, in message order (ErrNoAuthResults when there is none):
// add your own Authentication-Results field before sealing, or use
// SealResults. The chain received is validated in the same pass over the
// message; the body is streamed, not kept.
//
// Seal validates the chain of the message it is given. An intermediary
// that changes the message (a list tag in the Subject, a footer) must
// validate the chain as it arrived, before the change, and pass that
// verdict to SealChain instead: the change itself breaks the newest AMS.
func (s *Sealer) Seal(ctx context.Context, r io.Reader) (*Sealed, error) {
	return s.seal(ctx, r, "", nil)
}

// SealChain is Seal for an intermediary that validated the chain on
// arrival (with a Verifier, or through the receive package) and may have
// changed the message since: cv= comes from chain, the verdict on arrival,
// and the message is not validated again. results is the AAR payload as
// for SealResults (and checked as there), or "" to gather it from the
// message as Seal does.
func (s *Sealer) SealChain(ctx context.Context, r io.Reader, chain *Result, results string) (*Sealed, error) {
	if chain == nil || chain.Status < None || chain.Status > Pass {
		return nil, fmt.Errorf("%w: no chain verdict", ErrSealOptions)
	}
	return s.seal(ctx, r, strings.TrimSpace(results), chain)
}

// SealResults is Seal with the AAR payload given: results is an
// Authentication-Results value, the authserv-id first ("mx.example.org;
// spf=pass smtp.mailfrom=...; dkim=pass ..."), as authres.Header.String
// writes it, under the sealer's AuthServID (compared as Seal compares
// it). It is written as given, so it may be folded (CRLF and a space or
// tab) but hold no other line break or control character but tab. Other
// results are refused with ErrSealOptions.
func (s *Sealer) SealResults(ctx context.Context, r io.Reader, results string) (*Sealed, error) {
	results = strings.TrimSpace(results)
	if results == "" {
		return nil, fmt.Errorf("%w: empty results", ErrSealOptions)
	}
	return s.seal(ctx, r, results, nil)
}

// check checks the sealer's settings, and returns the algorithm of its
// key and the domain as d= gives it: ASCII, an internationalized name as
// its A-label, as the dkim Signer writes d=.
func (s *Sealer) check() (dkim.Algorithm, string, error) {
	bad := func(format string, args ...any) (dkim.Algorithm, string, error) {
		return "", "", fmt.Errorf("%w: "+format, append([]any{ErrSealOptions}, args...)...)
	}
	// d= and s= are checked as the dkim Signer checks them.
	domain, err := dkimbridge.CheckSignNames(s.Domain, s.Selector)
	if err != nil {
		return bad("%v", err)
	}
	if s.AuthServID == "" || strings.ContainsAny(s.AuthServID, " \t\r\n;") {
		return bad("authserv-id %q", s.AuthServID)
	}
	for _, h := range s.Headers {
		if !dkimbridge.ValidFieldName(h) || dkimbridge.SameFieldName(h, SealField) {
			return bad("header field name %q in Headers", h)
		}
	}
	if s.Key == nil {
		return bad("no key")
	}
	switch k := s.Key.Public().(type) {
	case *rsa.PublicKey:
		if k.N.BitLen() < dkim.MinRSAKeyBits {
			return bad("RSA key of %d bits; verifiers refuse keys under %d bits (RFC 8301)", k.N.BitLen(), dkim.MinRSAKeyBits)
		}
		return dkim.RSASHA256, domain, nil
	case ed25519.PublicKey:
		return dkim.Ed25519SHA256, domain, nil
	}
	return bad("unsupported key type %T", s.Key)
}

func (s *Sealer) seal(ctx context.Context, r io.Reader, results string, given *Result) (*Sealed, error) {
	alg, domain, err := s.check()
	if err != nil {
		return nil, err
	}
	if err := checkResults(results); err != nil {
		return nil, err
	}
	// The AAR records this intermediary's own results: results written
	// under another authserv-id (an upstream Authentication-Results
	// field passed on by mistake, which the sender may have forged) are
	// refused.
	if results != "" {
		if _, ok := afterServID(results, s.AuthServID); !ok {
			return nil, fmt.Errorf("%w: results are not under the authserv-id %q: %.60q", ErrSealOptions, s.AuthServID, results)
		}
	}
	v := &s.Verifier
	br, fields, err := v.readHeader(r)
	if err != nil {
		return nil, err
	}
	if results == "" {
		if results = collectResults(fields, s.AuthServID); results == "" {
			return nil, fmt.Errorf("%w %q", ErrNoAuthResults, s.AuthServID)
		}
	}
	c := v.newChain(fields)
	if errors.Is(c.res.Err, ErrChainMarkedFailed) {
		return nil, fmt.Errorf("%w: %w", ErrChainFailed, c.res.Err)
	}
	if given != nil {
		if errors.Is(given.Err, ErrChainMarkedFailed) {
			return nil, fmt.Errorf("%w: %w", ErrChainFailed, given.Err)
		}
		// Only the fields are needed, not a second validation.
		c.bodies, c.res = nil, *given
	}
	inst := c.highest + 1
	if inst > v.maxSets() {
		return nil, fmt.Errorf("%w (%d)", ErrChainFull, v.maxSets())
	}
	// The AMS body hash: relaxed, whole body; shared with the chain's
	// AMSes that use the same.
	var own *body
	for _, b := range c.bodies {
		if b.canon == dkim.Relaxed && b.limit < 0 {
			own = b
		}
	}
	if own == nil {
		own = &body{canon: dkim.Relaxed, limit: -1, h: dkimbridge.NewBodyHash(string(dkim.Relaxed), -1)}
		c.bodies = append(c.bodies, own)
	}
	if err := streamBody(ctx, br, c.bodies); err != nil {
		return nil, err
	}
	if c.res.Status == 0 {
		c.finish(ctx, v)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("arc: sealing: %w", err)
	}
	out := &Sealed{Instance: inst, ChainValidation: c.res.Status, Chain: &c.res}
	headers := s.Headers
	if headers == nil {
		headers = defaultHeaders(fields)
	}
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	var ts string
	if !s.NoTimestamp {
		ts = strconv.FormatInt(now().Unix(), 10)
	}
	rnd := s.Rand
	if rnd == nil {
		rnd = rand.Reader
	}
	is := strconv.Itoa(inst)
	out.AuthResults = AuthResultsField + ": i=" + is + "; " + results + "\r\n"

	// The AMS: tags in alphabetical order, as the ARC test suite writes them.
	ams := []tag{{"a", string(alg)}, {"b", ""}, {"bh", base64.StdEncoding.EncodeToString(own.h.Sum())},
		{"c", "relaxed/relaxed"}, {"d", domain}, {"h", strings.Join(headers, ":")}, {"i", is}, {"s", s.Selector}}
	if ts != "" {
		ams = append(ams, tag{"t", ts})
	}
	hh := sha256.New()
	dkimbridge.HashHeaders(hh, nil, fields, headers, MessageSigField+": "+joinTags(ams), string(dkim.Relaxed))
	sig, err := sign(s.Key, rnd, alg, hh.Sum(nil))
	if err != nil {
		return nil, fmt.Errorf("arc: signing the ARC-Message-Signature for %s: %w", s.Domain, err)
	}
	ams[1].value = base64.StdEncoding.EncodeToString(sig)
	out.MessageSignature = foldField(MessageSigField, ams)

	// The AS: over every set so far and the new one, or, when the chain
	// failed, over the new set alone (RFC 8617 section 5.1.2).
	as := []tag{{"a", string(alg)}, {"b", ""}, {"cv", c.res.Status.String()}, {"d", domain}, {"i", is}, {"s", s.Selector}}
	if ts != "" {
		as = append(as, tag{"t", ts})
	}
	earlier := c.raw
	if c.res.Status == Fail {
		earlier = nil
	}
	hh.Reset()
	hashSeal(hh, nil, earlier, out.AuthResults, out.MessageSignature, SealField+": "+joinTags(as))
	sig, err = sign(s.Key, rnd, alg, hh.Sum(nil))
	if err != nil {
		return nil, fmt.Errorf("arc: signing the ARC-Seal for %s: %w", s.Domain, err)
	}
	as[1].value = base64.StdEncoding.EncodeToString(sig)
	out.Seal = foldField(SealField, as)
	return out, nil
}

// checkResults checks an AAR payload given to SealResults or SealChain:
// it is written as it is into the ARC-Authentication-Results field, so a
// line break may only fold the field (CRLF before a space or tab), and no
// other control character but tab may appear (RFC 5322 section 2.2). A
// bare CR or LF, or a CRLF before anything else, would end the field
// there and make the rest a field (or the body) of its own.
func checkResults(results string) error {
	for i := 0; i < len(results); i++ {
		c := results[i]
		if c == '\r' && i+2 < len(results) && results[i+1] == '\n' && (results[i+2] == ' ' || results[i+2] == '\t') {
			i += 2
			continue
		}
		if c < ' ' && c != '\t' || c == 0x7f {
			return fmt.Errorf("%w: results: control character %q at byte %d (a line break may only fold the field: CRLF and a space or tab)", ErrSealOptions, c, i)
		}
	}
	return nil
}

func sign(k crypto.Signer, rnd io.Reader, alg dkim.Algorithm, digest []byte) ([]byte, error) {
	if alg == dkim.Ed25519SHA256 {
		return k.Sign(rnd, digest, crypto.Hash(0))
	}
	return k.Sign(rnd, digest, crypto.SHA256)
}

type tag struct{ name, value string }

// joinTags writes the tags on one line, "; " between them.
func joinTags(tags []tag) string {
	var b strings.Builder
	for i, t := range tags {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(t.name)
		b.WriteByte('=')
		b.WriteString(t.value)
	}
	return b.String()
}

// foldField writes a complete field, folding between tags so that lines
// stay within 78 characters where the tags allow (never inside a value:
// relaxed canonicalization then reads the field exactly as the one-line
// form that was signed).
func foldField(name string, tags []tag) string {
	var b strings.Builder
	b.WriteString(name)
	b.WriteByte(':')
	col := len(name) + 1
	for i, t := range tags {
		piece := len(t.name) + 1 + len(t.value)
		semi := 0 // the ';' that will follow on the same line
		if i < len(tags)-1 {
			semi = 1
		}
		if i > 0 {
			b.WriteByte(';')
			col++
		}
		if i > 0 && col+1+piece+semi > 78 {
			b.WriteString("\r\n\t")
			col = 1
		} else {
			b.WriteByte(' ')
			col++
		}
		b.WriteString(t.name)
		b.WriteByte('=')
		b.WriteString(t.value)
		col += piece
	}
	b.WriteString("\r\n")
	return b.String()
}

// defaultHeaders lists the fields of dkim.DefaultSignedHeaders that the
// message has, each as often as it occurs.
func defaultHeaders(fields []dkimbridge.Field) []string {
	var out []string
	for _, name := range dkim.DefaultSignedHeaders() {
		for _, f := range fields {
			if dkimbridge.SameFieldName(f.Name, name) {
				out = append(out, ascii.Lower(name))
			}
		}
	}
	return out
}

// collectResults gathers the results of the Authentication-Results fields
// of authserv-id id, in message order: "id; r1;\r\n\tr2; ...". "" when
// there are none.
func collectResults(fields []dkimbridge.Field, id string) string {
	var results []string
	found := false
	for _, f := range fields {
		if !dkimbridge.SameFieldName(f.Name, "Authentication-Results") {
			continue
		}
		v := dkimbridge.FieldValue(f.Raw)
		rest, ok := afterServID(v, id)
		if !ok {
			continue
		}
		found = true
		for _, r := range splitResults(rest) {
			if r = strings.TrimSpace(unfoldWS(r)); r != "" && !ascii.EqualFold(r, "none") {
				results = append(results, r)
			}
		}
	}
	if !found {
		return ""
	}
	if len(results) == 0 {
		results = append(results, "none")
	}
	return id + ";\r\n\t" + strings.Join(results, ";\r\n\t")
}

// afterServID returns what follows "id [version] ;" at the start of an
// Authentication-Results value, if the authserv-id is id.
func afterServID(v, id string) (string, bool) {
	semi := strings.IndexByte(v, ';')
	if semi < 0 {
		return "", false
	}
	// Split at ASCII white space only: strings.Fields would also split
	// at NO-BREAK SPACE and the like, inside what a mail server reads as
	// one token ("id\u00a0x" is not id). A second word must be the
	// version, digits; anything else is no field of ours.
	head := strings.FieldsFunc(v[:semi], func(r rune) bool { return r == ' ' || r == '\t' || r == '\r' || r == '\n' })
	if len(head) == 0 || len(head) > 2 || !ascii.EqualFold(head[0], id) {
		return "", false
	}
	if len(head) == 2 && strings.Trim(head[1], "0123456789") != "" {
		return "", false
	}
	return v[semi+1:], true
}

// splitResults splits at semicolons outside quoted strings and comments.
func splitResults(s string) []string {
	var out []string
	depth, quoted, start := 0, false, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' && (quoted || depth > 0):
			i++
		case c == '"' && depth == 0:
			quoted = !quoted
		case c == '(' && !quoted:
			depth++
		case c == ')' && !quoted && depth > 0:
			depth--
		case c == ';' && !quoted && depth == 0:
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

// unfoldWS turns line ends and runs of white space into single spaces.
func unfoldWS(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
