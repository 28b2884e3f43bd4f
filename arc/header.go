package arc

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/domainauth/domainauth/dkim"
	"github.com/domainauth/domainauth/internal/dkimbridge"
	"github.com/domainauth/domainauth/internal/dnsname"
	"github.com/domainauth/domainauth/internal/enumtext"
	"github.com/domainauth/domainauth/internal/tagvalue"
)

// The names of the three ARC header fields (RFC 8617 section 4.1).
const (
	SealField        = "ARC-Seal"
	MessageSigField  = "ARC-Message-Signature"
	AuthResultsField = "ARC-Authentication-Results"
	MaxInstance      = 50       // the highest instance RFC 8617 allows (section 4.2.1)
	MaxFieldLength   = 64 << 10 // the longest ARC field value the parsers read
)

// ChainStatus is a cv= value and the verdict on a chain (RFC 8617
// section 4.1.3): none, fail or pass.
type ChainStatus int

// The chain validation states. The zero value is not one of them.
const (
	// None: the message has no ARC sets.
	None ChainStatus = iota + 1
	// Fail: the chain is broken or malformed.
	Fail
	// Pass: every set of the chain validates.
	Pass
)

var chainStatusNames = [...]string{None: "none", Fail: "fail", Pass: "pass"}

// String returns the cv= spelling: "none", "fail" or "pass".
func (s ChainStatus) String() string {
	return enumtext.String(s, chainStatusNames[:], "ChainStatus")
}

// SyntaxError says which ARC field is wrong, which tag and where. Every
// *SyntaxError matches ErrSyntax, and every error of this package that
// matches ErrSyntax has a *SyntaxError in its chain.
type SyntaxError struct {
	Field  string // SealField, MessageSigField or AuthResultsField
	Tag    string // the tag concerned, when known (Error quotes it when it is not a tag name)
	Offset int    // byte offset in the field value, -1 when not applicable
	Err    error  // wraps ErrSyntax or a dkim reason
}

// Error describes the problem, naming the field, the tag and the offset.
func (e *SyntaxError) Error() string {
	s := "arc: " + e.Field
	if e.Tag != "" {
		s += " tag " + tagvalue.TagText(e.Tag)
	}
	if e.Offset >= 0 {
		s += " at offset " + strconv.Itoa(e.Offset)
	}
	return s + ": " + e.Err.Error()
}

// Unwrap returns the reason, for errors.Is.
func (e *SyntaxError) Unwrap() error { return e.Err }

// Is makes every *SyntaxError match ErrSyntax.
func (e *SyntaxError) Is(target error) bool { return target == ErrSyntax }

// syntaxErrorf builds the *SyntaxError for a tag of field at offset (-1
// when not applicable); its reason is ErrSyntax, then format and args.
func syntaxErrorf(field, tag string, offset int, format string, args ...any) *SyntaxError {
	return &SyntaxError{Field: field, Tag: tag, Offset: offset, Err: fmt.Errorf("%w: "+format, append([]any{ErrSyntax}, args...)...)}
}

// Seal is a parsed ARC-Seal field (RFC 8617 section 4.1.3).
type Seal struct {
	Instance        int            // i=
	Algorithm       dkim.Algorithm // a=
	Signature       []byte         // b=, decoded
	ChainValidation ChainStatus    // cv=
	Domain          string         // d=, the sealer
	Selector        string         // s=
	Timestamp       time.Time      // t=; zero when absent
}

// MessageSignature is a parsed ARC-Message-Signature field (RFC 8617
// section 4.1.2): a DKIM signature without v=, whose i= is the instance.
type MessageSignature struct {
	Instance               int                   // i=
	Algorithm              dkim.Algorithm        // a=
	Signature              []byte                // b=, decoded
	BodyHash               []byte                // bh=, decoded
	HeaderCanonicalization dkim.Canonicalization // c=, simple/simple when absent
	BodyCanonicalization   dkim.Canonicalization
	Domain                 string    // d=
	Selector               string    // s=
	Headers                []string  // h=
	Timestamp              time.Time // t=; zero when absent
	Expiration             time.Time // x=; zero when absent
	BodyLength             *int64    // l=; nil when absent
}

// AuthResults is a parsed ARC-Authentication-Results field (RFC 8617
// section 4.1.1): the instance, then an Authentication-Results payload.
type AuthResults struct {
	Instance int    // i=
	Results  string // what follows "i=N;": authserv-id and results, as written
}

// parseInstance reads an i= value: a number from 1 to 999, without sign
// or inner whitespace. Whether it is within the limit of 50 is for the
// chain validation to say (ErrTooManySets).
func parseInstance(v string) (int, error) {
	if v == "" || len(v) > 3 {
		return 0, fmt.Errorf("instance %q is not a number of 1 to 3 digits", v)
	}
	n := 0
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("instance %q is not a number", v)
		}
		n = n*10 + int(c-'0')
	}
	if n < 1 {
		return 0, errors.New("instance 0: instances start at 1")
	}
	return n, nil
}

// tags parses a tag list strictly: a duplicate tag, an empty tag between
// semicolons or any syntax error is an error.
func tags(field, value string) (tagvalue.List, error) {
	if len(value) > MaxFieldLength {
		return nil, syntaxErrorf(field, "", MaxFieldLength, "longer than %d bytes", MaxFieldLength)
	}
	list, err := tagvalue.Parse(value)
	if err != nil {
		var se *tagvalue.SyntaxError
		if errors.As(err, &se) {
			return nil, syntaxErrorf(field, se.Tag, se.Offset, "%w", se.Err)
		}
		return nil, syntaxErrorf(field, "", -1, "%w", err)
	}
	return list, nil
}

// common holds the tags the AS and AMS share.
type common struct {
	instance  int
	alg       dkim.Algorithm
	sig       []byte
	domain    string
	selector  string
	timestamp time.Time
}

// commonTag reads one of the shared tags; it reports whether t was one.
func commonTag(field string, c *common, t tagvalue.Tag) (bool, error) {
	bad := func(format string, args ...any) (bool, error) {
		return true, syntaxErrorf(field, t.Name, t.Offset, format, args...)
	}
	v := t.Value
	switch t.Name {
	case "i":
		n, err := parseInstance(v)
		if err != nil {
			return bad("%v", err)
		}
		c.instance = n
	case "a":
		switch dkim.Algorithm(v) {
		case dkim.RSASHA256, dkim.Ed25519SHA256, dkim.RSASHA1:
			c.alg = dkim.Algorithm(v)
		default:
			return bad("algorithm %q", v)
		}
	case "b":
		b, err := base64.StdEncoding.DecodeString(dkimbridge.StripFWS(v))
		if err != nil || len(b) == 0 {
			return bad("signature is not base64")
		}
		c.sig = b
	case "d":
		d, err := dnsname.Normalize(v)
		if err != nil || v == "" {
			return bad("domain %q: %v", v, err)
		}
		c.domain = d
	case "s":
		if v == "" {
			return bad("empty selector")
		}
		if _, err := dnsname.Normalize(v + "._domainkey.example"); err != nil {
			return bad("selector %q: %v", v, err)
		}
		c.selector = v
	case "t":
		n, err := dkimbridge.ParseDigits(v, 12)
		if err != nil {
			return bad("%v", err)
		}
		c.timestamp = time.Unix(n, 0).UTC()
	default:
		return false, nil
	}
	return true, nil
}

// required checks that each named tag is in list.
func required(field string, list tagvalue.List, names ...string) error {
	for _, n := range names {
		if _, ok := list.Get(n); !ok {
			return syntaxErrorf(field, n, -1, "required tag %s= missing", n)
		}
	}
	return nil
}

// ParseSeal parses the value of an ARC-Seal field (the text after the
// colon). Tags may come in any order; i, a, b, cv, d and s are required,
// t is optional, h is forbidden (RFC 8617 section 4.1.3), unknown tags are
// ignored. The error is a *SyntaxError.
func ParseSeal(value string) (*Seal, error) {
	list, err := tags(SealField, value)
	if err != nil {
		return nil, err
	}
	var c common
	s := &Seal{}
	for _, t := range list {
		ok, err := commonTag(SealField, &c, t)
		if err != nil {
			return nil, err
		}
		if ok {
			continue
		}
		switch t.Name {
		case "cv":
			switch t.Value {
			case "none":
				s.ChainValidation = None
			case "fail":
				s.ChainValidation = Fail
			case "pass":
				s.ChainValidation = Pass
			default:
				return nil, syntaxErrorf(SealField, "cv", t.Offset, "cv=%q is not none, fail or pass", t.Value)
			}
		case "h":
			return nil, syntaxErrorf(SealField, "h", t.Offset, "h= is not allowed in an ARC-Seal")
		}
	}
	if err := required(SealField, list, "i", "a", "b", "cv", "d", "s"); err != nil {
		return nil, err
	}
	s.Instance, s.Algorithm, s.Signature, s.Domain, s.Selector, s.Timestamp = c.instance, c.alg, c.sig, c.domain, c.selector, c.timestamp
	return s, nil
}

// ParseMessageSignature parses the value of an ARC-Message-Signature field.
// Tags may come in any order; i, a, b, bh, d, h and s are required; c, t,
// x and l are optional; unknown tags are ignored. h= may be empty and
// need not name From (the ARC test suite expects such an AMS to pass, and
// RFC 8617's validator steps do not check the list), and may name
// ARC-Authentication-Results and ARC-Message-Signature, which signers must
// not but the suite accepts; it must not name ARC-Seal, which would make
// the AMS and the seal sign each other. The error is a *SyntaxError.
func ParseMessageSignature(value string) (*MessageSignature, error) {
	list, err := tags(MessageSigField, value)
	if err != nil {
		return nil, err
	}
	var c common
	m := &MessageSignature{HeaderCanonicalization: dkim.Simple, BodyCanonicalization: dkim.Simple}
	for _, t := range list {
		ok, err := commonTag(MessageSigField, &c, t)
		if err != nil {
			return nil, err
		}
		if ok {
			continue
		}
		bad := func(format string, args ...any) error {
			return syntaxErrorf(MessageSigField, t.Name, t.Offset, format, args...)
		}
		switch t.Name {
		case "bh":
			b, err := base64.StdEncoding.DecodeString(dkimbridge.StripFWS(t.Value))
			if err != nil || len(b) == 0 {
				return nil, bad("body hash is not base64")
			}
			m.BodyHash = b
		case "c":
			hc, bc, err := dkimbridge.ParseCanonicalization(t.Value)
			if err != nil {
				return nil, syntaxErrorf(MessageSigField, "c", t.Offset, "%w", err)
			}
			m.HeaderCanonicalization, m.BodyCanonicalization = dkim.Canonicalization(hc), dkim.Canonicalization(bc)
		case "h":
			m.Headers = dkimbridge.SplitColonList(t.Value)
			for _, n := range m.Headers {
				if !dkimbridge.ValidFieldName(n) {
					return nil, bad("invalid header field name %q", n)
				}
				if dkimbridge.SameFieldName(n, SealField) {
					// The seal signs the AMS, so an AMS signing a seal
					// is circular; RFC 8617 section 4.1.2 keeps ARC
					// fields out of h= altogether.
					return nil, bad("h= names %s", SealField)
				}
			}
		case "x":
			n, err := dkimbridge.ParseDigits(t.Value, 12)
			if err != nil {
				return nil, bad("%v", err)
			}
			m.Expiration = time.Unix(n, 0).UTC()
		case "l":
			n, err := dkimbridge.ParseDigits(t.Value, 76)
			if err != nil {
				return nil, bad("%v", err)
			}
			m.BodyLength = &n
		}
	}
	if err := required(MessageSigField, list, "i", "a", "b", "bh", "d", "h", "s"); err != nil {
		return nil, err
	}
	m.Instance, m.Algorithm, m.Signature, m.Domain, m.Selector, m.Timestamp = c.instance, c.alg, c.sig, c.domain, c.selector, c.timestamp
	return m, nil
}

// ParseAuthResults parses the value of an ARC-Authentication-Results
// field: "i=" and the instance first, then ";" and the results (RFC 8617
// section 4.1.1: arc-info = instance [CFWS] ";"). The results are kept as
// written. The error is a *SyntaxError.
func ParseAuthResults(value string) (*AuthResults, error) {
	if len(value) > MaxFieldLength {
		return nil, syntaxErrorf(AuthResultsField, "", MaxFieldLength, "longer than %d bytes", MaxFieldLength)
	}
	bad := func(off int, format string, args ...any) (*AuthResults, error) {
		return nil, syntaxErrorf(AuthResultsField, "i", off, format, args...)
	}
	i := skipWS(value, 0)
	if !strings.HasPrefix(value[i:], "i") {
		return bad(i, "does not start with i=")
	}
	j := skipWS(value, i+1)
	if j == len(value) || value[j] != '=' {
		return bad(i, "does not start with i=")
	}
	j = skipWS(value, j+1)
	k := j
	for k < len(value) && value[k] >= '0' && value[k] <= '9' {
		k++
	}
	n, err := parseInstance(value[j:k])
	if err != nil {
		return bad(j, "%v", err)
	}
	k = skipWS(value, k)
	if k == len(value) || value[k] != ';' {
		return bad(k, "no ';' after the instance")
	}
	return &AuthResults{Instance: n, Results: strings.TrimSpace(value[k+1:])}, nil
}

func skipWS(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n') {
		i++
	}
	return i
}
