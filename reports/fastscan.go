package reports

import (
	"encoding/xml"
	"io"
	"strings"
	"unicode/utf8"
)

// fastScan is the aggregate parser's own tokenizer: it reads the common
// subset of XML that reports are written in (elements, attributes with
// plain quoted values, text with the five predefined entities, comments,
// the XML declaration for UTF-8) straight from byteInput's buffer,
// several times faster than encoding/xml. It yields the tokens
// RawToken would, at the same positions. It commits a token only when
// the whole token is in the buffer and understood; on anything else (a
// DOCTYPE, CDATA, a character reference, a carriage return, invalid
// UTF-8, a token near a limit, a read error) it consumes nothing and
// reports false, and the reader hands the rest of the input to
// encoding/xml, which then decides exactly as it always did.
type fastScan struct {
	in        *byteInput
	line      int
	linestart int64
	lastText  bool // the last token was text (encoding/xml then holds one byte back)
	pendEnd   bool // a self-closing tag's end is due
	endName   xml.Name
	selfClose bool // the token just scanned is a self-closing tag
	scratch   []byte
	attrs     []xml.Attr
	names     map[string]string
	cur       tok
}

func newFastScan(in *byteInput) *fastScan {
	return &fastScan{in: in, line: 1}
}

// knownNames are the element names of both schemas (and common
// prefixes), shared by all readers so that they cost no allocation.
var knownNames = func() map[string]string {
	m := make(map[string]string)
	for _, s := range strings.Fields(`feedback version report_metadata org_name email
		extra_contact_info report_id date_range begin end error generator
		policy_published domain adkim aspf p sp np pct fo testing discovery_method
		record row source_ip count policy_evaluated disposition dkim spf reason type
		comment identifiers header_from envelope_from envelope_to auth_results
		selector result human_result scope extension xmlns xs xsi schema`) {
		m[s] = s
	}
	return m
}()

// pos returns the position after the last token, as Decoder.InputPos and
// InputOffset would.
func (f *fastScan) pos() (line, col int, off int64) {
	return f.line, int(f.in.n-f.linestart) + 1, f.in.n
}

// tok is a token as the aggregate parser sees it: a start or end tag
// (Name, and Attr for a start), text, or something it skips. Both the
// fast scanner and encoding/xml's tokens are given to it in this form,
// which costs no allocation.
type tok struct {
	kind tokKind
	Name xml.Name
	Attr []xml.Attr
	text []byte
}

type tokKind uint8

const (
	tokOther tokKind = iota
	tokStart
	tokEnd
	tokText
)

// scan results
const (
	scanOK = iota
	scanMore
	scanGiveUp
)

// next returns the next token; ok false means: hand off to encoding/xml
// (nothing was consumed).
func (f *fastScan) next() (*tok, bool, error) {
	if f.pendEnd {
		f.pendEnd = false
		f.lastText = false
		f.cur = tok{kind: tokEnd, Name: f.endName}
		return &f.cur, true, nil
	}
	for {
		b := f.in
		if b.pos >= b.end {
			if b.err != nil {
				if b.err == io.EOF {
					return nil, true, io.EOF
				}
				return nil, false, nil
			}
			f.fill()
			continue
		}
		k, st := f.token(b.buf[b.pos:b.end], b.err != nil)
		switch st {
		case scanOK:
			// Stay well inside the limits; near them encoding/xml
			// decides, byte for byte.
			if int64(k)+2 > b.maxToken || b.n+int64(k)+2 > b.maxTotal {
				return nil, false, nil
			}
			f.commit(k)
			f.lastText = f.cur.kind == tokText
			if f.selfClose {
				f.pendEnd, f.endName = true, f.cur.Name
			}
			return &f.cur, true, nil
		case scanMore:
			if b.err != nil || (b.pos == 0 && b.end == len(b.buf)) {
				return nil, false, nil
			}
			f.fill()
		default:
			return nil, false, nil
		}
	}
}

// fill moves the unread bytes to the front of the buffer and reads more.
func (f *fastScan) fill() {
	b := f.in
	if b.pos > 0 {
		b.end = copy(b.buf, b.buf[b.pos:b.end])
		b.pos = 0
	}
	if b.end == len(b.buf) || b.err != nil {
		return
	}
	n, err := b.r.Read(b.buf[b.end:])
	b.end += n
	if err != nil {
		b.err = err
	} else if n == 0 {
		b.err = io.ErrNoProgress
	}
}

func (f *fastScan) commit(k int) {
	b := f.in
	s := b.buf[b.pos : b.pos+k]
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == '\n' {
			f.linestart = b.n + int64(i) + 1
			for _, c := range s[:i+1] {
				if c == '\n' {
					f.line++
				}
			}
			break
		}
	}
	b.pos += k
	b.n += int64(k)
}

// token reads one token at the start of s; atEOF says no byte follows s.
// It returns the token, its length in bytes, and a scan status.
func (f *fastScan) token(s []byte, atEOF bool) (int, int) {
	f.selfClose = false
	if s[0] != '<' {
		return f.text(s, atEOF)
	}
	if len(s) < 2 {
		return 0, scanMore
	}
	switch s[1] {
	case '/':
		name, i, st := f.name(s, 2)
		if st != scanOK {
			return 0, st
		}
		i = skipSpace(s, i)
		if i >= len(s) {
			return 0, scanMore
		}
		if s[i] != '>' {
			return 0, scanGiveUp
		}
		f.cur = tok{kind: tokEnd, Name: name}
		return i + 1, scanOK
	case '?':
		return f.decl(s)
	case '!':
		return f.comment(s)
	}
	name, i, st := f.name(s, 1)
	if st != scanOK {
		return 0, st
	}
	attr := f.attrs[:0]
	for {
		i = skipSpace(s, i)
		if i >= len(s) {
			return 0, scanMore
		}
		switch s[i] {
		case '>':
			f.attrs = attr
			f.cur = tok{kind: tokStart, Name: name, Attr: attr}
			return i + 1, scanOK
		case '/':
			if i+1 >= len(s) {
				return 0, scanMore
			}
			if s[i+1] != '>' {
				return 0, scanGiveUp
			}
			f.attrs = attr
			f.selfClose = true
			f.cur = tok{kind: tokStart, Name: name, Attr: attr}
			return i + 2, scanOK
		}
		var an xml.Name
		an, i, st = f.name(s, i)
		if st != scanOK {
			return 0, st
		}
		i = skipSpace(s, i)
		if i >= len(s) {
			return 0, scanMore
		}
		if s[i] != '=' {
			return 0, scanGiveUp
		}
		i = skipSpace(s, i+1)
		if i >= len(s) {
			return 0, scanMore
		}
		q := s[i]
		if q != '"' && q != '\'' {
			return 0, scanGiveUp
		}
		j := i + 1
		for ; j < len(s) && s[j] != q; j++ {
			if c := s[j]; c < 0x20 && c != '\t' && c != '\n' || c >= 0x80 || c == '<' || c == '&' || c == ']' {
				return 0, scanGiveUp
			}
		}
		if j >= len(s) {
			return 0, scanMore
		}
		attr = append(attr, xml.Attr{Name: an, Value: string(s[i+1 : j])})
		i = j + 1
	}
}

func skipSpace(s []byte, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	return i
}

func isASCIINameStart(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || c == '_'
}

// name reads an ASCII name at s[i:] and splits it as encoding/xml's
// RawToken does (prefix in Space).
func (f *fastScan) name(s []byte, i int) (xml.Name, int, int) {
	if i >= len(s) {
		return xml.Name{}, i, scanMore
	}
	if !isASCIINameStart(s[i]) {
		return xml.Name{}, i, scanGiveUp
	}
	j := i
	colon := -1
	for ; j < len(s); j++ {
		c := s[j]
		if c >= utf8.RuneSelf {
			return xml.Name{}, i, scanGiveUp
		}
		if !isASCIINameByte(c) {
			break
		}
		if c == ':' {
			if colon >= 0 {
				return xml.Name{}, i, scanGiveUp
			}
			colon = j
		}
	}
	if j >= len(s) {
		return xml.Name{}, i, scanMore
	}
	if colon < 0 || colon == j-1 {
		return xml.Name{Local: f.intern(s[i:j])}, j, scanOK
	}
	return xml.Name{Space: f.intern(s[i:colon]), Local: f.intern(s[colon+1 : j])}, j, scanOK
}

func isASCIINameByte(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '_' || c == ':' || c == '.' || c == '-'
}

func (f *fastScan) intern(b []byte) string {
	if s, ok := knownNames[string(b)]; ok {
		return s
	}
	if f.names == nil {
		f.names = make(map[string]string)
	}
	if s, ok := f.names[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(f.names) < 256 {
		f.names[s] = s
	}
	return s
}

// text reads character data up to the next "<".
func (f *fastScan) text(s []byte, atEOF bool) (int, int) {
	var out []byte // nil while no entity was decoded
	start := 0
	i := 0
	for i < len(s) {
		c := s[i]
		switch {
		case c == '<':
			f.textToken(s, out, start, i)
			return i, scanOK
		case c == '&':
			r, n, st := entity(s[i:])
			if st != scanOK {
				return 0, st
			}
			if out == nil {
				out = append(f.scratch[:0], s[:i]...)
			} else {
				out = append(out, s[start:i]...)
			}
			out = append(out, r)
			i += n
			start = i
		case c >= 0x20 && c < 0x80 && c != ']' || c == '\t' || c == '\n':
			i++
		case c >= 0x80:
			r, n := utf8.DecodeRune(s[i:])
			if r == utf8.RuneError && n <= 1 {
				if !utf8.FullRune(s[i:]) && !atEOF {
					return 0, scanMore
				}
				return 0, scanGiveUp
			}
			if !(r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF) {
				return 0, scanGiveUp
			}
			i += n
		default: // control characters, "\r", "]"
			return 0, scanGiveUp
		}
	}
	if !atEOF {
		return 0, scanMore
	}
	f.textToken(s, out, start, i)
	return i, scanOK
}

func (f *fastScan) textToken(s, out []byte, start, i int) {
	if out == nil {
		f.cur = tok{kind: tokText, text: s[:i]}
		return
	}
	out = append(out, s[start:i]...)
	f.scratch = out
	f.cur = tok{kind: tokText, text: out}
}

// entity decodes one of the five predefined entities at the start of s.
func entity(s []byte) (byte, int, int) {
	for _, e := range [...]struct {
		name string
		c    byte
	}{{"&lt;", '<'}, {"&gt;", '>'}, {"&amp;", '&'}, {"&apos;", '\''}, {"&quot;", '"'}} {
		if len(s) >= len(e.name) {
			if string(s[:len(e.name)]) == e.name {
				return e.c, len(e.name), scanOK
			}
		} else if string(s) == e.name[:len(s)] {
			return 0, 0, scanMore
		}
	}
	return 0, 0, scanGiveUp
}

// comment reads <!-- ... -->; anything else after "<!" is left to
// encoding/xml.
func (f *fastScan) comment(s []byte) (int, int) {
	if len(s) < 4 {
		if string(s) == "<!--"[:len(s)] {
			return 0, scanMore
		}
		return 0, scanGiveUp
	}
	if string(s[:4]) != "<!--" {
		return 0, scanGiveUp
	}
	for i := 4; i+1 < len(s); i++ {
		if s[i] == '-' && s[i+1] == '-' {
			if i+2 >= len(s) {
				return 0, scanMore
			}
			if s[i+2] != '>' {
				return 0, scanGiveUp
			}
			f.cur = tok{kind: tokOther}
			return i + 3, scanOK
		}
	}
	return 0, scanMore
}

// decl reads the XML declaration when it declares version 1.0 and UTF-8
// (or no encoding) in the plain form; other processing instructions are
// left to encoding/xml.
func (f *fastScan) decl(s []byte) (int, int) {
	end := -1
	for i := 2; i+1 < len(s); i++ {
		if s[i] == '?' && s[i+1] == '>' {
			end = i
			break
		}
	}
	if end < 0 {
		if len(s) > 256 {
			return 0, scanGiveUp
		}
		return 0, scanMore
	}
	body := s[2:end]
	if len(body) < 4 || string(body[:3]) != "xml" || body[3] != ' ' {
		return 0, scanGiveUp
	}
	i := 3
	seenVersion := false
	for {
		j := skipSpace(body, i)
		if j == len(body) {
			break
		}
		if j == i {
			return 0, scanGiveUp
		}
		k := j
		for k < len(body) && body[k] >= 'a' && body[k] <= 'z' {
			k++
		}
		key := string(body[j:k])
		if k+1 >= len(body) || body[k] != '=' || body[k+1] != '"' && body[k+1] != '\'' {
			return 0, scanGiveUp
		}
		q := body[k+1]
		v := k + 2
		w := v
		for w < len(body) && body[w] != q {
			c := body[w]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-') {
				return 0, scanGiveUp
			}
			w++
		}
		if w >= len(body) {
			return 0, scanGiveUp
		}
		val := string(body[v:w])
		switch key {
		case "version":
			if seenVersion || val != "1.0" {
				return 0, scanGiveUp
			}
			seenVersion = true
		case "encoding":
			if val != "utf-8" && val != "UTF-8" {
				return 0, scanGiveUp
			}
		case "standalone":
			if val != "yes" && val != "no" {
				return 0, scanGiveUp
			}
		default:
			return 0, scanGiveUp
		}
		i = w + 1
	}
	f.cur = tok{kind: tokOther}
	return end + 2, scanOK
}
