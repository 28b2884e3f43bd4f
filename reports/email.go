package reports

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"
	"time"

	"github.com/domainauth/domainauth/internal/ascii"
)

// EmailInfo describes the e-mail that carried a report.
type EmailInfo struct {
	Subject     string    // the Subject, RFC 2047 decoded
	From        string    // the From field as written (unfolded)
	To          string    // the To field as written (unfolded)
	Date        time.Time // the Date field; zero when absent or unreadable
	DateText    string    // the Date field as written
	MessageID   string    // the Message-ID field
	ContentType string    // the media type of the message, lower case
	ReportType  string    // the report-type parameter of multipart/report, "" when absent
	MboxFrom    bool      // the input started with an mbox "From " line
}

// mimePart is one leaf of an e-mail's MIME tree, its body decoded.
type mimePart struct {
	header    textproto.MIMEHeader
	mediaType string
	params    map[string]string
	filename  string
	encoding  string // Content-Transfer-Encoding, lower case
	body      []byte // after the transfer encoding is undone
}

var wordDecoder = &mime.WordDecoder{}

func decodeHeader(s string) string {
	d, err := wordDecoder.DecodeHeader(s)
	if err != nil {
		return s
	}
	return d
}

// unfoldHeader joins the lines of a folded field value.
func unfoldHeader(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return strings.TrimSpace(s)
	}
	var b strings.Builder
	for i, line := range strings.FieldsFunc(s, func(r rune) bool { return r == '\r' || r == '\n' }) {
		if i > 0 {
			b.WriteByte(' ')
			line = strings.TrimLeft(line, " \t")
		}
		b.WriteString(line)
	}
	return strings.TrimSpace(b.String())
}

// mediaType reads a Content-Type value leniently: a value that
// mime.ParseMediaType refuses still gives its type before the first ";".
func mediaType(v string) (string, map[string]string) {
	if v == "" {
		return "text/plain", map[string]string{}
	}
	mt, params, err := mime.ParseMediaType(v)
	if err != nil {
		mt = ascii.Lower(strings.TrimSpace(strings.SplitN(v, ";", 2)[0]))
		if params == nil {
			params = map[string]string{}
		}
	}
	return mt, params
}

// splitMbox removes an mbox "From " line.
func splitMbox(b []byte) ([]byte, bool) {
	if !bytes.HasPrefix(b, []byte("From ")) {
		return b, false
	}
	i := bytes.IndexByte(b, '\n')
	if i < 0 {
		return nil, true
	}
	return b[i+1:], true
}

// parseEmail reads an e-mail held in memory and flattens its MIME tree.
func (p *Parser) parseEmail(raw []byte, depth int) (*EmailInfo, []mimePart, error) {
	if depth > p.maxNesting() {
		return nil, nil, &SyntaxError{Offset: -1, Err: &LimitError{Limit: "MaxNesting", Value: int64(p.maxNesting())}}
	}
	body, mbox := splitMbox(raw)
	msg, err := mail.ReadMessage(bytes.NewReader(body))
	if err != nil {
		return nil, nil, &SyntaxError{Offset: -1, Err: fmt.Errorf("%w: e-mail header: %w", ErrMalformed, err)}
	}
	h := textproto.MIMEHeader(msg.Header)
	info := &EmailInfo{
		Subject:   decodeHeader(unfoldHeader(h.Get("Subject"))),
		From:      unfoldHeader(h.Get("From")),
		To:        unfoldHeader(h.Get("To")),
		DateText:  unfoldHeader(h.Get("Date")),
		MessageID: unfoldHeader(h.Get("Message-Id")),
		MboxFrom:  mbox,
	}
	if t, err := mail.ParseDate(info.DateText); err == nil {
		info.Date = t
	}
	mt, params := mediaType(h.Get("Content-Type"))
	info.ContentType = mt
	if mt == "multipart/report" {
		info.ReportType = ascii.Lower(params["report-type"])
	}
	var parts []mimePart
	count := 0
	if err := p.walkMIME(h, msg.Body, depth, &count, &parts); err != nil {
		return info, nil, err
	}
	return info, parts, nil
}

// walkMIME appends the leaves of the part with header h and body r.
func (p *Parser) walkMIME(h textproto.MIMEHeader, r io.Reader, depth int, count *int, out *[]mimePart) error {
	mt, params := mediaType(h.Get("Content-Type"))
	if strings.HasPrefix(mt, "multipart/") && params["boundary"] != "" {
		if depth >= p.maxNesting() {
			return &SyntaxError{Offset: -1, Err: &LimitError{Limit: "MaxNesting", Value: int64(p.maxNesting())}}
		}
		mr := multipart.NewReader(r, params["boundary"])
		for {
			part, err := mr.NextRawPart()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				if len(*out) > 0 {
					// A missing closing boundary is common; keep what
					// was read.
					return nil
				}
				return &SyntaxError{Offset: -1, Err: fmt.Errorf("%w: MIME: %w", ErrMalformed, err)}
			}
			*count++
			if *count > p.maxAttachments() {
				return &SyntaxError{Offset: -1, Err: &LimitError{Limit: "MaxAttachments", Value: int64(p.maxAttachments())}}
			}
			if err := p.walkMIME(part.Header, part, depth+1, count, out); err != nil {
				return err
			}
		}
	}
	enc := ascii.Lower(strings.TrimSpace(h.Get("Content-Transfer-Encoding")))
	raw, err := io.ReadAll(r)
	if err != nil {
		return &SyntaxError{Offset: -1, Err: fmt.Errorf("%w: MIME part: %w", ErrMalformed, err)}
	}
	body := raw
	switch enc {
	case "base64":
		body = decodeBase64(raw)
	case "quoted-printable":
		if b, err := io.ReadAll(quotedprintable.NewReader(bytes.NewReader(raw))); err == nil {
			body = b
		}
	}
	name := ""
	if _, dp, err := mime.ParseMediaType(h.Get("Content-Disposition")); err == nil {
		name = dp["filename"]
	}
	if name == "" {
		name = params["name"]
	}
	*out = append(*out, mimePart{header: h, mediaType: mt, params: params, filename: decodeHeader(name), encoding: enc, body: body})
	return nil
}

// decodeBase64 decodes leniently: white space anywhere, padding or not.
// Decoding stops at the first byte that is not base64.
func decodeBase64(raw []byte) []byte {
	clean := make([]byte, 0, len(raw))
	for _, c := range raw {
		switch {
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '+', c == '/':
			clean = append(clean, c)
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
		default:
			goto done
		}
	}
done:
	if len(clean)%4 == 1 {
		// One stray character cannot encode a byte.
		clean = clean[:len(clean)-1]
	}
	out := make([]byte, base64.RawStdEncoding.DecodedLen(len(clean)))
	n, _ := base64.RawStdEncoding.Decode(out, clean)
	return out[:n]
}

// readEmail finds the reports in an e-mail and hands them to fn.
func (p *Parser) readEmail(r io.Reader, depth int, fn func(*Report) error) error {
	raw, err := readAllMax(r, p.maxInput())
	if err != nil {
		return &SyntaxError{Offset: -1, Err: err}
	}
	return p.readEmailBytes(raw, depth, fn)
}

func (p *Parser) readEmailBytes(raw []byte, depth int, fn func(*Report) error) error {
	info, parts, err := p.parseEmail(raw, depth)
	if err != nil {
		return err
	}
	if isFailureReport(info, parts) {
		fr := p.parseFailure(info, parts)
		return fn(&Report{Kind: KindFailure, Email: info, Failure: fr})
	}
	found := 0
	for _, part := range parts {
		f := sniff(part.body)
		switch f {
		case formatGzip, formatZip, formatXML, formatJSON:
		default:
			continue
		}
		if f == formatXML && (part.mediaType == "text/html" || part.mediaType == "text/rfc822-headers") {
			continue
		}
		pl, err := p.openNamed(bytes.NewReader(part.body), part.filename, 1)
		if err != nil {
			return err
		}
		if pl.kind != formatXML && pl.kind != formatJSON {
			continue
		}
		found++
		if err := p.readPayload(pl, info, fn); err != nil {
			return err
		}
	}
	if found > 0 {
		return nil
	}
	// A forwarded report: look inside attached messages.
	for _, part := range parts {
		if part.mediaType != "message/rfc822" {
			continue
		}
		err := p.readEmailBytes(part.body, depth+1, fn)
		if err == nil {
			return nil
		}
		if !isNoReport(err) {
			return err
		}
	}
	return &SyntaxError{Offset: -1, Err: fmt.Errorf("%w in the e-mail %q", ErrNoReport, trimName(info.Subject))}
}

func isNoReport(err error) bool { return errors.Is(err, ErrNoReport) }
