package authres

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// FieldName is the name of the header field this package reads and writes.
const FieldName = "Authentication-Results"

// Header is the value of one Authentication-Results field: who checked
// the message, and what each check found (RFC 8601 section 2.2):
//
//	Authentication-Results: mx.example.net;
//		spf=pass smtp.mailfrom=bounce.example.com;
//		dkim=pass header.d=example.com header.s=sel1 header.b=oINEO8hg;
//		dmarc=pass header.from=example.com
//
// A Header with no Results is the "none" form, written
// "mx.example.net; none": the server looked at the message but ran no
// check.
type Header struct {
	// AuthServID is the authserv-id: the name of the service that did the
	// checks, usually the host name of the receiving MTA or the name of
	// the mail domain it serves. It is all a consumer has to decide
	// whether to trust the field (see Trusted). Kept as written; compare
	// it without case.
	AuthServID string

	// Version is the authres-version written after the authserv-id, or 0
	// when absent. RFC 8601 is version 1, and absence means 1; any other
	// number means a specification this package does not know. An
	// explicit "0" reads as 0 and is not written back.
	Version int

	// Results holds one entry per check (resinfo), in field order. Empty
	// means the "none" form. Parse leaves it nil then.
	Results []Result
}

// Result is one check and its outcome (a resinfo in RFC 8601), such as
//
//	dkim=fail (bad signature) reason="body hash mismatch" header.d=example.com header.b=EToRSuvU
type Result struct {
	// Method is the authentication method, a keyword in lower case: "spf",
	// "dkim", "dmarc", "arc", "iprev", "auth", "dkim-adsp", ... Methods
	// this package does not know are kept as they are.
	Method string

	// MethodVersion is the version written as "method/version" (RFC 8601
	// section 2.2), or 0 when absent, which means version 1.
	MethodVersion int

	// Value is the result keyword in lower case: "pass", "fail",
	// "softfail", "neutral", "none", "temperror", "permerror", "policy",
	// or any other result a method defines (RFC 8601 section 2.7).
	Value string

	// Comment is the text of the comment written right after the result,
	// as in "dkim=pass (good signature)", without the parentheses and
	// with quoted-pairs decoded. Comments are for people; RFC 8601 gives
	// them no meaning, and other comments in the field are dropped by
	// Parse.
	Comment string

	// Reason is the reason= text, a free-form explanation of the result
	// (RFC 8601 section 2.2), or empty.
	Reason string

	// Properties are the ptype.property=value items, in field order.
	Properties []Property
}

// Property is one ptype.property=value item of a result, such as
// smtp.mailfrom=bounce@example.com or header.d=example.com.
type Property struct {
	// Type is the ptype in lower case: "smtp" (a parameter of an SMTP
	// command), "header" (a header field of the message), "body", or
	// "policy" (a local policy decision), RFC 8601 sections 2.3 and 2.7.
	Type string
	// Name is the property in lower case: "mailfrom", "helo", "d", "i",
	// "s", "b", "a", "from", ...
	Name string
	// Value is the property value with quoting removed: a domain, an
	// address, an identity, a partial signature, ... Case is kept.
	Value string
}

// Get returns the value of the first property of r with the given type
// and name (compared without case), and whether there is one.
func (r Result) Get(ptype, name string) (string, bool) {
	for _, p := range r.Properties {
		if strings.EqualFold(p.Type, ptype) && strings.EqualFold(p.Name, name) {
			return p.Value, true
		}
	}
	return "", false
}

// String returns the field value, on one line, without the field name:
//
//	example.com; spf=pass smtp.mailfrom=example.net
//
// Keywords (method, result, ptype, property) are written in lower case.
// The authserv-id, the reason and property values are written bare when
// the grammar allows it (a token, or for a property an address or a
// domain name, RFC 8601 section 2.2) and as a quoted-string with
// backslash escapes otherwise. Characters no header field may hold
// (controls other than tab, invalid UTF-8) are written as spaces; Validate
// reports them, and the keywords that are not keywords, beforehand.
// Parse(h.String()) gives back h when h is valid and in lower case.
func (h Header) String() string {
	var b strings.Builder
	b.Grow(h.sizeHint())
	h.writeUnits(func(u []byte, _ bool) {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.Write(u)
	})
	return b.String()
}

// Field returns the whole header field, name included, folded for a
// message: lines of at most 78 characters where possible, continued with
// CRLF and a tab, without a final CRLF:
//
//	Authentication-Results: mx.example.net;
//		spf=pass smtp.mailfrom=bounce.example.com;
//		dkim=pass header.d=example.com header.s=sel1 header.b=oINEO8hg
//
// A field that fits on one line stays on one line; otherwise each result
// starts a new line. Folding happens only between the parts of the field,
// never inside a keyword, a value, a quoted-string or a comment, so a part
// longer than a line (a long reason, say) makes a longer line.
func (h Header) Field() string {
	const maxLine = 78
	one := h.String()
	if len(FieldName)+2+len(one) <= maxLine {
		return FieldName + ": " + one
	}
	var b strings.Builder
	b.Grow(len(FieldName) + 2 + len(one) + 8*len(h.Results) + 16)
	b.WriteString(FieldName)
	b.WriteByte(':')
	lineLen := len(FieldName) + 1
	h.writeUnits(func(u []byte, first bool) {
		if (first || lineLen+1+len(u) > maxLine) && b.Len() > len(FieldName)+1 {
			b.WriteString("\r\n\t")
			lineLen = 1
		} else {
			b.WriteByte(' ')
			lineLen++
		}
		b.Write(u)
		lineLen += len(u)
	})
	return b.String()
}

// writeUnits calls emit for each part of the field that folding must keep
// whole, in order; first is true for the part that starts a result. The
// bytes of unit are valid only during the call.
func (h Header) writeUnits(emit func(unit []byte, first bool)) {
	var buf [128]byte
	u := buf[:0]
	u = appendValue(u, h.AuthServID)
	if h.Version > 0 {
		u = append(u, ' ')
		u = strconv.AppendInt(u, int64(h.Version), 10)
	}
	u = append(u, ';')
	emit(u, false)
	if len(h.Results) == 0 {
		emit(append(u[:0], "none"...), false)
		return
	}
	for i := range h.Results {
		r := &h.Results[i]
		last := i == len(h.Results)-1
		parts := 1
		if r.Comment != "" {
			parts++
		}
		if r.Reason != "" {
			parts++
		}
		parts += len(r.Properties)
		u = appendKeyword(u[:0], r.Method)
		if r.MethodVersion > 0 {
			u = append(u, '/')
			u = strconv.AppendInt(u, int64(r.MethodVersion), 10)
		}
		u = append(u, '=')
		u = appendKeyword(u, r.Value)
		n := 1
		flush := func(first bool) {
			if n == parts && !last {
				u = append(u, ';')
			}
			emit(u, first)
		}
		flush(true)
		if r.Comment != "" {
			n++
			u = appendComment(u[:0], r.Comment)
			flush(false)
		}
		if r.Reason != "" {
			n++
			u = append(u[:0], "reason="...)
			u = appendValue(u, r.Reason)
			flush(false)
		}
		for _, p := range r.Properties {
			n++
			u = appendKeyword(u[:0], p.Type)
			u = append(u, '.')
			u = appendKeyword(u, p.Name)
			u = append(u, '=')
			u = appendPValue(u, p.Value)
			flush(false)
		}
	}
}

func (h Header) sizeHint() int {
	n := len(h.AuthServID) + 16
	for i := range h.Results {
		r := &h.Results[i]
		n += len(r.Method) + len(r.Value) + len(r.Comment) + len(r.Reason) + 16
		for _, p := range r.Properties {
			n += len(p.Type) + len(p.Name) + len(p.Value) + 4
		}
	}
	return n
}

// appendKeyword appends a keyword in lower case. A keyword that is not
// one (Validate says so) is written as it is, but for what no header
// field may hold: control characters other than tab and invalid UTF-8
// become spaces, as in values, so that a line break cannot end the field.
func appendKeyword(b []byte, k string) []byte { return appendText(b, k, 0, 0, true) }

// appendValue appends v as an RFC 2045 value: a token, or a
// quoted-string.
func appendValue(b []byte, v string) []byte {
	if isToken(v) {
		return append(b, v...)
	}
	return appendQuoted(b, v)
}

// appendPValue appends a property value: bare when it is a token or an
// address or domain name in the form RFC 8601 allows unquoted, quoted
// otherwise.
func appendPValue(b []byte, v string) []byte {
	if isToken(v) || isBareAddress(v) {
		return append(b, v...)
	}
	return appendQuoted(b, v)
}

// appendQuoted appends v as a quoted-string, escaping '"' and '\' with a
// backslash and writing unrepresentable characters as spaces.
func appendQuoted(b []byte, v string) []byte {
	b = append(b, '"')
	b = appendEscaped(b, v, '"', '"')
	return append(b, '"')
}

// appendComment appends v as a comment: parentheses and backslashes are
// escaped, so the text reads back as it is.
func appendComment(b []byte, v string) []byte {
	b = append(b, '(')
	b = appendEscaped(b, v, '(', ')')
	return append(b, ')')
}

func appendEscaped(b []byte, v string, open, close byte) []byte {
	return appendText(b, v, open, close, false)
}

// appendText appends v with what no header field may hold written as a
// space (control characters other than tab, bytes that are not UTF-8);
// with open set, '\\', open and close escaped with a backslash; with lower,
// ASCII letters in lower case.
func appendText(b []byte, v string, open, close byte, lower bool) []byte {
	for i := 0; i < len(v); {
		c := v[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(v[i:])
			if r == utf8.RuneError && size == 1 {
				b = append(b, ' ')
			} else {
				b = append(b, v[i:i+size]...)
			}
			i += size
			continue
		}
		switch {
		case open != 0 && (c == '\\' || c == open || c == close):
			b = append(b, '\\', c)
		case c == '\t':
			b = append(b, c)
		case c < 0x20 || c == 0x7f:
			b = append(b, ' ')
		case lower && 'A' <= c && c <= 'Z':
			b = append(b, c+'a'-'A')
		default:
			b = append(b, c)
		}
		i++
	}
	return b
}

// A charSet is a set of bytes, as a table: the per-byte tests of parsing
// and formatting are one load each.
type charSet [256]bool

func newCharSet(in func(c byte) bool) *charSet {
	var s charSet
	for c := range s {
		s[c] = in(byte(c))
	}
	return &s
}

// all reports whether s is not empty and all its bytes are in the set.
func (set *charSet) all(s string) bool {
	for i := 0; i < len(s); i++ {
		if !set[s[i]] {
			return false
		}
	}
	return s != ""
}

var (
	// tokenChars: RFC 2045 token, any visible US-ASCII character except
	// the tspecials ()<>@,;:\"/[]?=.
	tokenChars = newCharSet(func(c byte) bool {
		return c > ' ' && c < 0x7f && !strings.ContainsRune(`()<>@,;:\"/[]?=`, rune(c))
	})
	// atextChars: RFC 5322 atext, extended to UTF-8 (RFC 6532).
	atextChars = newCharSet(func(c byte) bool {
		return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c >= 0x80 ||
			strings.IndexByte("!#$%&'*+-/=?^_`{|}~", c) >= 0
	})
	// ldhChars: letters, digits and hyphen (RFC 5321 Ldh-str).
	ldhChars = newCharSet(func(c byte) bool {
		return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-'
	})
)

func isTokenChar(c byte) bool { return tokenChars[c] }
func isToken(s string) bool   { return tokenChars.all(s) }
func isAtext(c byte) bool     { return atextChars[c] }
func isLdh(c byte) bool       { return ldhChars[c] }

// isKeyword reports whether s is an RFC 5321 Keyword (Ldh-str): letters,
// digits and hyphens, not ending in a hyphen.
func isKeyword(s string) bool { return ldhChars.all(s) && s[len(s)-1] != '-' }

// isBareAddress reports whether s has the form [[local-part] "@"]
// domain-name that RFC 8601 section 2.2 lets a property value take
// without quotes. The local-part is a dot-atom or a quoted-string as this
// package writes it; domain-name is that of RFC 6376 (two or more labels),
// with U-labels allowed.
func isBareAddress(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	if at < 0 {
		return isDomainName(s)
	}
	local, domain := s[:at], s[at+1:]
	if !isDomainName(domain) {
		return false
	}
	if local == "" {
		return true
	}
	if local[0] == '"' {
		q, n, err := scanQuoted(local, 0)
		return err == nil && n == len(local) && string(appendQuoted(nil, q)) == local
	}
	return isDotAtom(local)
}

func isDotAtom(s string) bool {
	if s == "" || s[0] == '.' || s[len(s)-1] == '.' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '.' {
			if s[i-1] == '.' {
				return false
			}
			continue
		}
		if !isAtext(c) {
			return false
		}
	}
	return utf8.ValidString(s)
}

// isDomainName reports whether s is sub-domain 1*("." sub-domain), each
// sub-domain a letter or digit followed by letters, digits and hyphens,
// not ending in a hyphen; bytes of UTF-8 count as letters.
func isDomainName(s string) bool {
	labels := 0
	for len(s) > 0 {
		label, rest, found := strings.Cut(s, ".")
		if label == "" || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			if c := label[i]; !isLdh(c) && c < 0x80 {
				return false
			}
		}
		labels++
		s = rest
		if found && s == "" {
			return false
		}
	}
	return labels >= 2
}
