package reports

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"iter"
	"strconv"
	"strings"
	"time"

	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/internal/ascii"
)

// AggregateReader reads a DMARC aggregate report one record at a time, so
// that memory does not grow with the number of records:
//
//	ar, err := p.NewAggregateReader(f)
//	if err != nil { ... }
//	for ar.Next() {
//		rec := ar.Record()
//		...
//	}
//	if err := ar.Err(); err != nil { ... } // the report is incomplete: discard what was read
//	hdr := ar.Report() // complete once Next has returned false
//
// The header (report_metadata, policy_published) normally precedes the
// records, and Report returns it from the first record on; elements that
// come after the records (out of the schema's order) are filled in as they
// are read. A report is complete only when Err returns nil after Next
// returned false: a syntax error in the last byte invalidates the records
// already delivered.
type AggregateReader struct {
	p  *Parser
	in *byteInput
	d  *xml.Decoder
	// fast is the hand-written scanner, nil once it handed the input to
	// d (or when it is off); base is the position where it did.
	fast     *fastScan
	tk       tok
	baseLine int
	baseCol  int
	baseOff  int64
	part     string
	hdr      Aggregate
	rec      Record
	n        int
	err      error
	state    int // 0 reading, 1 finished
	root     xml.Name
	// wrappers are the elements around <feedback>, at most one.
	wrappers []xml.Name
	// repair is the Parser.Recover filter, nil without it.
	repair *recoverReader
	// seen tracks single-valued header elements already read, to warn on
	// duplicates.
	seen map[string]bool
	// The record parser's state, reused from record to record.
	stack []frame
	buf   []byte
	last  [numFields]string
}

// NewAggregateReader returns a reader of the aggregate report in r: XML,
// or XML compressed with gzip or zip (sniffed by content, never by name).
// E-mails go through [Parser.Read]. It reads up to the root element and
// fails at once when r is empty, not XML, or does not start a <feedback>.
func (p *Parser) NewAggregateReader(r io.Reader) (*AggregateReader, error) {
	pl, err := p.open(r, 0)
	if err != nil {
		return nil, err
	}
	if pl.kind != formatXML {
		return nil, &SyntaxError{Part: pl.name, Offset: 0, Err: fmt.Errorf("%w: expected XML, found %s", kindError(pl.kind), pl.kind)}
	}
	return p.newAggregateXML(pl.r, pl.name)
}

func (p *Parser) newAggregateXML(r io.Reader, part string) (*AggregateReader, error) {
	a := &AggregateReader{p: p, part: part}
	if p.Recover {
		a.repair = &recoverReader{r: r}
		r = a.repair
	}
	a.in = newByteInput(r, int64(p.maxElement()), p.maxDecompressed())
	if p.slowXML {
		a.newDecoder()
	} else {
		a.fast = newFastScan(a.in)
	}
	if err := a.start(); err != nil {
		return nil, err
	}
	return a, nil
}

func (a *AggregateReader) newDecoder() {
	a.d = xml.NewDecoder(a.in)
	a.d.CharsetReader = charsetReader
}

// handoff gives the rest of the input to encoding/xml, at a token
// boundary where the fast scanner stopped.
func (a *AggregateReader) handoff() {
	a.baseLine, a.baseCol, a.baseOff = a.fast.pos()
	if a.fast.lastText {
		a.in.bonus = 1
	}
	a.fast = nil
	a.newDecoder()
}

// where returns the line, column and offset after the last token.
func (a *AggregateReader) where() (line, col int, off int64) {
	if a.fast != nil {
		return a.fast.pos()
	}
	line, col = a.d.InputPos()
	off = a.d.InputOffset()
	if a.baseLine == 0 {
		return line, col, off
	}
	// The decoder's column counts from the last newline it read, even one
	// it then put back (column 0); only when it has read none does the
	// column continue the fast scanner's line.
	if line == 1 && col == int(off)+1 {
		col += a.baseCol - 1
	}
	return line + a.baseLine - 1, col, off + a.baseOff
}

// charsetReader accepts the encodings real reports declare: UTF-8 and its
// subset US-ASCII; ISO-8859-1 is decoded. Other encodings are refused.
func charsetReader(label string, in io.Reader) (io.Reader, error) {
	switch ascii.Lower(label) {
	case "utf-8", "utf8", "us-ascii", "ascii":
		return in, nil
	case "iso-8859-1", "latin1", "latin-1":
		return &latin1Reader{r: in}, nil
	}
	return nil, fmt.Errorf("unsupported encoding %q", label)
}

type latin1Reader struct {
	r   io.Reader
	buf []byte
}

func (l *latin1Reader) Read(p []byte) (int, error) {
	if len(p) < 2 {
		return 0, io.ErrShortBuffer
	}
	if cap(l.buf) < len(p)/2 {
		l.buf = make([]byte, len(p)/2)
	}
	n, err := l.r.Read(l.buf[:len(p)/2])
	j := 0
	for _, c := range l.buf[:n] {
		if c < 0x80 {
			p[j] = c
			j++
		} else {
			p[j] = 0xc0 | c>>6
			p[j+1] = 0x80 | c&0x3f
			j += 2
		}
	}
	return j, err
}

// errorf builds a *SyntaxError at the decoder's position.
func (a *AggregateReader) errorf(sentinel error, format string, args ...any) error {
	line, col, off := a.where()
	return &SyntaxError{Part: a.part, Line: line, Column: col, Offset: off, Err: fmt.Errorf("%w: "+format, append([]any{sentinel}, args...)...)}
}

// wrapErr turns a decoder or input error into a *SyntaxError with position.
func (a *AggregateReader) wrapErr(err error) error {
	line, col, off := a.where()
	var se *xml.SyntaxError
	switch {
	case isLimit(err):
		return &SyntaxError{Part: a.part, Line: line, Column: col, Offset: off, Err: err}
	case errors.As(err, &se):
		if a.baseLine > 0 {
			se.Line += a.baseLine - 1
		}
		return &SyntaxError{Part: a.part, Line: se.Line, Column: col, Offset: off, Err: fmt.Errorf("%w: %w", ErrMalformed, err)}
	case err == io.EOF || err == io.ErrUnexpectedEOF:
		return &SyntaxError{Part: a.part, Line: line, Column: col, Offset: off, Err: fmt.Errorf("%w: unexpected end of input", ErrMalformed)}
	}
	return &SyntaxError{Part: a.part, Line: line, Column: col, Offset: off, Err: fmt.Errorf("%w: %w", ErrMalformed, err)}
}

func (a *AggregateReader) warn(path, format string, args ...any) {
	if len(a.hdr.Warnings) >= a.p.maxWarnings() {
		a.hdr.WarningsDropped++
		return
	}
	line, _, _ := a.where()
	a.hdr.Warnings = append(a.hdr.Warnings, Warning{Line: line, Path: path, Message: fmt.Sprintf(format, args...)})
}

// token returns the next token, or an error with position. Only
// elements, text and the end of input matter; comments, processing
// instructions and directives are skipped.
func (a *AggregateReader) token() (*tok, error) {
	for {
		if a.fast != nil {
			t, ok, err := a.fast.next()
			if !ok {
				a.handoff()
				continue
			}
			if err != nil {
				return nil, err // io.EOF
			}
			if t.kind != tokOther {
				return t, nil
			}
			continue
		}
		a.in.mark()
		t, err := a.d.RawToken()
		if err != nil {
			if err == io.EOF {
				return nil, io.EOF
			}
			return nil, a.wrapErr(err)
		}
		switch t := t.(type) {
		case xml.StartElement:
			a.tk = tok{kind: tokStart, Name: t.Name, Attr: t.Attr}
		case xml.EndElement:
			a.tk = tok{kind: tokEnd, Name: t.Name}
		case xml.CharData:
			a.tk = tok{kind: tokText, text: t}
		default:
			continue
		}
		return &a.tk, nil
	}
}

// start reads up to and including the start tag of <feedback>.
func (a *AggregateReader) start() error {
	for {
		t, err := a.token()
		if err == io.EOF {
			if a.in.n == 0 {
				return &SyntaxError{Part: a.part, Offset: 0, Err: ErrEmpty}
			}
			return a.errorf(ErrMalformed, "no root element")
		}
		if err != nil {
			return err
		}
		switch t.kind {
		case tokText:
			// White space and a byte order mark may precede the root.
			if len(bytes.TrimLeft(t.text, "\ufeff \t\r\n")) > 0 {
				return a.errorf(ErrMalformed, "text before the root element")
			}
		case tokStart:
			if t.Name.Local != "feedback" {
				// A wrapper such as the <xs:schema> some reporters put
				// around <feedback>: look inside, once.
				if len(a.wrappers) > 0 {
					return a.errorf(ErrInvalid, "no <feedback> element: found <%s> in <%s>", qname(t.Name), qname(a.wrappers[0]))
				}
				a.wrappers = append(a.wrappers, t.Name)
				a.warn(qname(t.Name), "<feedback> is wrapped in <%s>", qname(t.Name))
				continue
			}
			a.root = t.Name
			a.hdr.Namespace = namespaceOf(t)
			return nil
		case tokEnd:
			return a.errorf(ErrMalformed, "unexpected end tag </%s>", qname(t.Name))
		}
	}
}

func qname(n xml.Name) string {
	if n.Space != "" {
		return n.Space + ":" + n.Local
	}
	return n.Local
}

// namespaceOf returns the namespace URI of a start element read by
// RawToken, where Name.Space is the prefix.
func namespaceOf(t *tok) string {
	for _, at := range t.Attr {
		if t.Name.Space == "" && at.Name.Space == "" && at.Name.Local == "xmlns" {
			return at.Value
		}
		if t.Name.Space != "" && at.Name.Space == "xmlns" && at.Name.Local == t.Name.Space {
			return at.Value
		}
	}
	return ""
}

// Next reads the next record and reports whether there is one. It returns
// false at the end of the report or on an error (see Err).
func (a *AggregateReader) Next() bool {
	if a.state != 0 {
		return false
	}
	for {
		t, err := a.token()
		if err == io.EOF {
			a.fail(a.errorf(ErrMalformed, "unexpected end of input: <%s> not closed", qname(a.root)))
			return false
		}
		if err != nil {
			a.fail(err)
			return false
		}
		switch t.kind {
		case tokText:
			if len(bytes.TrimSpace(t.text)) > 0 {
				a.warn("feedback", "stray text %q ignored", clipText(t.text))
			}
		case tokEnd:
			if t.Name != a.root {
				a.fail(a.errorf(ErrMalformed, "element <%s> closed by </%s>", qname(a.root), qname(t.Name)))
				return false
			}
			a.fail(a.finish())
			return false
		case tokStart:
			if t.Name.Local == "record" {
				if a.n >= a.p.maxRecords() {
					a.fail(a.errorf(&LimitError{Limit: "MaxRecords", Value: int64(a.p.maxRecords())}, "record %d", a.n+1))
					return false
				}
				if err := a.record(t.Name); err != nil {
					a.fail(err)
					return false
				}
				a.n++
				return true
			}
			if err := a.header(t.Name); err != nil {
				a.fail(err)
				return false
			}
		}
	}
}

func (a *AggregateReader) fail(err error) {
	a.state = 1
	a.err = err
}

// finish checks what follows the root element and the header's required
// parts, after </feedback>.
func (a *AggregateReader) finish() error {
	for {
		t, err := a.token()
		if err == io.EOF {
			if len(a.wrappers) > 0 {
				if a.repair == nil {
					return a.errorf(ErrMalformed, "unexpected end of input: <%s> not closed", qname(a.wrappers[len(a.wrappers)-1]))
				}
				a.warn(qname(a.wrappers[0]), "not closed; accepted (Recover)")
			}
			break
		}
		if err != nil {
			return err
		}
		switch t.kind {
		case tokText:
			if len(bytes.TrimSpace(t.text)) > 0 {
				return a.errorf(ErrMalformed, "text after <%s>", qname(a.root))
			}
		case tokEnd:
			if len(a.wrappers) == 0 || t.Name != a.wrappers[len(a.wrappers)-1] {
				return a.errorf(ErrMalformed, "unexpected end tag </%s>", qname(t.Name))
			}
			a.wrappers = a.wrappers[:len(a.wrappers)-1]
		default:
			return a.errorf(ErrMalformed, "content after <%s>", qname(a.root))
		}
	}
	if a.repair != nil {
		if a.repair.dropped > 0 {
			a.warn("feedback", "%d bytes that are not UTF-8 dropped (Recover)", a.repair.dropped)
		}
		if a.repair.escaped > 0 {
			a.warn("feedback", "%d \"<\" that open no tag read as text (Recover)", a.repair.escaped)
		}
	}
	m := &a.hdr.Metadata
	if !a.seen["report_metadata"] {
		a.warn("feedback", "no <report_metadata>")
	} else {
		for _, f := range []struct{ name, v string }{{"org_name", m.OrgName}, {"email", m.Email}, {"report_id", m.ReportID}} {
			if !a.seen["report_metadata/"+f.name] {
				a.warn("report_metadata/"+f.name, "missing")
			} else if f.v == "" {
				a.warn("report_metadata/"+f.name, "empty")
			}
		}
		if !a.seen["report_metadata/date_range"] {
			a.warn("report_metadata/date_range", "missing")
		}
	}
	if !a.seen["policy_published"] {
		a.warn("feedback", "no <policy_published>")
	}
	if a.n == 0 {
		a.warn("feedback", "no <record>: the schema requires at least one")
	}
	return nil
}

// Err returns the error that stopped Next, or nil when the report was read
// to its end.
func (a *AggregateReader) Err() error { return a.err }

// Record returns the record Next read. It is reused by the next call of
// Next: use Record.Clone to keep it.
func (a *AggregateReader) Record() *Record { return &a.rec }

// Report returns the report's header: metadata, policy and warnings so
// far. It is complete once Next has returned false and Err is nil.
func (a *AggregateReader) Report() *Aggregate { return &a.hdr }

// Count returns the number of records read so far.
func (a *AggregateReader) Count() int { return a.n }

// Records iterates over the records, as a loop over Next and Record
// would; check Err after the loop.
func (a *AggregateReader) Records() iter.Seq[*Record] {
	return func(yield func(*Record) bool) {
		for a.Next() {
			if !yield(&a.rec) {
				return
			}
		}
	}
}

// ParseAggregate reads a whole aggregate report (XML, gzip or zip) into
// memory. Use NewAggregateReader for reports too large for that.
func (p *Parser) ParseAggregate(r io.Reader) (*AggregateReport, error) {
	ar, err := p.NewAggregateReader(r)
	if err != nil {
		return nil, err
	}
	return ar.collect()
}

func (a *AggregateReader) collect() (*AggregateReport, error) {
	var rep AggregateReport
	for a.Next() {
		rep.Records = append(rep.Records, a.rec.Clone())
	}
	if a.err != nil {
		return nil, a.err
	}
	rep.Aggregate = a.hdr
	return &rep, nil
}

// element walks the children of the element just opened (name): for each
// child start tag it calls fn, which must consume the child; text between
// children is ignored with a warning.
func (a *AggregateReader) element(name xml.Name, path string, depth int, fn func(child xml.Name) error) error {
	if depth > a.p.maxDepth() {
		return a.errorf(&LimitError{Limit: "MaxDepth", Value: int64(a.p.maxDepth())}, "at <%s>", path)
	}
	for {
		t, err := a.token()
		if err == io.EOF {
			return a.errorf(ErrMalformed, "unexpected end of input in <%s>", path)
		}
		if err != nil {
			return err
		}
		switch t.kind {
		case tokText:
			if len(bytes.TrimSpace(t.text)) > 0 {
				a.warn(path, "stray text %q ignored", clipText(t.text))
			}
		case tokEnd:
			if t.Name != name {
				return a.errorf(ErrMalformed, "element <%s> closed by </%s>", qname(name), qname(t.Name))
			}
			return nil
		case tokStart:
			if err := fn(t.Name); err != nil {
				return err
			}
		}
	}
}

// skip consumes an element the parser does not read.
func (a *AggregateReader) skip(name xml.Name, depth int) error {
	stack := []xml.Name{name}
	for len(stack) > 0 {
		if depth+len(stack)-1 > a.p.maxDepth() {
			return a.errorf(&LimitError{Limit: "MaxDepth", Value: int64(a.p.maxDepth())}, "in <%s>", qname(name))
		}
		t, err := a.token()
		if err == io.EOF {
			return a.errorf(ErrMalformed, "unexpected end of input in <%s>", qname(name))
		}
		if err != nil {
			return err
		}
		switch t.kind {
		case tokStart:
			stack = append(stack, t.Name)
		case tokEnd:
			if t.Name != stack[len(stack)-1] {
				return a.errorf(ErrMalformed, "element <%s> closed by </%s>", qname(stack[len(stack)-1]), qname(t.Name))
			}
			stack = stack[:len(stack)-1]
		}
	}
	return nil
}

// text reads the text content of the element just opened, trimmed of
// surrounding white space. Child elements are skipped with a warning.
func (a *AggregateReader) text(name xml.Name, path string, depth int) (string, error) {
	var s string
	var multi []byte
	n := 0
	for {
		t, err := a.token()
		if err == io.EOF {
			return "", a.errorf(ErrMalformed, "unexpected end of input in <%s>", path)
		}
		if err != nil {
			return "", err
		}
		switch t.kind {
		case tokText:
			n++
			if n == 1 {
				s = string(t.text)
			} else {
				if n == 2 {
					multi = append(multi, s...)
				}
				multi = append(multi, t.text...)
				if len(multi) > a.p.maxElement() {
					return "", a.errorf(&LimitError{Limit: "MaxElement", Value: int64(a.p.maxElement())}, "text of <%s>", path)
				}
			}
		case tokStart:
			a.warn(path, "unexpected element <%s> ignored", qname(t.Name))
			if err := a.skip(t.Name, depth+1); err != nil {
				return "", err
			}
		case tokEnd:
			if t.Name != name {
				return "", a.errorf(ErrMalformed, "element <%s> closed by </%s>", qname(name), qname(t.Name))
			}
			if n > 1 {
				s = string(multi)
			}
			return trimSpace(s), nil
		}
	}
}

func trimSpace(s string) string {
	if s == "" {
		return s
	}
	if c, d := s[0], s[len(s)-1]; c > ' ' && d > ' ' {
		return s
	}
	return strings.TrimSpace(s)
}

func clipText(b []byte) string {
	b = bytes.TrimSpace(b)
	if len(b) > 40 {
		return string(b[:40]) + "..."
	}
	return string(b)
}

// once records that a single-valued header element was read, and warns
// when it was already.
func (a *AggregateReader) once(path string) bool {
	if a.seen == nil {
		a.seen = make(map[string]bool)
	}
	if a.seen[path] {
		a.warn(path, "repeated; the first one is kept")
		return false
	}
	a.seen[path] = true
	return true
}

// header reads a child of <feedback> other than <record>.
func (a *AggregateReader) header(name xml.Name) error {
	switch name.Local {
	case "version":
		v, err := a.text(name, "version", 2)
		if err != nil {
			return err
		}
		if a.once("version") {
			a.hdr.Version = v
		}
		return nil
	case "report_metadata":
		a.once("report_metadata")
		return a.element(name, "report_metadata", 2, a.metadata)
	case "policy_published":
		a.once("policy_published")
		return a.element(name, "policy_published", 2, a.policy)
	case "extension":
		return a.skip(name, 2)
	}
	a.warn("feedback/"+name.Local, "unknown element ignored")
	return a.skip(name, 2)
}

func (a *AggregateReader) metadata(name xml.Name) error {
	m := &a.hdr.Metadata
	path := "report_metadata/" + name.Local
	var dst *string
	switch name.Local {
	case "org_name":
		dst = &m.OrgName
	case "email":
		dst = &m.Email
	case "extra_contact_info":
		dst = &m.ExtraContactInfo
	case "report_id":
		dst = &m.ReportID
	case "generator":
		dst = &m.Generator
	case "error":
		v, err := a.text(name, path, 3)
		if err != nil {
			return err
		}
		m.Errors = append(m.Errors, v)
		return nil
	case "date_range":
		first := a.once(path)
		var begin, end time.Time
		var seenB, seenE bool
		err := a.element(name, path, 3, func(c xml.Name) error {
			cp := path + "/" + c.Local
			switch c.Local {
			case "begin", "end":
				v, err := a.text(c, cp, 4)
				if err != nil {
					return err
				}
				n, err := strconv.ParseInt(v, 10, 64)
				if err != nil {
					f, ferr := strconv.ParseFloat(v, 64)
					if ferr != nil || f != f || f > 1<<62 || f < -(1<<62) {
						return a.errorf(ErrInvalid, "<%s>: %q is not a Unix time", cp, v)
					}
					a.warn(cp, "%q is not an integer; read as %d", v, int64(f))
					n = int64(f)
				}
				if c.Local == "begin" {
					begin, seenB = time.Unix(n, 0).UTC(), true
				} else {
					end, seenE = time.Unix(n, 0).UTC(), true
				}
				return nil
			}
			a.warn(cp, "unknown element ignored")
			return a.skip(c, 4)
		})
		if err != nil {
			return err
		}
		if !seenB {
			a.warn(path+"/begin", "missing")
		}
		if !seenE {
			a.warn(path+"/end", "missing")
		}
		if seenB && seenE && end.Before(begin) {
			a.warn(path, "end is before begin")
		}
		if first {
			m.Begin, m.End = begin, end
		}
		return nil
	default:
		a.warn(path, "unknown element ignored")
		return a.skip(name, 3)
	}
	v, err := a.text(name, path, 3)
	if err != nil {
		return err
	}
	if a.once(path) {
		if v != "" && name.Local == "org_name" && v != strings.TrimSpace(v) {
			a.warn(path, "surrounding space removed")
		}
		*dst = v
	}
	return nil
}

func (a *AggregateReader) policy(name xml.Name) error {
	pp := &a.hdr.Policy
	path := "policy_published/" + name.Local
	v, err := a.text(name, path, 3)
	if err != nil {
		return err
	}
	if !a.once(path) {
		return nil
	}
	switch name.Local {
	case "domain":
		pp.Domain = v
	case "adkim":
		pp.ADKIM = dmarc.AlignmentMode(a.enum(path, v, "r", "s"))
	case "aspf":
		pp.ASPF = dmarc.AlignmentMode(a.enum(path, v, "r", "s"))
	case "p":
		pp.P = dmarc.Policy(a.enum(path, v, policies...))
	case "sp":
		pp.SP = dmarc.Policy(a.enum(path, v, policies...))
	case "np":
		pp.NP = dmarc.Policy(a.enum(path, v, policies...))
	case "pct":
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 100 {
			a.warn(path, "%q is not a percentage; ignored", v)
			return nil
		}
		pp.Percent, pp.HasPercent = n, true
	case "fo":
		pp.FO = v
	case "testing":
		pp.Testing = a.enum(path, v, "y", "n")
	case "discovery_method":
		pp.DiscoveryMethod = a.enum(path, v, "psl", "treewalk")
	default:
		a.warn(path, "unknown element ignored")
	}
	return nil
}

var (
	policies     = []string{"none", "quarantine", "reject"}
	verdicts     = []string{"pass", "fail"}
	dkimResults  = []string{"none", "pass", "fail", "policy", "neutral", "temperror", "permerror"}
	spfResults   = []string{"none", "neutral", "pass", "fail", "softfail", "temperror", "permerror"}
	overrides    = []string{"forwarded", "sampled_out", "trusted_forwarder", "mailing_list", "local_policy", "policy_test_mode", "other"}
	spfScopes    = []string{"mfrom", "helo"}
	dispositions = []string{"none", "quarantine", "reject", "pass"}
)

// enum normalises an enumerated value: lower case, with a warning when
// the case changed, and a warning (value kept) when it is not one of the
// schema's values. An empty value stays empty, with a warning.
func (a *AggregateReader) enum(path, v string, allowed ...string) string {
	if v == "" {
		a.warn(path, "empty")
		return ""
	}
	for _, s := range allowed {
		if v == s {
			return s
		}
	}
	for _, s := range allowed {
		if ascii.EqualFold(v, s) {
			a.warn(path, "%q read as %q", v, s)
			return s
		}
	}
	lv := ascii.Lower(v)
	a.warn(path, "%q is not a value of the schema; kept as %q", v, lv)
	return lv
}

// kindError is the sentinel for a payload of the wrong format: unknown
// content is ErrUnknownFormat, another known format ErrInvalid.
func kindError(f format) error {
	if f == formatUnknown {
		return ErrUnknownFormat
	}
	return ErrInvalid
}
