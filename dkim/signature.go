package dkim

import (
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"github.com/domainauth/domainauth/internal/dkimbridge"
	"github.com/domainauth/domainauth/internal/tagvalue"
)

// Algorithm is the a= tag of a signature: signing algorithm and hash.
type Algorithm string

// Signing algorithms. Sign produces the first two; Verify accepts them and
// recognises RSASHA1 only to reject it (RFC 8301 section 3.1).
const (
	RSASHA256     Algorithm = "rsa-sha256"     // RFC 6376
	Ed25519SHA256 Algorithm = "ed25519-sha256" // RFC 8463
	RSASHA1       Algorithm = "rsa-sha1"       // historic, refused
)

// keyType returns the k= type an algorithm needs, and its hash name.
func (a Algorithm) split() (KeyType, string) {
	k, h, _ := strings.Cut(string(a), "-")
	return KeyType(k), h
}

// FieldName is the name of the header field that carries a signature.
const FieldName = "DKIM-Signature"

// Signature is a parsed DKIM-Signature header field (RFC 6376 section 3.5):
//
//	DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.com;
//		s=sel2025; t=1700000000; h=From:To:Subject:Date;
//		bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=; b=...
//
// Tags this package does not know are ignored.
type Signature struct {
	Version   int       // v=, always 1
	Algorithm Algorithm // a=
	Signature []byte    // b=, decoded from base64
	BodyHash  []byte    // bh=, decoded from base64

	// HeaderCanonicalization and BodyCanonicalization are c=, simple/simple
	// when the tag is absent.
	HeaderCanonicalization Canonicalization
	BodyCanonicalization   Canonicalization // the body half of c=; Simple when absent

	Domain   string   // d=, the signing domain (SDID)
	Selector string   // s=
	Headers  []string // h=, the signed header field names in order

	// Identity is i=, decoded from DKIM quoted-printable: "[local]@domain",
	// a domain equal to or under Domain. Empty when absent (then "@"+Domain).
	Identity string
	// BodyLength is l=, the number of canonical body bytes signed; nil
	// when absent (the whole body).
	BodyLength *int64
	// QueryMethods is q=; nil when absent (dns/txt).
	QueryMethods []string
	// Timestamp is t=, Expiration x=; zero when absent.
	Timestamp  time.Time
	Expiration time.Time // x= as a UTC time; zero when absent
	// CopiedHeaders is z=, decoded: "Name:value" copies of the original
	// header fields, for diagnostics only.
	CopiedHeaders []string
}

// MaxSignatureLength bounds the DKIM-Signature value ParseSignature reads.
const MaxSignatureLength = 64 << 10

// ParseSignature parses the value of a DKIM-Signature header field (the
// text after the colon; a leading "DKIM-Signature:" is accepted and
// skipped). It checks the syntax and the required tags (v, a, b, bh, d, h,
// s); whether the algorithm is acceptable is for Verify to judge, so a=
// may hold any well-formed name.
//
// On error the returned Signature, when not nil, holds the tags read so
// far (d= and s= for a report); the error is a *SyntaxError.
func ParseSignature(value string) (*Signature, error) {
	s, _, err := parseSignature(value)
	return s, err
}

// parseSignature is ParseSignature that also returns where in value the
// b= tag starts (its name), for Verify to strip its value without
// another pass over the tags; -1 when value starts with the field name,
// which ParseSignature skips.
func parseSignature(value string) (*Signature, int, error) {
	whole := len(value)
	if len(value) >= len(FieldName)+1 && dkimbridge.SameFieldName(value[:len(FieldName)], FieldName) {
		if rest := strings.TrimLeft(value[len(FieldName):], " \t"); strings.HasPrefix(rest, ":") {
			value = rest[1:]
		}
	}
	s, bAt, err := parseSignatureValue(value)
	if len(value) != whole {
		bAt = -1
	}
	return s, bAt, err
}

// parseSignatureValue is parseSignature after the field name.
func parseSignatureValue(value string) (*Signature, int, error) {
	if len(value) > MaxSignatureLength {
		return nil, -1, &SyntaxError{In: inSignature, Offset: MaxSignatureLength, Err: fmt.Errorf("%w: longer than %d bytes", ErrSignatureSyntax, MaxSignatureLength)}
	}
	// The tags of an ordinary signature fit in tags, on the stack.
	var tags [16]tagvalue.Tag
	list, err := tagvalue.AppendParse(tags[:0], value)
	if err != nil {
		var se *tagvalue.SyntaxError
		if errors.As(err, &se) {
			return nil, -1, &SyntaxError{In: inSignature, Tag: se.Tag, Offset: se.Offset, Err: fmt.Errorf("%w: %w", ErrSignatureSyntax, se.Err)}
		}
		return nil, -1, &SyntaxError{In: inSignature, Offset: -1, Err: fmt.Errorf("%w: %w", ErrSignatureSyntax, err)}
	}
	// The Signature, room for the h= names and for the decoded b= and bh=
	// in one allocation. (Here and below the tags are told apart by
	// tagCode: a switch on one byte is a jump table, where one on the
	// names compared strings.)
	n := 0
	for i := range list {
		if c := tagCode(list[i].Name); c == 'b' || c == tagBH {
			n += base64.StdEncoding.DecodedLen(len(list[i].Value))
		}
	}
	s, names, decoded := newSignature(n)
	*s = Signature{HeaderCanonicalization: Simple, BodyCanonicalization: Simple}
	bad := func(t tagvalue.Tag, format string, args ...any) (*Signature, int, error) {
		return s, -1, &SyntaxError{In: inSignature, Tag: t.Name, Offset: t.Offset, Err: fmt.Errorf("%w: "+format, append([]any{ErrSignatureSyntax}, args...)...)}
	}
	// Identify the signer first, so even a broken signature can be reported.
	for i := range list {
		switch tagCode(list[i].Name) {
		case 'd':
			s.Domain = stripFWS(list[i].Value)
		case 's':
			s.Selector = stripFWS(list[i].Value)
		}
	}
	seen := 0
	bAt := -1
	const (
		hasV = 1 << iota
		hasA
		hasB
		hasBH
		hasD
		hasH
		hasS
	)
	for i := range list {
		t := &list[i]
		v := t.Value
		switch c := tagCode(t.Name); c {
		case 'v':
			seen |= hasV
			if stripFWS(v) != "1" {
				return s, -1, &SyntaxError{In: inSignature, Tag: "v", Offset: t.Offset, Err: fmt.Errorf("%w %q", ErrUnsupportedVersion, v)}
			}
			s.Version = 1
		case 'a':
			seen |= hasA
			v = stripFWS(v)
			k, h, ok := strings.Cut(v, "-")
			if !ok || !isAlnumToken(k) || !isAlnumToken(h) {
				return bad(*t, "algorithm %q is not of the form key-hash", v)
			}
			s.Algorithm = Algorithm(strings.ToLower(v))
		case 'b', tagBH:
			start := len(decoded)
			var err error
			decoded, err = appendBase64Value(decoded, v)
			if err != nil {
				return bad(*t, "invalid base64: %v", err)
			}
			b := decoded[start:len(decoded):len(decoded)]
			if c == 'b' {
				seen |= hasB
				bAt = t.Offset
				s.Signature = b
			} else {
				seen |= hasBH
				s.BodyHash = b
			}
		case 'c':
			hc, bc, err := parseCanonicalization(v)
			if err != nil {
				return s, -1, &SyntaxError{In: inSignature, Tag: "c", Offset: t.Offset, Err: err}
			}
			s.HeaderCanonicalization, s.BodyCanonicalization = hc, bc
		case 'd':
			seen |= hasD
			if s.Domain == "" {
				return bad(*t, "empty domain")
			}
		case 's':
			seen |= hasS
			if s.Selector == "" {
				return bad(*t, "empty selector")
			}
		case 'h':
			seen |= hasH
			var ok bool
			if s.Headers, ok = appendFieldNames(names, v); !ok {
				// Folded names, or invalid: the general reading, whose
				// names are checked below. (appendFieldNames accepts
				// only valid names: no second pass over them.)
				s.Headers = splitColonList(v)
			}
			if len(s.Headers) == 0 {
				s.Headers = nil
				return bad(*t, "no header fields listed")
			}
			for i := 0; !ok && i < len(s.Headers); i++ {
				if name := s.Headers[i]; !validFieldName(name) {
					return bad(*t, "invalid header field name %q", name)
				}
			}
		case 'i':
			id, err := decodeQP(v)
			if err != nil {
				return bad(*t, "%v", err)
			}
			if !strings.Contains(id, "@") {
				return bad(*t, "identity %q has no @", id)
			}
			s.Identity = id
		case 'l':
			n, err := parseDigits(v, 76)
			if err != nil {
				return bad(*t, "%v", err)
			}
			s.BodyLength = &n
		case 'q':
			s.QueryMethods = splitColonList(v)
		case 't', 'x':
			n, err := parseDigits(v, 12)
			if err != nil {
				return bad(*t, "%v", err)
			}
			tm := time.Unix(n, 0).UTC()
			if c == 't' {
				s.Timestamp = tm
			} else {
				s.Expiration = tm
			}
		case 'z':
			for part := range strings.SplitSeq(stripFWS(v), "|") {
				d, err := decodeQP(part)
				if err != nil {
					return bad(*t, "%v", err)
				}
				s.CopiedHeaders = append(s.CopiedHeaders, d)
			}
		}
	}
	for _, req := range []struct {
		bit  int
		name string
	}{{hasV, "v"}, {hasA, "a"}, {hasB, "b"}, {hasBH, "bh"}, {hasD, "d"}, {hasH, "h"}, {hasS, "s"}} {
		if seen&req.bit == 0 {
			return s, -1, &SyntaxError{In: inSignature, Tag: req.name, Offset: -1, Err: fmt.Errorf("%w: required tag %s= missing", ErrSignatureSyntax, req.name)}
		}
	}
	if !s.Expiration.IsZero() && !s.Timestamp.IsZero() && s.Expiration.Before(s.Timestamp) {
		t, _ := tagOf(list, "x")
		return bad(t, "x= is before t=")
	}
	return s, bAt, nil
}

// tagBH is the tagCode of bh=, the one tag of a signature whose name has
// more than one letter.
const tagBH = 1

// tagCode returns the letter of a one-letter tag name, tagBH for "bh",
// and 0 for any other name (tags unknown to a signature).
func tagCode(name string) byte {
	switch {
	case len(name) == 1:
		return name[0]
	case name == "bh":
		return tagBH
	}
	return 0
}

// signatureAlloc is a Signature with room for its h= names and its
// decoded b= and bh= values, so that ParseSignature allocates once; B is
// a byte array, of the size for Ed25519 or for RSA keys up to 2048 bits
// (with some white space in the values).
type signatureAlloc[B any] struct {
	sig   Signature
	names [32]string
	bytes B
}

// newSignature returns a zero Signature and, with room to append to,
// the slices for its h= names and for n bytes of decoded values.
func newSignature(n int) (*Signature, []string, []byte) {
	switch {
	case n <= 128:
		a := new(signatureAlloc[[128]byte])
		return &a.sig, a.names[:0], a.bytes[:0]
	case n <= 320:
		a := new(signatureAlloc[[320]byte])
		return &a.sig, a.names[:0], a.bytes[:0]
	}
	a := new(signatureAlloc[struct{}])
	return &a.sig, a.names[:0], make([]byte, 0, n)
}

// appendFieldNames appends the names of the h= value v to dst, as
// splitColonList reads them, in one pass over v, when every name is a
// valid field name with white space at most around it; otherwise it
// reports false, and the caller reads v the general way.
func appendFieldNames(dst []string, v string) ([]string, bool) {
	i := 0
	for {
		for i < len(v) && isWSPorEOL(v[i]) {
			i++
		}
		start := i
		for i < len(v) && fieldNameByte[v[i]] {
			i++
		}
		end := i
		for i < len(v) && isWSPorEOL(v[i]) {
			i++
		}
		if i < len(v) && v[i] != ':' {
			return dst, false // white space inside a name, or a byte no name may hold
		}
		if end > start {
			dst = append(dst, v[start:end])
		}
		if i == len(v) {
			return dst, true
		}
		i++ // the colon
	}
}

// fieldNameByte holds the bytes of a field name (RFC 5322: printable
// ASCII but the colon), for appendFieldNames to test each with one look-up.
var fieldNameByte = func() (t [256]bool) {
	for c := 0x21; c < 0x7f; c++ {
		t[c] = c != ':'
	}
	return t
}()

// appendBase64Value is appendBase64FWS for a tag value, decoded where it
// is, without a copy, when decodeBase64Value can: the b= and bh= of
// every ordinary signature.
func appendBase64Value(dst []byte, v string) ([]byte, error) {
	if d, ok := decodeBase64Value(dst, v); ok {
		return d, nil
	}
	dst, _, err := appendBase64FWS(dst, v)
	return dst, err
}

// b64Sextet maps a byte to its value in the standard base64 alphabet;
// FWS (space, tab, CR, LF) to b64Space, and any other byte ("=" too)
// to b64Other.
var b64Sextet = func() (t [256]byte) {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	for c := range t {
		t[c] = b64Other
	}
	for i := range len(alphabet) {
		t[alphabet[i]] = byte(i)
	}
	for _, c := range []byte(" \t\r\n") {
		t[c] = b64Space
	}
	return t
}()

const (
	b64Space = 0x40
	b64Other = 0x80
)

// decodeBase64Value appends to dst the bytes of the base64 text v, in
// which FWS may appear anywhere, as appendBase64FWS would, in one pass
// over v: four bytes at a time while they are all of the alphabet, one
// at a time around white space. It reports false, having written nothing
// that counts, for text that is not canonical base64 of the usual shape
// (any byte outside the alphabet and FWS, padding that does not end the
// text or is not of the right length, a partial quantum); then the
// caller decodes it with appendBase64FWS, which finds the error.
func decodeBase64Value(dst []byte, v string) ([]byte, bool) {
	start := len(dst)
	// Every four bytes of v give at most three: DecodedLen is enough.
	dst = slices.Grow(dst, base64.StdEncoding.DecodedLen(len(v)))
	out := dst[start:cap(dst)]
	n, i := 0, 0
	for {
		// Eight bytes of text give six: stored as eight, the last two
		// overwritten by what follows (or beyond the result).
		for i+8 <= len(v) && n+8 <= len(out) {
			w := v[i : i+8]
			a, b, c, d := b64Sextet[w[0]], b64Sextet[w[1]], b64Sextet[w[2]], b64Sextet[w[3]]
			e, f, g, h := b64Sextet[w[4]], b64Sextet[w[5]], b64Sextet[w[6]], b64Sextet[w[7]]
			if (a|b|c|d|e|f|g|h)&(b64Space|b64Other) != 0 {
				break
			}
			x := uint64(a)<<58 | uint64(b)<<52 | uint64(c)<<46 | uint64(d)<<40 |
				uint64(e)<<34 | uint64(f)<<28 | uint64(g)<<22 | uint64(h)<<16
			binary.BigEndian.PutUint64(out[n:], x)
			n, i = n+6, i+8
		}
		for i+4 <= len(v) && n+3 <= len(out) {
			a, b, c, d := b64Sextet[v[i]], b64Sextet[v[i+1]], b64Sextet[v[i+2]], b64Sextet[v[i+3]]
			if (a|b|c|d)&(b64Space|b64Other) != 0 {
				break
			}
			x := uint32(a)<<18 | uint32(b)<<12 | uint32(c)<<6 | uint32(d)
			out[n], out[n+1], out[n+2] = byte(x>>16), byte(x>>8), byte(x)
			n, i = n+3, i+4
		}
		// A quantum broken by white space, or the end.
		var x uint32
		k := 0
		for ; k < 4 && i < len(v); i++ {
			c := b64Sextet[v[i]]
			if c == b64Space {
				continue
			}
			if c == b64Other {
				break
			}
			x |= uint32(c) << (18 - 6*k)
			k++
		}
		if k == 4 {
			if n+3 > len(out) {
				return dst[:start], false
			}
			out[n], out[n+1], out[n+2] = byte(x>>16), byte(x>>8), byte(x)
			n += 3
			continue
		}
		// The end: nothing more, or after two or three sextets as many
		// "=" as make up the quantum, and then nothing but white space.
		// (The bits of the last sextet that fall outside the bytes are
		// ignored, as base64.StdEncoding does.)
		pad := 0
		for ; i < len(v); i++ {
			switch v[i] {
			case ' ', '\t', '\r', '\n':
			case '=':
				pad++
			default:
				return dst[:start], false
			}
		}
		if !(k == 0 && pad == 0 || (k == 2 || k == 3) && k+pad == 4) || n+k-1 > len(out) {
			return dst[:start], false
		}
		switch k {
		case 2:
			out[n] = byte(x >> 16)
			n++
		case 3:
			out[n], out[n+1] = byte(x>>16), byte(x>>8)
			n += 2
		}
		return dst[:start+n], true
	}
}

func isAlnumToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// validFieldName reports whether s is an RFC 5322 field name: printable
// ASCII except colon.
func validFieldName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x21 || c > 0x7e || c == ':' {
			return false
		}
	}
	return true
}

// parseDigits parses 1 to max decimal digits.
func parseDigits(v string, max int) (int64, error) {
	v = stripFWS(v)
	if v == "" || len(v) > max {
		return 0, fmt.Errorf("want 1 to %d digits, got %q", max, v)
	}
	for i := 0; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return 0, fmt.Errorf("%q is not a number", v)
		}
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is out of range", v)
	}
	return n, nil
}

// String returns the signature's tag list on one line, in the order Sign
// writes it; ParseSignature(s.String()) gives back s.
func (s *Signature) String() string {
	return bytesString(s.appendTags(make([]byte, 0, s.sizeHint()), false, true))
}

// HeaderField returns the complete header field, "DKIM-Signature: "
// followed by the tags folded at 78 columns and a final CRLF, ready to be
// prepended to the message.
func (s *Signature) HeaderField() string {
	b := append(make([]byte, 0, s.sizeHint()), FieldName+":"...)
	b = s.appendTags(b, true, true)
	return bytesString(append(b, '\r', '\n'))
}

// folder appends tags separated by "; " to a slice, folding lines at 78
// columns. The slice is passed in and returned rather than kept in the
// folder or a strings.Builder: its many short appends then store no
// pointer through a pointer, and cost no write barrier.
type folder struct {
	fold bool
	col  int
	n    int
	semi int // columns after the value of the current tag: 1 for ";", 0 after b=
}

const foldWidth = 78

// Ways a tag value may be folded.
const (
	breakNone  = iota // never
	breakColon        // after a colon (h=)
	breakBar          // after a vertical bar (z=)
	breakAny          // anywhere (base64 in b=)
)

// tag appends name=value to b and returns it; when fold is on, a value that does not fit on the
// line is broken where mode allows. For breakAny the decision to start a
// new line before the tag ignores the value, so that the same tag with an
// empty value (what the signer hashes) folds at the same place, and the
// value can be written afterwards with rest.
func (f *folder) tag(b []byte, name, value string, mode int) []byte {
	if f.n > 0 {
		b = append(b, ';')
		f.col++
	}
	f.n++
	tok := len(name) + 1
	if !f.fold {
		if f.n > 1 {
			b = append(b, ' ')
		}
		b = append(b, name...)
		b = append(b, '=')
		return append(b, value...)
	}
	// Every tag but the last, b=, is followed by the ";" that the next
	// tag writes; it must fit on the line of the tag's last piece.
	f.semi = 1
	if name == "b" {
		f.semi = 0
	}
	first := 0
	if mode != breakAny {
		first = f.width(value, f.piece(value, mode))
	}
	if f.col+1+tok+first > foldWidth && f.col > 8 {
		b = append(b, "\r\n\t"...)
		f.col = 8
	} else {
		b = append(b, ' ')
		f.col++
	}
	b = append(b, name...)
	b = append(b, '=')
	f.col += tok
	return f.rest(b, tok, value, mode)
}

// rest appends to b the value of the tag just begun, whose name and "=" take
// tok columns.
func (f *folder) rest(b []byte, tok int, value string, mode int) []byte {
	if !f.fold {
		return append(b, value...)
	}
	for value != "" {
		n := f.piece(value, mode)
		if n == 0 || f.col+f.width(value, n) > foldWidth && f.col > 8+tok {
			b = append(b, "\r\n\t"...)
			f.col = 8
			if n = f.piece(value, mode); n == 0 {
				n = len(value)
			}
		}
		b = append(b, value[:n]...)
		f.col += n
		value = value[n:]
	}
	return b
}

// width returns the columns that the first n bytes of v take on the
// line: n, and the ";" after the tag when they are the whole value.
func (f *folder) width(v string, n int) int {
	if n == len(v) {
		return n + f.semi
	}
	return n
}

// piece returns how much of v may go on the line before a break.
func (f *folder) piece(v string, mode int) int {
	switch mode {
	case breakColon, breakBar:
		sep := byte(':')
		if mode == breakBar {
			sep = '|'
		}
		// The pieces are header field names, short: a loop beats the
		// call of strings.IndexByte.
		for i := 0; i < len(v); i++ {
			if v[i] == sep {
				return i + 1
			}
		}
		return len(v)
	case breakAny:
		return min(len(v), max(foldWidth-f.col, 0))
	}
	return len(v)
}

// sizeHint estimates the length of the formatted field, so that it is
// built in one allocation: the fixed tags and folding, the base64 of bh=
// and b=, the h= names.
func (s *Signature) sizeHint() int {
	n := 160 + len(s.Domain) + len(s.Selector) + len(s.Identity) + 4*(len(s.BodyHash)+len(s.Signature)+4)/3
	for _, h := range s.Headers {
		n += len(h) + 1
	}
	return n + n/16 // folding
}

// appendTags appends the tags to b. With withB unset the b= value is left
// empty, which is what the signer hashes.
func (s *Signature) appendTags(b []byte, fold, withB bool) []byte {
	b, f := s.writeTags(b, fold)
	if withB {
		b = f.signatureValue(b, s.Signature)
	}
	return b
}

// signatureValue writes the base64 of sig as the value of the b= tag that
// writeTags ended with.
func (f *folder) signatureValue(b, sig []byte) []byte {
	var buf [1024]byte
	return f.rest(b, len("b="), base64String(buf[:0], sig), breakAny)
}

// writeTags appends the tags up to "b=", without the b= value, to b and
// returns it with the folder, ready to write the value with
// signatureValue.
func (s *Signature) writeTags(b []byte, fold bool) ([]byte, folder) {
	f := folder{fold: fold, col: len(FieldName) + 1}
	var num [20]byte
	b = f.tag(b, "v", bytesString(strconv.AppendInt(num[:0], int64(max(s.Version, 1)), 10)), breakNone)
	b = f.tag(b, "a", string(s.Algorithm), breakNone)
	hc, bc := s.HeaderCanonicalization, s.BodyCanonicalization
	if hc == "" {
		hc = Simple
	}
	if bc == "" {
		bc = Simple
	}
	b = f.tag(b, "c", canonPair(hc, bc), breakNone)
	b = f.tag(b, "d", s.Domain, breakNone)
	b = f.tag(b, "s", s.Selector, breakNone)
	if !s.Timestamp.IsZero() {
		b = f.tag(b, "t", bytesString(strconv.AppendInt(num[:0], s.Timestamp.Unix(), 10)), breakNone)
	}
	if !s.Expiration.IsZero() {
		b = f.tag(b, "x", bytesString(strconv.AppendInt(num[:0], s.Expiration.Unix(), 10)), breakNone)
	}
	if s.BodyLength != nil {
		b = f.tag(b, "l", bytesString(strconv.AppendInt(num[:0], *s.BodyLength, 10)), breakNone)
	}
	if s.Identity != "" {
		b = f.tag(b, "i", encodeQP(s.Identity, false), breakNone)
	}
	if s.QueryMethods != nil {
		b = f.tag(b, "q", strings.Join(s.QueryMethods, ":"), breakNone)
	}
	// h= joined on the stack: strings.Join allocated for every signature.
	var hbuf [512]byte
	hl := hbuf[:0]
	for i, h := range s.Headers {
		if i > 0 {
			hl = append(hl, ':')
		}
		hl = append(hl, h...)
	}
	b = f.tag(b, "h", bytesString(hl), breakColon)
	if s.CopiedHeaders != nil {
		parts := make([]string, len(s.CopiedHeaders))
		for i, c := range s.CopiedHeaders {
			parts[i] = encodeQP(c, true)
		}
		b = f.tag(b, "z", strings.Join(parts, "|"), breakBar)
	}
	var bh [64]byte
	b = f.tag(b, "bh", base64String(bh[:0], s.BodyHash), breakNone)
	b = f.tag(b, "b", "", breakAny)
	return b, f
}

// canonPair returns c=, without allocating for the four pairs there are.
func canonPair(hc, bc Canonicalization) string {
	switch {
	case hc == Relaxed && bc == Relaxed:
		return "relaxed/relaxed"
	case hc == Relaxed && bc == Simple:
		return "relaxed/simple"
	case hc == Simple && bc == Relaxed:
		return "simple/relaxed"
	case hc == Simple && bc == Simple:
		return "simple/simple"
	}
	return string(hc) + "/" + string(bc)
}

// base64String returns the base64 of p, appended to buf: a string that
// shares buf's memory, valid only until buf is written again.
func base64String(buf []byte, p []byte) string {
	return bytesString(base64.StdEncoding.AppendEncode(buf, p))
}

// bytesString returns b as a string without copying it; b must not be
// modified while the string is in use.
func bytesString(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }
