package authres

import (
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Limits on what Parse accepts. Authentication-Results fields arrive in
// mail from anyone; these bound the work and memory one field can cost.
// Real fields are far below them: a receiver writes one result per method
// and per DKIM signature, with a handful of properties each.
const (
	// MaxLength is the longest field value Parse reads, in bytes, field
	// name and folding included.
	MaxLength = 16 << 10
	// MaxResults is the most results (resinfo) in one field.
	MaxResults = 64
	// MaxProperties is the most properties in one result.
	MaxProperties = 32
	// MaxCommentDepth is the deepest nesting of comments, as in
	// "(a (b (c)))", which has depth 3.
	MaxCommentDepth = 16
	// maxDigits bounds version numbers, so that they fit an int.
	maxDigits = 9
)

// Errors that a *SyntaxError matches, for errors.Is.
var (
	// ErrSyntax matches every *SyntaxError: the field could not be read,
	// for either reason below.
	ErrSyntax = errors.New("syntax error")
	// ErrMalformed: the field does not follow the grammar of RFC 8601
	// section 2.2.
	ErrMalformed = errors.New("malformed field")
	// ErrLimit: the field is longer, or has more results, properties or
	// nested comments, than this package reads (MaxLength, MaxResults,
	// MaxProperties, MaxCommentDepth).
	ErrLimit = errors.New("limit exceeded")
)

// SyntaxError reports where and why a field value could not be read.
type SyntaxError struct {
	// Offset is the byte offset in the string given to Parse where the
	// problem was found.
	Offset int
	// Msg says what is wrong, such as `expected "=" after method "dkim"`.
	Msg string
	// Err is ErrMalformed or ErrLimit.
	Err error
}

// Error returns "authres: offset N: what is wrong".
func (e *SyntaxError) Error() string {
	return "authres: offset " + strconv.Itoa(e.Offset) + ": " + e.Msg
}

// Unwrap returns ErrMalformed or ErrLimit.
func (e *SyntaxError) Unwrap() error { return e.Err }

// Is makes every *SyntaxError match ErrSyntax.
func (e *SyntaxError) Is(target error) bool { return target == ErrSyntax }

// Parse reads an Authentication-Results field. It takes the field value,
// as net/mail.Header.Get returns it, or the whole field with its name
// ("Authentication-Results: ..."), folded or not, with or without the
// final CRLF: the two cannot be confused, since an authserv-id cannot
// contain a colon.
//
// Method, result, ptype and property names are returned in lower case;
// comments are dropped, except the one right after a result (see
// Result.Comment). Results of methods this package does not know are
// kept. The input must be UTF-8 (RFC 6532 allows UTF-8 in quoted-strings,
// comments and addresses).
//
// Parse follows the grammar of RFC 8601 section 2.2, with three leniencies
// for fields written by real MTAs: a property value without quotes is
// read up to the next space, comment, quote or semicolon, so that values
// the grammar wants quoted but many MTAs write bare (a header.b holding a
// "/", an IPv6 address) are accepted; a ";" after the last result is
// ignored; and line breaks may be LF as well as CRLF. A field that breaks the grammar otherwise, or a limit (see
// MaxLength), gives a *SyntaxError naming the problem and its offset.
func Parse(value string) (*Header, error) {
	p, err := newParser(value)
	if err != nil {
		return nil, err
	}
	h, err := p.header()
	if err != nil {
		return nil, err
	}
	// Written back, a field can grow (quotes around lenient values,
	// spaces, folding), by less than twice its length plus the field
	// name. Near the limit, check that it still fits, so that what Parse
	// accepts Parse reads back.
	if len(value) > MaxLength/2-len(FieldName)-8 {
		if n := len(h.Field()); n > MaxLength {
			return nil, &SyntaxError{Offset: len(value), Msg: "field would be " + strconv.Itoa(n) + " bytes written back, more than " + strconv.Itoa(MaxLength), Err: ErrLimit}
		}
	}
	return h, nil
}

// AuthServID returns the authserv-id of a field value (or whole field),
// reading only as far as the authserv-id, so that the owner of a field
// whose results are malformed can still be told. It is what Trusted and
// Claims compare.
func AuthServID(value string) (string, error) {
	p, err := newParser(value)
	if err != nil {
		return "", err
	}
	if _, err := p.cfws(); err != nil {
		return "", err
	}
	id, err := p.value(named("authserv-id"))
	if err != nil {
		return "", err
	}
	// What follows is CFWS (before a version or the ";"), the ";" or the
	// end. Anything else means the id was cut short: an unquoted
	// "mx.b\u00fccher.example" is no token, not the id "mx.b".
	if !p.end() && !p.peek(';') && !p.peek('(') && !isWSP(p.s[p.i]) && p.s[p.i] != '\r' {
		return "", p.errorf(p.i, "expected ';' or white space after authserv-id, found "+p.found())
	}
	return id, nil
}

type parser struct {
	s string
	i int
}

func newParser(s string) (*parser, error) {
	if len(s) > MaxLength {
		return nil, &SyntaxError{Offset: MaxLength, Msg: "field longer than " + strconv.Itoa(MaxLength) + " bytes", Err: ErrLimit}
	}
	if !utf8.ValidString(s) {
		i := 0
		for i < len(s) {
			r, n := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && n == 1 {
				break
			}
			i += n
		}
		return nil, &SyntaxError{Offset: i, Msg: "invalid UTF-8", Err: ErrMalformed}
	}
	// The field's final line break, if given, is not part of the value.
	if strings.HasSuffix(s, "\r\n") {
		s = s[:len(s)-2]
	} else if strings.HasSuffix(s, "\n") {
		s = s[:len(s)-1]
	}
	p := &parser{s: s}
	// The field name, if given.
	if len(s) >= len(FieldName) && strings.EqualFold(s[:len(FieldName)], FieldName) {
		j := len(FieldName)
		for j < len(s) && (s[j] == ' ' || s[j] == '\t') {
			j++
		}
		if j < len(s) && s[j] == ':' {
			p.i = j + 1
		}
	}
	return p, nil
}

func (p *parser) errorf(at int, msg string) error {
	return &SyntaxError{Offset: at, Msg: msg, Err: ErrMalformed}
}

func (p *parser) end() bool { return p.i >= len(p.s) }

func (p *parser) peek(c byte) bool { return p.i < len(p.s) && p.s[p.i] == c }

// found describes the next character for error messages.
func (p *parser) found() string {
	if p.end() {
		return "end of field"
	}
	r, _ := utf8.DecodeRuneInString(p.s[p.i:])
	return strconv.QuoteRune(r)
}

// desc names what the parser is reading, for its error messages: pre,
// then the concatenation of q quoted when q[0] is set. It is put together
// only when an error is returned, not for every result and property.
type desc struct {
	pre string
	q   [3]string
}

// named is desc{s}, for a name that needs no quoting.
func named(s string) desc { return desc{pre: s} }

func (d desc) String() string {
	if d.q[0] == "" {
		return d.pre
	}
	return d.pre + strconv.Quote(d.q[0]+d.q[1]+d.q[2])
}

func (p *parser) expect(c byte, after desc) error {
	if !p.peek(c) {
		return p.errorf(p.i, "expected "+strconv.QuoteRune(rune(c))+" after "+after.String()+", found "+p.found())
	}
	p.i++
	return nil
}

// header reads authres-payload (RFC 8601 section 2.2):
//
//	[CFWS] authserv-id [ CFWS authres-version ] ( no-result / 1*resinfo ) [CFWS]
func (p *parser) header() (*Header, error) {
	h := &Header{}
	if _, err := p.cfws(); err != nil {
		return nil, err
	}
	id, err := p.value(named("authserv-id"))
	if err != nil {
		return nil, err
	}
	h.AuthServID = id
	after := named("authserv-id")
	sep, err := p.cfws()
	if err != nil {
		return nil, err
	}
	if sep && p.i < len(p.s) && isDigit(p.s[p.i]) {
		if h.Version, err = p.number(named("version")); err != nil {
			return nil, err
		}
		after = named("version")
		if _, err := p.cfws(); err != nil {
			return nil, err
		}
	}
	for {
		if p.end() && len(h.Results) > 0 {
			return h, nil
		}
		if err := p.expect(';', after); err != nil {
			return nil, err
		}
		if _, err := p.cfws(); err != nil {
			return nil, err
		}
		if p.end() {
			if len(h.Results) > 0 {
				return h, nil // lenient: a ";" after the last result
			}
			return nil, p.errorf(p.i, `expected a result or "none", found end of field`)
		}
		start := p.i
		what := named("method")
		if len(h.Results) == 0 {
			what = named(`method or "none"`)
		}
		method, err := p.keyword(what)
		if err != nil {
			return nil, err
		}
		if len(h.Results) == 0 && strings.EqualFold(method, "none") {
			if _, err := p.cfws(); err != nil {
				return nil, err
			}
			if p.end() {
				return h, nil // no-result
			}
			// Otherwise a method named "none", as in "none=pass".
		}
		if len(h.Results) == MaxResults {
			return nil, &SyntaxError{Offset: start, Msg: "more than " + strconv.Itoa(MaxResults) + " results", Err: ErrLimit}
		}
		if h.Results == nil {
			h.Results = make([]Result, 0, 4)
		}
		h.Results = append(h.Results, Result{})
		if err := p.result(&h.Results[len(h.Results)-1], method); err != nil {
			return nil, err
		}
		after = named("result")
	}
}

// result reads the rest of a resinfo after its method keyword:
//
//	methodspec [ CFWS reasonspec ] [ CFWS 1*propspec ]
//	methodspec = [CFWS] method [CFWS] "=" [CFWS] result
//	method     = Keyword [ [CFWS] "/" [CFWS] method-version ]
func (p *parser) result(r *Result, method string) error {
	r.Method = strings.ToLower(method)
	if _, err := p.cfws(); err != nil {
		return err
	}
	if p.peek('/') {
		p.i++
		if _, err := p.cfws(); err != nil {
			return err
		}
		v, err := p.number(named("method version"))
		if err != nil {
			return err
		}
		r.MethodVersion = v
		if _, err := p.cfws(); err != nil {
			return err
		}
	}
	if err := p.expect('=', desc{"method ", [3]string{r.Method}}); err != nil {
		return err
	}
	if _, err := p.cfws(); err != nil {
		return err
	}
	v, err := p.keyword(desc{"result of ", [3]string{r.Method}})
	if err != nil {
		return err
	}
	r.Value = strings.ToLower(v)
	sep, comment, err := p.cfwsComment()
	if err != nil {
		return err
	}
	r.Comment = comment
	haveReason := false
	for !p.end() && !p.peek(';') {
		if !sep {
			return p.errorf(p.i, "unexpected "+p.found()+" after "+strconv.Quote(r.Method)+" result")
		}
		start := p.i
		ptype, err := p.keyword(named("property"))
		if err != nil {
			return err
		}
		if _, err := p.cfws(); err != nil {
			return err
		}
		// reasonspec = "reason" [CFWS] "=" [CFWS] value, before any
		// property; "reason." starts a property of ptype "reason".
		if !haveReason && r.Properties == nil && strings.EqualFold(ptype, "reason") && p.peek('=') {
			haveReason = true
			p.i++
			if _, err := p.cfws(); err != nil {
				return err
			}
			if r.Reason, err = p.value(named("reason")); err != nil {
				return err
			}
			if sep, err = p.valueEnd(); err != nil {
				return err
			}
			continue
		}
		if len(r.Properties) == MaxProperties {
			return &SyntaxError{Offset: start, Msg: "more than " + strconv.Itoa(MaxProperties) + " properties in one result", Err: ErrLimit}
		}
		prop, err := p.property(ptype)
		if err != nil {
			return err
		}
		if r.Properties == nil {
			r.Properties = make([]Property, 0, 4)
		}
		r.Properties = append(r.Properties, prop)
		if sep, err = p.valueEnd(); err != nil {
			return err
		}
	}
	return nil
}

// valueEnd reads the CFWS after a reason or property value. A quoted
// value ends with its own delimiter, so what follows it needs no white
// space (a.b="v w"c.d=e, reason="x"c.d=e): it counts as separated.
func (p *parser) valueEnd() (bool, error) {
	quoted := p.i > 0 && p.s[p.i-1] == '"'
	sep, err := p.cfws()
	return sep || quoted, err
}

// property reads the rest of a propspec after its ptype and CFWS:
//
//	propspec = ptype [CFWS] "." [CFWS] property [CFWS] "=" pvalue
//	pvalue   = [CFWS] ( value / [ [ local-part ] "@" ] domain-name ) [CFWS]
func (p *parser) property(ptype string) (Property, error) {
	prop := Property{Type: strings.ToLower(ptype)}
	if err := p.expect('.', desc{"property type ", [3]string{prop.Type}}); err != nil {
		if prop.Type == "reason" && p.peek('=') {
			err = p.errorf(p.i, "reason after a property, or a second reason")
		}
		return prop, err
	}
	if _, err := p.cfws(); err != nil {
		return prop, err
	}
	name, err := p.keyword(desc{"property name after ", [3]string{prop.Type, "."}})
	if err != nil {
		return prop, err
	}
	prop.Name = strings.ToLower(name)
	if _, err := p.cfws(); err != nil {
		return prop, err
	}
	what := desc{q: [3]string{prop.Type, ".", prop.Name}}
	if err := p.expect('=', what); err != nil {
		return prop, err
	}
	if _, err := p.cfws(); err != nil {
		return prop, err
	}
	prop.Value, err = p.pvalue(what)
	return prop, err
}

// pvalue reads a property value: a quoted-string, possibly the local-part
// of an address ("john doe"@example.com), or a bare run of characters.
func (p *parser) pvalue(what desc) (string, error) {
	if p.peek('"') {
		start := p.i
		q, err := p.quoted()
		if err != nil {
			return "", err
		}
		if !p.peek('@') {
			return q, nil
		}
		p.i++
		d := p.bare()
		if d == "" {
			return "", p.errorf(p.i, "expected a domain after "+strconv.Quote(p.s[start:p.i])+", found "+p.found())
		}
		return string(appendQuoted(nil, q)) + "@" + d, nil
	}
	v := p.bare()
	if v == "" {
		return "", p.errorf(p.i, "expected a value for "+what.String()+", found "+p.found())
	}
	return v, nil
}

// bare reads a run of characters that may stand in an unquoted value:
// anything visible but the delimiters of this grammar.
func (p *parser) bare() string {
	start := p.i
	for p.i < len(p.s) {
		c := p.s[p.i]
		if c <= ' ' || c == 0x7f || c == '"' || c == '(' || c == ')' || c == ';' || c == '\\' {
			break
		}
		p.i++
	}
	return p.s[start:p.i]
}

// value reads an RFC 2045 value: a token or a quoted-string.
func (p *parser) value(what desc) (string, error) {
	if p.peek('"') {
		return p.quoted()
	}
	start := p.i
	for p.i < len(p.s) && isTokenChar(p.s[p.i]) {
		p.i++
	}
	if p.i == start {
		return "", p.errorf(p.i, "expected "+what.String()+", found "+p.found())
	}
	return p.s[start:p.i], nil
}

// keyword reads an RFC 5321 Keyword.
func (p *parser) keyword(what desc) (string, error) {
	start := p.i
	for p.i < len(p.s) && isLdh(p.s[p.i]) {
		p.i++
	}
	k := p.s[start:p.i]
	if k == "" {
		return "", p.errorf(start, "expected "+what.String()+", found "+p.found())
	}
	if k[len(k)-1] == '-' {
		return "", p.errorf(p.i-1, what.String()+" "+strconv.Quote(k)+" ends with a hyphen")
	}
	return k, nil
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// number reads 1*DIGIT of at most maxDigits digits.
func (p *parser) number(what desc) (int, error) {
	start := p.i
	for p.i < len(p.s) && isDigit(p.s[p.i]) {
		p.i++
	}
	if p.i == start {
		return 0, p.errorf(start, "expected "+what.String()+", found "+p.found())
	}
	if p.i-start > maxDigits {
		return 0, &SyntaxError{Offset: start, Msg: what.String() + " longer than " + strconv.Itoa(maxDigits) + " digits", Err: ErrLimit}
	}
	n, _ := strconv.Atoi(p.s[start:p.i])
	return n, nil
}

// fws skips folding white space: spaces, tabs, and line breaks followed
// by a space or tab. A line break not followed by one ends the field
// early, which the caller reports.
func (p *parser) fws() bool {
	start := p.i
	for p.i < len(p.s) {
		switch c := p.s[p.i]; {
		case c == ' ' || c == '\t':
			p.i++
		case c == '\r' && p.i+2 < len(p.s) && p.s[p.i+1] == '\n' && isWSP(p.s[p.i+2]):
			p.i += 3
		case c == '\n' && p.i+1 < len(p.s) && isWSP(p.s[p.i+1]):
			p.i += 2
		default:
			return p.i > start
		}
	}
	return p.i > start
}

func isWSP(c byte) bool { return c == ' ' || c == '\t' }

// isCtl reports whether c is a control character other than tab, which
// no part of the field may hold (line breaks are handled as folding).
func isCtl(c byte) bool { return c < ' ' && c != '\t' || c == 0x7f }

// cfws skips comments and folding white space and reports whether it
// skipped anything.
func (p *parser) cfws() (bool, error) {
	sep, _, err := p.cfwsText(false)
	return sep, err
}

// cfwsComment is cfws that also returns the text of the first comment.
func (p *parser) cfwsComment() (bool, string, error) { return p.cfwsText(true) }

// cfwsText skips comments and folding white space, reports whether it
// skipped anything and, with keep, returns the text of the first comment.
func (p *parser) cfwsText(keep bool) (bool, string, error) {
	start := p.i
	text := ""
	for {
		p.fws()
		if !p.peek('(') {
			return p.i > start, text, nil
		}
		t, err := p.comment(keep)
		if err != nil {
			return false, "", err
		}
		if keep {
			text, keep = t, false
		}
	}
}

// comment reads an RFC 5322 comment, nested comments and quoted-pairs
// included, and returns its text when keep is set: the content without
// the outer parentheses, quoted-pairs decoded and line breaks of folding
// removed.
func (p *parser) comment(keep bool) (string, error) {
	start := p.i
	p.i++ // '('
	depth := 1
	var b []byte
	plain := true // no quoted-pair or fold so far: the text is a substring
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == '(':
			depth++
			if depth > MaxCommentDepth {
				return "", &SyntaxError{Offset: p.i, Msg: "comments nested deeper than " + strconv.Itoa(MaxCommentDepth), Err: ErrLimit}
			}
		case c == ')':
			depth--
			if depth == 0 {
				p.i++
				if !keep {
					return "", nil
				}
				if plain {
					return p.s[start+1 : p.i-1], nil
				}
				return string(b), nil
			}
		case c == '\\':
			if p.i+1 >= len(p.s) || !isQuotable(p.s[p.i+1]) {
				return "", p.errorf(p.i, "backslash in comment not followed by a printable character")
			}
			if keep && plain {
				b, plain = append(b, p.s[start+1:p.i]...), false
			}
			p.i++
			c = p.s[p.i]
		case c == '\r' || c == '\n':
			n := p.i
			if !p.fws() {
				return "", p.errorf(n, "line break in comment not followed by a space or tab")
			}
			if keep {
				if plain {
					b, plain = append(b, p.s[start+1:n]...), false
				}
				for k := n; k < p.i; k++ {
					if isWSP(p.s[k]) {
						b = append(b, p.s[k])
					}
				}
			}
			continue
		case isCtl(c):
			return "", p.errorf(p.i, "control character in comment")
		}
		if keep && !plain {
			b = append(b, c)
		}
		p.i++
	}
	return "", p.errorf(start, "comment not closed")
}

// isQuotable reports whether c may follow a backslash in a quoted-pair:
// VCHAR or WSP (RFC 5322), or a byte of UTF-8 (RFC 6532).
func isQuotable(c byte) bool {
	return c >= 0x20 && c != 0x7f || c == '\t'
}

// quoted reads a quoted-string at p.i.
func (p *parser) quoted() (string, error) {
	q, n, err := scanQuoted(p.s, p.i)
	if err != nil {
		return "", err
	}
	p.i = n
	return q, nil
}

// scanQuoted reads the quoted-string starting at s[i] == '"' and returns
// its content (quoted-pairs decoded, line breaks of folding removed) and
// the offset after the closing quote.
func scanQuoted(s string, i int) (string, int, error) {
	start := i
	i++
	var b []byte
	plain := true
	for i < len(s) {
		c := s[i]
		switch {
		case c == '"':
			if plain {
				return s[start+1 : i], i + 1, nil
			}
			return string(b), i + 1, nil
		case c == '\\':
			if i+1 >= len(s) || !isQuotable(s[i+1]) {
				return "", 0, &SyntaxError{Offset: i, Msg: "backslash in quoted-string not followed by a printable character", Err: ErrMalformed}
			}
			if plain {
				b, plain = append(b, s[start+1:i]...), false
			}
			i++
			c = s[i]
		case c == '\r' || c == '\n':
			n := i
			if c == '\r' {
				if i+1 >= len(s) || s[i+1] != '\n' {
					return "", 0, &SyntaxError{Offset: n, Msg: "carriage return in quoted-string not followed by a line feed", Err: ErrMalformed}
				}
				i++
			}
			if i+1 >= len(s) || !isWSP(s[i+1]) {
				return "", 0, &SyntaxError{Offset: n, Msg: "line break in quoted-string not followed by a space or tab", Err: ErrMalformed}
			}
			if plain {
				b, plain = append(b, s[start+1:n]...), false
			}
			i++
			continue
		case isCtl(c):
			return "", 0, &SyntaxError{Offset: i, Msg: "control character in quoted-string", Err: ErrMalformed}
		}
		if !plain {
			b = append(b, c)
		}
		i++
	}
	return "", 0, &SyntaxError{Offset: start, Msg: "quoted-string not closed", Err: ErrMalformed}
}
