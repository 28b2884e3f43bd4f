package reports

import (
	"bufio"
	"compress/gzip"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"iter"
	"mime"
	"mime/multipart"
	"net/textproto"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Schema selects the aggregate report schema WriteAggregate follows.
type Schema int

// Schemas.
const (
	// Schema7489 is RFC 7489 Appendix C: no namespace (as reporters write
	// it), version 1.0, sp and pct always present, envelope_from always
	// present.
	Schema7489 Schema = iota + 1
	// Schema9990 is RFC 9990: the namespace urn:ietf:params:xml:ns:dmarc-2.0,
	// no pct, np, testing and discovery_method when set.
	Schema9990
)

// ErrWrite marks a report that cannot be written as asked.
var ErrWrite = errors.New("cannot write report")

// WriteAggregate writes an aggregate report as XML: hdr's metadata and
// policy, then the records as recs yields them, one at a time (memory does
// not grow with their number).
//
// Required elements the schema asks for and hdr leaves empty are filled
// with the RFC defaults: version "1.0", for Schema7489 sp = p and pct =
// 100. Values are written as they are in the model, escaped; WriteAggregate
// does not check that a domain is a domain. Characters that XML 1.0 cannot
// hold (NUL and the other control characters but tab, CR and LF, and
// invalid UTF-8) are written as U+FFFD, as encoding/xml escapes them.
func WriteAggregate(w io.Writer, schema Schema, hdr *Aggregate, recs iter.Seq[*Record]) error {
	if schema != Schema7489 && schema != Schema9990 {
		return fmt.Errorf("reports: %w: unknown schema %d", ErrWrite, schema)
	}
	if hdr.Policy.P == "" {
		return fmt.Errorf("reports: %w: policy_published has no p", ErrWrite)
	}
	bw := bufio.NewWriterSize(w, 32<<10)
	x := &xmlWriter{w: bw}
	x.raw(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	if schema == Schema9990 {
		x.raw(`<feedback xmlns="` + Namespace9990 + `">` + "\n")
	} else if hdr.Namespace != "" {
		x.raw(`<feedback xmlns="`)
		x.text(hdr.Namespace)
		x.raw(`">` + "\n")
	} else {
		x.raw("<feedback>\n")
	}
	v := hdr.Version
	if v == "" {
		v = "1.0"
	}
	x.elem(1, "version", v)
	m := &hdr.Metadata
	x.open(1, "report_metadata")
	x.elem(2, "org_name", m.OrgName)
	x.elem(2, "email", m.Email)
	x.opt(2, "extra_contact_info", m.ExtraContactInfo)
	x.elem(2, "report_id", m.ReportID)
	x.open(2, "date_range")
	x.elem(3, "begin", strconv.FormatInt(m.Begin.Unix(), 10))
	x.elem(3, "end", strconv.FormatInt(m.End.Unix(), 10))
	x.close(2, "date_range")
	for _, e := range m.Errors {
		x.elem(2, "error", e)
	}
	if schema == Schema9990 {
		x.opt(2, "generator", m.Generator)
	}
	x.close(1, "report_metadata")
	pp := &hdr.Policy
	x.open(1, "policy_published")
	x.elem(2, "domain", pp.Domain)
	if schema == Schema9990 {
		x.opt(2, "discovery_method", pp.DiscoveryMethod)
		x.elem(2, "p", string(pp.P))
		x.opt(2, "sp", string(pp.SP))
		x.opt(2, "np", string(pp.NP))
		x.opt(2, "adkim", string(pp.ADKIM))
		x.opt(2, "aspf", string(pp.ASPF))
		x.opt(2, "testing", pp.Testing)
		x.opt(2, "fo", pp.FO)
	} else {
		x.opt(2, "adkim", string(pp.ADKIM))
		x.opt(2, "aspf", string(pp.ASPF))
		x.elem(2, "p", string(pp.P))
		sp := pp.SP
		if sp == "" {
			sp = pp.P
		}
		x.elem(2, "sp", string(sp))
		pct := 100
		if pp.HasPercent {
			pct = pp.Percent
		}
		x.elem(2, "pct", strconv.Itoa(pct))
		x.opt(2, "fo", pp.FO)
	}
	x.close(1, "policy_published")
	n := 0
	for r := range recs {
		if x.err != nil {
			break
		}
		if !r.SourceIP.IsValid() {
			return fmt.Errorf("reports: %w: record %d has no source IP", ErrWrite, n+1)
		}
		n++
		x.record(schema, r)
	}
	x.raw("</feedback>\n")
	if x.err != nil {
		return x.err
	}
	return bw.Flush()
}

type xmlWriter struct {
	w   *bufio.Writer
	err error
}

const indent = "                "

func (x *xmlWriter) raw(s string) {
	if x.err == nil {
		_, x.err = x.w.WriteString(s)
	}
}

func (x *xmlWriter) text(s string) {
	if x.err == nil {
		x.err = xml.EscapeText(x.w, []byte(s))
	}
}

func (x *xmlWriter) open(depth int, name string) {
	x.raw(indent[:2*depth])
	x.raw("<" + name + ">\n")
}

func (x *xmlWriter) close(depth int, name string) {
	x.raw(indent[:2*depth])
	x.raw("</" + name + ">\n")
}

func (x *xmlWriter) elem(depth int, name, value string) {
	x.raw(indent[:2*depth])
	x.raw("<" + name + ">")
	x.text(value)
	x.raw("</" + name + ">\n")
}

// opt writes an optional element when it has a value.
func (x *xmlWriter) opt(depth int, name, value string) {
	if value != "" {
		x.elem(depth, name, value)
	}
}

func (x *xmlWriter) record(schema Schema, r *Record) {
	x.open(1, "record")
	x.open(2, "row")
	x.elem(3, "source_ip", r.SourceIP.String())
	x.elem(3, "count", strconv.FormatInt(r.Count, 10))
	x.open(3, "policy_evaluated")
	x.elem(4, "disposition", string(r.Disposition))
	x.elem(4, "dkim", string(r.DKIM))
	x.elem(4, "spf", string(r.SPF))
	for _, rs := range r.Reasons {
		x.open(4, "reason")
		x.elem(5, "type", string(rs.Type))
		x.opt(5, "comment", rs.Comment)
		x.close(4, "reason")
	}
	x.close(3, "policy_evaluated")
	x.close(2, "row")
	x.open(2, "identifiers")
	x.opt(3, "envelope_to", r.EnvelopeTo)
	if schema == Schema7489 {
		x.elem(3, "envelope_from", r.EnvelopeFrom)
	} else {
		x.opt(3, "envelope_from", r.EnvelopeFrom)
	}
	x.elem(3, "header_from", r.HeaderFrom)
	x.close(2, "identifiers")
	x.open(2, "auth_results")
	for _, d := range r.AuthDKIM {
		x.open(3, "dkim")
		x.elem(4, "domain", d.Domain)
		x.opt(4, "selector", d.Selector)
		x.elem(4, "result", string(d.Result))
		x.opt(4, "human_result", d.HumanResult)
		x.close(3, "dkim")
	}
	for _, s := range r.AuthSPF {
		x.open(3, "spf")
		x.elem(4, "domain", s.Domain)
		x.opt(4, "scope", s.Scope)
		x.elem(4, "result", string(s.Result))
		x.opt(4, "human_result", s.HumanResult)
		x.close(3, "spf")
	}
	x.close(2, "auth_results")
	x.close(1, "record")
}

// FileName returns the name of an aggregate report file (RFC 7489 section
// 7.2.1.1, kept by RFC 9990):
//
//	receiver "!" policy-domain "!" begin "!" end [ "!" unique-id ] ".xml" or ".xml.gz"
//
// receiver is the reporting organization's domain; uniqueID may be empty.
func FileName(receiver string, hdr *Aggregate, uniqueID string, gzipped bool) string {
	var b strings.Builder
	b.WriteString(receiver)
	b.WriteByte('!')
	b.WriteString(hdr.Policy.Domain)
	b.WriteByte('!')
	b.WriteString(strconv.FormatInt(hdr.Metadata.Begin.Unix(), 10))
	b.WriteByte('!')
	b.WriteString(strconv.FormatInt(hdr.Metadata.End.Unix(), 10))
	if uniqueID != "" {
		b.WriteByte('!')
		b.WriteString(uniqueID)
	}
	b.WriteString(".xml")
	if gzipped {
		b.WriteString(".gz")
	}
	return b.String()
}

// ReportEmail is the envelope of a report e-mail.
type ReportEmail struct {
	From      string    // the From address, e.g. "dmarc-reports@receiver.example"
	To        string    // the rua mailto address, without "mailto:"
	Date      time.Time // the Date; the zero value writes the current time
	MessageID string    // the Message-ID without <>; "" for none
	Receiver  string    // the reporting domain: Submitter of the subject, first part of the file name
	UniqueID  string    // optional unique-id of the file name
	Text      string    // the human-readable part; a short default when empty
	Boundary  string    // the MIME boundary; random when empty
}

// Subject returns the subject of an aggregate report e-mail (RFC 7489
// section 7.2.1.1):
//
//	Report Domain: example.com Submitter: receiver.example Report-ID: <id>
func (e *ReportEmail) Subject(hdr *Aggregate) string {
	return "Report Domain: " + hdr.Policy.Domain + " Submitter: " + e.Receiver + " Report-ID: <" + hdr.Metadata.ReportID + ">"
}

// WriteAggregateEmail writes a report e-mail: headers, a text/plain part
// and the report as an application/gzip attachment named by FileName, in
// base64 (RFC 7489 section 7.2.1.1; RFC 9990 keeps the format).
func WriteAggregateEmail(w io.Writer, e *ReportEmail, schema Schema, hdr *Aggregate, recs iter.Seq[*Record]) error {
	if e.Receiver == "" || e.From == "" || e.To == "" {
		return fmt.Errorf("reports: %w: the e-mail needs From, To and Receiver", ErrWrite)
	}
	for _, s := range []string{e.From, e.To, e.Receiver, e.MessageID, hdr.Policy.Domain, hdr.Metadata.ReportID} {
		if strings.ContainsAny(s, "\r\n") {
			return fmt.Errorf("reports: %w: line break in a header value %q", ErrWrite, s)
		}
	}
	date := e.Date
	if date.IsZero() {
		date = time.Now()
	}
	bw := bufio.NewWriter(w)
	mw := multipart.NewWriter(bw)
	text := e.Text
	if text == "" {
		text = "This is an aggregate report from " + e.Receiver + " for " + hdr.Policy.Domain + ".\r\n"
	}
	if e.Boundary != "" {
		if err := mw.SetBoundary(e.Boundary); err != nil {
			return fmt.Errorf("reports: %w: %w", ErrWrite, err)
		}
		// The random boundary is never in the text; a given one may be,
		// and would end the part there.
		if strings.Contains(text, "--"+e.Boundary) {
			return fmt.Errorf("reports: %w: the text holds the boundary %q", ErrWrite, e.Boundary)
		}
	}
	h := func(k, v string) { fmt.Fprintf(bw, "%s: %s\r\n", k, v) }
	h("From", e.From)
	h("To", e.To)
	h("Subject", mime.QEncoding.Encode("utf-8", e.Subject(hdr)))
	h("Date", date.Format(time.RFC1123Z))
	if e.MessageID != "" {
		h("Message-ID", "<"+e.MessageID+">")
	}
	h("MIME-Version", "1.0")
	h("Content-Type", "multipart/mixed;\r\n\tboundary=\""+mw.Boundary()+"\"")
	bw.WriteString("\r\n")
	tp, err := mw.CreatePart(textproto.MIMEHeader{"Content-Type": {"text/plain; charset=utf-8"}, "Content-Transfer-Encoding": {"7bit"}})
	if err != nil {
		return fmt.Errorf("reports: writing the report e-mail: %w", err)
	}
	io.WriteString(tp, text)
	name := FileName(e.Receiver, hdr, e.UniqueID, true)
	ap, err := mw.CreatePart(textproto.MIMEHeader{
		"Content-Type":              {"application/gzip;\r\n\t" + strings.TrimPrefix(mime.FormatMediaType("x/x", map[string]string{"name": name}), "x/x; ")},
		"Content-Transfer-Encoding": {"base64"},
		"Content-Disposition":       {"attachment;\r\n\t" + strings.TrimPrefix(mime.FormatMediaType("x", map[string]string{"filename": name}), "x; ")},
	})
	if err != nil {
		return fmt.Errorf("reports: writing the report e-mail: %w", err)
	}
	lw := &lineWrapper{w: ap}
	b64 := base64.NewEncoder(base64.StdEncoding, lw)
	zw, _ := gzip.NewWriterLevel(b64, gzip.BestCompression)
	// The gzip header holds a name in ISO 8859-1 only (RFC 1952), and
	// compress/gzip fails the write for one it cannot hold: such a name
	// (a domain in U-labels outside Latin-1) is left out of it; the MIME
	// parameters carry it.
	if latin1(name) {
		zw.Name = strings.TrimSuffix(name, ".gz")
	}
	zw.ModTime = date
	if err := WriteAggregate(zw, schema, hdr, recs); err != nil {
		return err
	}
	for _, c := range []io.Closer{zw, b64, mw} {
		if err := c.Close(); err != nil {
			return fmt.Errorf("reports: writing the report e-mail: %w", err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("reports: writing the report e-mail: %w", err)
	}
	return nil
}

// latin1 reports whether s, in UTF-8, has only characters of ISO 8859-1.
func latin1(s string) bool {
	for _, r := range s {
		if r > 0xff || r == utf8.RuneError {
			return false
		}
	}
	return true
}

// lineWrapper breaks base64 text into lines of 76 characters (RFC 2045).
// The last line needs no line break of its own: the CRLF before the next
// boundary ends it (RFC 2046 section 5.1.1).
type lineWrapper struct {
	w   io.Writer
	col int
}

func (l *lineWrapper) Write(p []byte) (int, error) {
	n := 0
	for len(p) > 0 {
		k := min(76-l.col, len(p))
		if _, err := l.w.Write(p[:k]); err != nil {
			return n, err
		}
		n += k
		l.col += k
		p = p[k:]
		if l.col == 76 {
			if _, err := io.WriteString(l.w, "\r\n"); err != nil {
				return n, err
			}
			l.col = 0
		}
	}
	return n, nil
}
