package reports

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/domainauth/domainauth/internal/ascii"
)

// AggregateColumns are the columns of an aggregate report row, in
// parsedmarc's order (its docs/source/output.md): one row per record.
//
// The rows carry parsedmarc's column names so that ingestion built for
// parsedmarc (Elasticsearch and OpenSearch index templates, Splunk
// sourcetypes, Kafka consumers, Kibana dashboards) reads them unchanged.
// Values follow its conventions: dates in UTC as "2006-01-02 15:04:05";
// booleans True/False in CSV and true/false in JSON; lists joined with ","
// (dkim_domains, dkim_selectors and dkim_results hold one entry per DKIM
// result, in order, and likewise for SPF and the override reasons);
// xml_schema is the <version> text or "draft" when there is none; and the
// defaults parsedmarc writes for absent elements: org_name from the domain
// of email, adkim and aspf "r", sp = p, fo "0", DKIM selector "none", SPF
// scope "mfrom", envelope_from from the SPF mfrom domain. spf_aligned and
// dkim_aligned are the policy_evaluated verdicts, dmarc_aligned either of
// them. normalized_timespan is always False: rows keep the report's own
// begin and end. The geolocation columns (source_country,
// source_base_domain, source_name, source_type, source_asn, source_as_name,
// source_as_domain) are empty: this package does no geolocation;
// source_reverse_dns holds the name given to AggregateRow (from a Namer).
var AggregateColumns = []string{
	"xml_schema", "org_name", "org_email", "org_extra_contact_info", "report_id", "begin_date", "end_date", "normalized_timespan", "errors",
	"domain", "adkim", "aspf", "p", "sp", "pct", "fo",
	"source_ip_address", "source_country", "source_reverse_dns", "source_base_domain", "source_name", "source_type", "source_asn", "source_as_name", "source_as_domain",
	"count", "spf_aligned", "dkim_aligned", "dmarc_aligned", "disposition", "policy_override_reasons", "policy_override_comments",
	"envelope_from", "header_from", "envelope_to", "dkim_domains", "dkim_selectors", "dkim_results", "spf_domains", "spf_scopes", "spf_results",
}

// FailureColumns are the columns of a failure report row, in parsedmarc's
// order: one row per report. arrival_date is the Arrival-Date as written,
// arrival_date_utc the same time in UTC; subject and message_id are those
// of the reported message (message_id falls back to the ARF Message-ID
// field); delivery_result is mapped as DeliveryResult does; auth_failure
// lists the Auth-Failure values; feedback_type defaults to auth-failure;
// sample_headers_only is True when only the header was sent
// (text/rfc822-headers); authentication_mechanisms and the geolocation
// columns are empty.
var FailureColumns = []string{
	"feedback_type", "user_agent", "version", "original_envelope_id", "original_mail_from", "original_rcpt_to", "arrival_date", "arrival_date_utc",
	"subject", "message_id", "authentication_results", "dkim_domain",
	"source_ip_address", "source_country", "source_reverse_dns", "source_base_domain", "source_name", "source_type", "source_asn", "source_as_name", "source_as_domain",
	"delivery_result", "auth_failure", "reported_domain", "authentication_mechanisms", "sample_headers_only",
}

// TLSColumns are the columns of an SMTP TLS report row: one row per
// failure detail, or one per policy without failure details, with the key
// names of parsedmarc's SMTP TLS output.
var TLSColumns = []string{
	"organization_name", "begin_date", "end_date", "report_id",
	"policy_domain", "policy_type", "policy_strings", "mx_host_patterns", "successful_session_count", "failed_session_count",
	"result_type", "failure_reason_code", "sending_mta_ip", "receiving_ip", "receiving_mx_hostname", "receiving_mx_helo", "additional_info_uri", "failed_session_count_detail",
}

// column kinds for JSON: numbers and booleans are written unquoted.
var numberColumns = map[string]bool{"count": true, "successful_session_count": true, "failed_session_count": true, "failed_session_count_detail": true}
var boolColumns = map[string]bool{"normalized_timespan": true, "spf_aligned": true, "dkim_aligned": true, "dmarc_aligned": true, "sample_headers_only": true}

const rowTime = "2006-01-02 15:04:05"

func pyBool(b bool) string {
	if b {
		return "True"
	}
	return "False"
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// AggregateRow flattens one record of the report hdr into the values of
// AggregateColumns. reverseName fills source_reverse_dns ("" for none).
func AggregateRow(hdr *Aggregate, r *Record, reverseName string) []string {
	m, pp := &hdr.Metadata, &hdr.Policy
	schema := hdr.Version
	if schema == "" {
		schema = "draft"
	}
	pct := ""
	if pp.HasPercent {
		pct = strconv.Itoa(pp.Percent)
	}
	var reasons, comments, dkimD, dkimS, dkimR, spfD, spfS, spfR []string
	for _, rs := range r.Reasons {
		reasons = append(reasons, string(rs.Type))
		comments = append(comments, rs.Comment)
	}
	for _, d := range r.AuthDKIM {
		dkimD = append(dkimD, d.Domain)
		dkimS = append(dkimS, or(d.Selector, "none"))
		dkimR = append(dkimR, string(d.Result))
	}
	for _, s := range r.AuthSPF {
		spfD = append(spfD, s.Domain)
		spfS = append(spfS, or(s.Scope, "mfrom"))
		spfR = append(spfR, string(s.Result))
	}
	envFrom := r.EnvelopeFrom
	if envFrom == "" {
		// As parsedmarc: the domain SPF checked as MAIL FROM.
		for _, s := range r.AuthSPF {
			if s.Scope == "" || s.Scope == "mfrom" {
				envFrom = s.Domain
			}
		}
	}
	spfAligned, dkimAligned := r.SPF == VerdictPass, r.DKIM == VerdictPass
	return []string{
		schema, ReporterName(m), m.Email, m.ExtraContactInfo, m.ReportID, m.Begin.UTC().Format(rowTime), m.End.UTC().Format(rowTime), pyBool(false), strings.Join(m.Errors, ","),
		pp.Domain, or(string(pp.ADKIM), "r"), or(string(pp.ASPF), "r"), string(pp.P), or(string(pp.SP), string(pp.P)), pct, or(pp.FO, "0"),
		r.SourceIP.String(), "", reverseName, "", "", "", "", "", "",
		strconv.FormatInt(r.Count, 10), pyBool(spfAligned), pyBool(dkimAligned), pyBool(spfAligned || dkimAligned), string(r.Disposition), strings.Join(reasons, ","), strings.Join(comments, ","),
		envFrom, r.HeaderFrom, r.EnvelopeTo, strings.Join(dkimD, ","), strings.Join(dkimS, ","), strings.Join(dkimR, ","), strings.Join(spfD, ","), strings.Join(spfS, ","), strings.Join(spfR, ","),
	}
}

// DeliveryResult maps a Delivery-Result value to one of RFC 6591's
// (delivered, spam, policy, reject, other) as parsedmarc does: the first
// of them the value contains, else other; "" stays "".
func DeliveryResult(v string) string {
	if v == "" {
		return ""
	}
	lv := ascii.Lower(v)
	for _, s := range []string{"delivered", "spam", "policy", "reject"} {
		if strings.Contains(lv, s) {
			return s
		}
	}
	return "other"
}

// FailureRow flattens a failure report into the values of FailureColumns.
func FailureRow(fr *FailureReport, reverseName string) []string {
	utc := ""
	if !fr.Arrival.IsZero() {
		utc = fr.Arrival.UTC().Format(rowTime)
	}
	msgID := fr.OriginalID
	if v, ok := fr.Get("Message-ID"); ok && msgID == "" {
		msgID = v
	}
	ip := ""
	if fr.SourceIP.IsValid() {
		ip = fr.SourceIP.String()
	}
	var af []string
	for _, f := range strings.Split(fr.AuthFailure, ",") {
		if f = strings.TrimSpace(f); f != "" {
			af = append(af, f)
		}
	}
	return []string{
		or(fr.FeedbackType, "auth-failure"), fr.UserAgent, fr.Version, fr.OriginalEnvelopeID, fr.OriginalMailFrom, fr.OriginalRcptTo, fr.ArrivalDate, utc,
		fr.OriginalSubject, msgID, fr.AuthenticationResults, fr.DKIMDomain,
		ip, "", reverseName, "", "", "", "", "", "",
		DeliveryResult(fr.DeliveryResult), strings.Join(af, ","), fr.ReportedDomain, "", pyBool(fr.HasHeaders && !fr.HasMessage),
	}
}

// TLSRows flattens a TLS report into rows of TLSColumns.
func TLSRows(tr *TLSReport) [][]string {
	var rows [][]string
	ipStr := func(ip interface {
		IsValid() bool
		String() string
	}) string {
		if ip.IsValid() {
			return ip.String()
		}
		return ""
	}
	for _, p := range tr.Policies {
		base := []string{
			tr.OrganizationName, tr.Start.UTC().Format(time.RFC3339), tr.End.UTC().Format(time.RFC3339), tr.ReportID,
			p.Domain, p.Type, strings.Join(p.String, "|"), strings.Join(p.MXHosts, ","), strconv.FormatInt(p.Successful, 10), strconv.FormatInt(p.Failed, 10),
		}
		if len(p.Failures) == 0 {
			rows = append(rows, append(base, "", "", "", "", "", "", "", ""))
			continue
		}
		for _, f := range p.Failures {
			row := append([]string(nil), base...)
			row = append(row, f.ResultType, f.FailureReasonCode, ipStr(f.SendingMTAIP), ipStr(f.ReceivingIP), f.ReceivingMXHostname, f.ReceivingMXHelo, f.AdditionalInformation, strconv.FormatInt(f.FailedSessions, 10))
			rows = append(rows, row)
		}
	}
	return rows
}

// RowFormat is the output format of a RowWriter.
type RowFormat int

// Row formats.
const (
	CSV   RowFormat = iota + 1 // RFC 4180 CSV with a header line
	JSONL                      // one JSON object per line, keys in column order
)

// RowWriter writes rows of one kind (aggregate, failure or TLS) as CSV or
// JSON lines. In JSON, counts are numbers, flags booleans and empty
// values null.
type RowWriter struct {
	format  RowFormat
	columns []string
	w       io.Writer
	csv     *csv.Writer
	started bool
	buf     []byte
}

// NewRowWriter returns a writer of kind's rows in format.
func NewRowWriter(w io.Writer, format RowFormat, kind Kind) (*RowWriter, error) {
	rw := &RowWriter{format: format, w: w}
	switch kind {
	case KindAggregate:
		rw.columns = AggregateColumns
	case KindFailure:
		rw.columns = FailureColumns
	case KindTLS:
		rw.columns = TLSColumns
	default:
		return nil, fmt.Errorf("reports: %w: no rows for kind %v", ErrWrite, kind)
	}
	switch format {
	case CSV:
		rw.csv = csv.NewWriter(w)
	case JSONL:
	default:
		return nil, fmt.Errorf("reports: %w: unknown row format %d", ErrWrite, format)
	}
	return rw, nil
}

// Write writes one row of values in column order. The CSV header line is
// written before the first row. In JSON lines a count column is written as
// a number, in its shortest form: a value there that is not empty and
// not a whole number in decimal is an error naming the column (ErrWrite),
// and nothing is written.
func (rw *RowWriter) Write(values []string) error {
	if len(values) != len(rw.columns) {
		return fmt.Errorf("reports: %w: %d values for %d columns", ErrWrite, len(values), len(rw.columns))
	}
	if rw.csv != nil {
		if !rw.started {
			rw.started = true
			if err := rw.csv.Write(rw.columns); err != nil {
				return err
			}
		}
		return rw.csv.Write(values)
	}
	b := rw.buf[:0]
	b = append(b, '{')
	for i, c := range rw.columns {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendQuote(b, c)
		b = append(b, ':')
		v := values[i]
		switch {
		case v == "":
			b = append(b, "null"...)
		case numberColumns[c]:
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return fmt.Errorf("reports: %w: column %s: %q is not a whole number", ErrWrite, c, v)
			}
			b = strconv.AppendInt(b, n, 10) // "+5" and "007" are not JSON

		case boolColumns[c]:
			b = strconv.AppendBool(b, v == "True")
		default:
			b = appendJSONString(b, v)
		}
	}
	b = append(b, '}', '\n')
	rw.buf = b
	_, err := rw.w.Write(b)
	return err
}

// Flush writes buffered CSV data; call it when done.
func (rw *RowWriter) Flush() error {
	if rw.csv != nil {
		rw.csv.Flush()
		return rw.csv.Error()
	}
	return nil
}

// appendJSONString appends v as a JSON string without the HTML escaping
// of encoding/json's Marshal (so "<" stays "<", as in parsedmarc's output).
func appendJSONString(b []byte, v string) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
	return append(b, bytes.TrimSuffix(buf.Bytes(), []byte("\n"))...)
}
