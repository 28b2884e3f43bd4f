package reports

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/domainauth/domainauth/internal/enumtext"
)

// format is what a payload looks like, by its first bytes.
type format int

const (
	formatUnknown format = iota
	formatXML
	formatJSON
	formatGzip
	formatZip
	formatEmail
)

var formatNames = [...]string{
	formatUnknown: "unknown content",
	formatXML:     "XML",
	formatJSON:    "JSON",
	formatGzip:    "gzip",
	formatZip:     "zip",
	formatEmail:   "an e-mail",
}

func (f format) String() string { return enumtext.StringOr(f, formatNames[:], "unknown content") }

// sniff tells the format from the first bytes: the magic numbers of zip
// and gzip, "<" for XML and "{" for JSON after white space and a byte
// order mark, and a header field or an mbox "From " line for e-mail.
// Names and MIME types are never trusted: reporters get them wrong.
func sniff(b []byte) format {
	if bytes.HasPrefix(b, []byte("PK\x03\x04")) || bytes.HasPrefix(b, []byte("PK\x05\x06")) {
		return formatZip
	}
	if len(b) >= 2 && b[0] == 0x1f && b[1] == 0x8b {
		return formatGzip
	}
	t := bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	t = bytes.TrimLeft(t, " \t\r\n")
	if len(t) > 0 && t[0] == '<' {
		return formatXML
	}
	if len(t) > 0 && t[0] == '{' {
		return formatJSON
	}
	if bytes.HasPrefix(b, []byte("From ")) {
		return formatEmail
	}
	// A header field: a name of printable characters, then a colon.
	for i, c := range b {
		if c == ':' {
			if i > 0 {
				return formatEmail
			}
			break
		}
		if c <= ' ' || c >= 0x7f {
			break
		}
	}
	return formatUnknown
}

// payload is one report document after its containers are removed.
type payload struct {
	kind format
	r    io.Reader // the document; for formatEmail the raw e-mail
	name string    // member or file name, when a container gave one
}

// open removes gzip and zip layers from r (at most MaxNesting) and says
// what is inside.
func (p *Parser) open(r io.Reader, depth int) (payload, error) {
	return p.openNamed(r, "", depth)
}

func (p *Parser) openNamed(r io.Reader, name string, depth int) (payload, error) {
	if depth > p.maxNesting() {
		return payload{}, &SyntaxError{Part: name, Offset: -1, Err: &LimitError{Limit: "MaxNesting", Value: int64(p.maxNesting())}}
	}
	ra, isRA := r.(sizedReaderAt)
	br := bufio.NewReaderSize(r, 4096)
	head, err := br.Peek(512)
	if len(head) == 0 {
		if err != nil && err != io.EOF {
			if depth > 0 && !isLimit(err) && !errors.Is(err, ErrMalformed) {
				err = fmt.Errorf("%w: %w", ErrMalformed, err)
			}
			return payload{}, &SyntaxError{Part: name, Offset: 0, Err: err}
		}
		return payload{}, &SyntaxError{Part: name, Offset: 0, Err: ErrEmpty}
	}
	switch f := sniff(head); f {
	case formatGzip:
		counted := &countReader{r: br}
		zr, err := gzip.NewReader(counted)
		if err != nil {
			return payload{}, &SyntaxError{Part: name, Offset: 0, Err: fmt.Errorf("%w: %w", ErrMalformed, err)}
		}
		// Stop after the first member: some reporters leave stray bytes
		// after the trailer, which multistream mode reads as a broken
		// second member.
		zr.Multistream(false)
		inner := name
		if zr.Name != "" {
			inner = zr.Name
		}
		lim := &boundReader{r: zr, in: counted, max: p.maxDecompressed(), ratio: p.maxRatio()}
		return p.openNamed(lim, inner, depth+1)
	case formatZip:
		var zra io.ReaderAt
		var size int64
		if isRA {
			zra, size = ra, ra.Size()
			if size > p.maxInput() {
				return payload{}, &SyntaxError{Part: name, Offset: -1, Err: &LimitError{Limit: "MaxInput", Value: p.maxInput()}}
			}
		} else {
			b, err := readAllMax(br, p.maxInput())
			if err != nil {
				return payload{}, &SyntaxError{Part: name, Offset: -1, Err: err}
			}
			zra, size = bytes.NewReader(b), int64(len(b))
		}
		return p.openZip(zra, size, name, depth)
	default:
		return payload{kind: f, r: br, name: name}, nil
	}
}

// sizedReaderAt is what a zip archive needs; *os.File with a Size method
// would qualify, and so do *bytes.Reader and *io.SectionReader.
type sizedReaderAt interface {
	io.ReaderAt
	Size() int64
}

// openZip opens the first regular member of a zip archive. Reporters put
// one member, named after the report, in each archive.
func (p *Parser) openZip(ra io.ReaderAt, size int64, name string, depth int) (payload, error) {
	zr, err := zip.NewReader(ra, size)
	if err != nil {
		return payload{}, &SyntaxError{Part: name, Offset: -1, Err: fmt.Errorf("%w: zip: %w", ErrMalformed, err)}
	}
	if len(zr.File) > p.maxAttachments() {
		return payload{}, &SyntaxError{Part: name, Offset: -1, Err: &LimitError{Limit: "MaxAttachments", Value: int64(p.maxAttachments())}}
	}
	for _, f := range zr.File {
		if f.FileInfo().IsDir() {
			continue
		}
		if f.UncompressedSize64 > uint64(p.maxDecompressed()) {
			return payload{}, &SyntaxError{Part: f.Name, Offset: -1, Err: &LimitError{Limit: "MaxDecompressed", Value: p.maxDecompressed()}}
		}
		rc, err := f.Open()
		if err != nil {
			return payload{}, &SyntaxError{Part: f.Name, Offset: -1, Err: fmt.Errorf("%w: zip: %w", ErrMalformed, err)}
		}
		lim := &boundReader{r: rc, fixedIn: int64(f.CompressedSize64), max: p.maxDecompressed(), ratio: p.maxRatio()}
		return p.openNamed(lim, f.Name, depth+1)
	}
	return payload{}, &SyntaxError{Part: name, Offset: -1, Err: fmt.Errorf("%w: the zip archive has no file", ErrNoReport)}
}

// countReader counts the bytes read through it.
type countReader struct {
	r io.Reader
	n int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// boundReader enforces MaxDecompressed and MaxRatio on a decompressing
// reader. The compressed size is in (counted as it is read) or fixedIn
// (from a zip header).
type boundReader struct {
	r       io.Reader
	in      *countReader
	fixedIn int64
	out     int64
	max     int64
	ratio   int64
}

func (b *boundReader) Read(p []byte) (int, error) {
	if int64(len(p)) > b.max-b.out+1 {
		p = p[:b.max-b.out+1]
	}
	n, err := b.r.Read(p)
	b.out += int64(n)
	if b.out > b.max {
		return n, &LimitError{Limit: "MaxDecompressed", Value: b.max}
	}
	if b.out > ratioFloor {
		in := b.fixedIn
		if b.in != nil {
			in = b.in.n
		}
		if in <= 0 || b.out/in > b.ratio {
			return n, &LimitError{Limit: "MaxRatio", Value: b.ratio}
		}
	}
	if err != nil && err != io.EOF && !isLimit(err) {
		// Corrupt deflate data, a bad checksum, a truncated stream.
		err = fmt.Errorf("%w: decompressing: %w", ErrMalformed, err)
	}
	return n, err
}

// readAllMax reads r to its end, failing when it holds more than max
// bytes.
func readAllMax(r io.Reader, max int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, &LimitError{Limit: "MaxInput", Value: max}
	}
	return b, nil
}

// Kind is the kind of a report.
type Kind int

// Report kinds.
const (
	KindAggregate Kind = iota + 1 // DMARC aggregate report (rua), XML
	KindFailure                   // DMARC failure report (ruf), ARF e-mail
	KindTLS                       // SMTP TLS report (RFC 8460), JSON
)

var kindNames = [...]string{KindAggregate: "aggregate", KindFailure: "failure", KindTLS: "smtp_tls"}

// String names the kind: "aggregate", "failure", "smtp_tls".
func (k Kind) String() string { return enumtext.String(k, kindNames[:], "Kind") }

// Report is one report that Parser.Read found. Exactly one of Aggregate,
// Failure and TLS is set, according to Kind.
type Report struct {
	Kind Kind
	// Part is the name of the attachment or archive member the report came
	// from; "" for a bare document.
	Part string
	// Email describes the e-mail that carried the report; nil for a file.
	Email *EmailInfo
	// Aggregate streams the records of an aggregate report; read them in
	// the callback, which must not keep the reader.
	Aggregate *AggregateReader
	Failure   *FailureReport
	TLS       *TLSReport
}

// Read reads whatever r holds: an aggregate report (XML, gzip, zip), an
// SMTP TLS report (JSON, gzip), or an e-mail carrying one or more of them
// or a failure report. It calls fn for each report found, in order, and
// stops at the first error fn returns, which Read returns.
//
// For an aggregate report, fn must read the records (Next) before it
// returns. When fn returns nil without reading them all, Read reads the
// rest itself, so that a broken report still yields an error. An error of
// the report itself is returned by Read after fn, wrapped with its part.
func (p *Parser) Read(r io.Reader, fn func(*Report) error) error {
	pl, err := p.open(r, 0)
	if err != nil {
		return err
	}
	if pl.kind == formatEmail {
		return p.readEmail(pl.r, 0, fn)
	}
	return p.readPayload(pl, nil, fn)
}

// readPayload hands one document to fn.
func (p *Parser) readPayload(pl payload, email *EmailInfo, fn func(*Report) error) error {
	switch pl.kind {
	case formatXML:
		ar, err := p.newAggregateXML(pl.r, pl.name)
		if err != nil {
			return err
		}
		if err := fn(&Report{Kind: KindAggregate, Part: pl.name, Email: email, Aggregate: ar}); err != nil {
			return err
		}
		for ar.Next() {
		}
		return ar.Err()
	case formatJSON:
		tr, err := p.parseTLS(pl.r, pl.name)
		if err != nil {
			return err
		}
		return fn(&Report{Kind: KindTLS, Part: pl.name, Email: email, TLS: tr})
	case formatEmail:
		return &SyntaxError{Part: pl.name, Offset: 0, Err: fmt.Errorf("%w: an e-mail inside an archive", ErrUnknownFormat)}
	}
	return &SyntaxError{Part: pl.name, Offset: 0, Err: ErrUnknownFormat}
}

// trimName shortens a name for messages.
func trimName(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 200 {
		return s[:200]
	}
	return s
}
