package reports

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"strings"
	"time"
)

// TLSReport is an SMTP TLS report (RFC 8460 section 4): how many SMTP
// sessions to a domain's MX hosts negotiated TLS under its MTA-STS or DANE
// policy, and why the others failed.
//
//	{"organization-name": "Company-X",
//	 "date-range": {"start-datetime": "2016-04-01T00:00:00Z", "end-datetime": "2016-04-01T23:59:59Z"},
//	 "contact-info": "sts-reporting@company-x.example",
//	 "report-id": "5065427c-23d3-47ca-b6e0-946ea0e8c4be",
//	 "policies": [{"policy": {"policy-type": "sts", "policy-domain": "company-y.example", ...},
//	               "summary": {"total-successful-session-count": 5326, "total-failure-session-count": 303},
//	               "failure-details": [...]}]}
type TLSReport struct {
	OrganizationName string    // organization-name
	Start            time.Time // date-range start-datetime
	End              time.Time // date-range end-datetime (23:59:59Z or the next midnight)
	ContactInfo      string    // contact-info
	ReportID         string    // report-id
	Policies         []TLSPolicy
	Warnings         []Warning
}

// TLSPolicy is one entry of "policies": a policy and its session counts.
type TLSPolicy struct {
	Type       string   // policy-type: "sts", "tlsa" or "no-policy-found"
	String     []string // policy-string: the policy's lines (MTA-STS) or TLSA records
	Domain     string   // policy-domain
	MXHosts    []string // mx-host: a string or a list in real reports
	Successful int64    // summary total-successful-session-count
	Failed     int64    // summary total-failure-session-count
	Failures   []TLSFailure
}

// TLSFailure is one entry of "failure-details".
type TLSFailure struct {
	ResultType            string     // result-type, e.g. "certificate-expired", "starttls-not-supported"
	SendingMTAIP          netip.Addr // sending-mta-ip, parsed (so 0012 and 12 compare equal)
	ReceivingMXHostname   string     // receiving-mx-hostname
	ReceivingMXHelo       string     // receiving-mx-helo
	ReceivingIP           netip.Addr // receiving-ip
	FailedSessions        int64      // failed-session-count
	AdditionalInformation string     // additional-information (a URI)
	FailureReasonCode     string     // failure-reason-code
}

// FailureSessionSum adds up the failed-session-count of the failure
// details. Reporters do not always make it equal to Failed.
func (p *TLSPolicy) FailureSessionSum() int64 {
	var n int64
	for _, f := range p.Failures {
		n += f.FailedSessions
	}
	return n
}

type jsonTLSReport struct {
	OrganizationName string `json:"organization-name"`
	DateRange        struct {
		Start string `json:"start-datetime"`
		End   string `json:"end-datetime"`
	} `json:"date-range"`
	ContactInfo string `json:"contact-info"`
	ReportID    string `json:"report-id"`
	Policies    []struct {
		Policy struct {
			Type   string          `json:"policy-type"`
			String []string        `json:"policy-string"`
			Domain string          `json:"policy-domain"`
			MXHost json.RawMessage `json:"mx-host"`
		} `json:"policy"`
		Summary struct {
			Successful int64 `json:"total-successful-session-count"`
			Failed     int64 `json:"total-failure-session-count"`
		} `json:"summary"`
		FailureDetails []struct {
			ResultType            string `json:"result-type"`
			SendingMTAIP          string `json:"sending-mta-ip"`
			ReceivingMXHostname   string `json:"receiving-mx-hostname"`
			ReceivingMXHelo       string `json:"receiving-mx-helo"`
			ReceivingIP           string `json:"receiving-ip"`
			FailedSessions        int64  `json:"failed-session-count"`
			AdditionalInformation string `json:"additional-information"`
			FailureReasonCode     string `json:"failure-reason-code"`
		} `json:"failure-details"`
	} `json:"policies"`
}

// ParseTLS reads an SMTP TLS report: JSON, plain or gzip (sniffed). The
// whole document is read (TLS reports hold one entry per policy, not per
// message), bounded by MaxDecompressed; the policies by MaxRecords.
func (p *Parser) ParseTLS(r io.Reader) (*TLSReport, error) {
	pl, err := p.open(r, 0)
	if err != nil {
		return nil, err
	}
	if pl.kind != formatJSON {
		return nil, &SyntaxError{Part: pl.name, Offset: 0, Err: fmt.Errorf("%w: expected JSON, found %s", kindError(pl.kind), pl.kind)}
	}
	return p.parseTLS(pl.r, pl.name)
}

func (p *Parser) parseTLS(r io.Reader, part string) (*TLSReport, error) {
	b, err := readAllMax(r, p.maxDecompressed())
	if err != nil {
		var le *LimitError
		if errors.As(err, &le) {
			le.Limit = "MaxDecompressed"
		}
		return nil, &SyntaxError{Part: part, Offset: -1, Err: err}
	}
	var j jsonTLSReport
	if err := json.Unmarshal(b, &j); err != nil {
		e := &SyntaxError{Part: part, Offset: -1, Err: fmt.Errorf("%w: %w", ErrMalformed, err)}
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			e.Offset = se.Offset
			e.Line, e.Column = lineCol(b, se.Offset)
		case errors.As(err, &te):
			e.Offset = te.Offset
			e.Line, e.Column = lineCol(b, te.Offset)
			e.Err = fmt.Errorf("%w: %w", ErrInvalid, err)
		}
		return nil, e
	}
	if j.OrganizationName == "" && j.ReportID == "" && len(j.Policies) == 0 {
		return nil, &SyntaxError{Part: part, Offset: -1, Err: fmt.Errorf("%w: JSON without organization-name, report-id or policies is not an SMTP TLS report", ErrInvalid)}
	}
	if len(j.Policies) > p.maxRecords() {
		return nil, &SyntaxError{Part: part, Offset: -1, Err: &LimitError{Limit: "MaxRecords", Value: int64(p.maxRecords())}}
	}
	t := &TLSReport{OrganizationName: j.OrganizationName, ContactInfo: j.ContactInfo, ReportID: j.ReportID}
	t.Start = t.date("date-range/start-datetime", j.DateRange.Start)
	t.End = t.date("date-range/end-datetime", j.DateRange.End)
	if t.OrganizationName == "" {
		t.warn("organization-name", "missing or empty")
	}
	if t.ReportID == "" {
		t.warn("report-id", "missing or empty")
	}
	for i, jp := range j.Policies {
		path := fmt.Sprintf("policies[%d]", i)
		pol := TLSPolicy{
			Type:       jp.Policy.Type,
			String:     jp.Policy.String,
			Domain:     jp.Policy.Domain,
			Successful: jp.Summary.Successful,
			Failed:     jp.Summary.Failed,
		}
		switch pol.Type {
		case "sts", "tlsa", "no-policy-found":
		default:
			t.warn(path+"/policy/policy-type", "%q is not an RFC 8460 policy type", pol.Type)
		}
		if len(jp.Policy.MXHost) > 0 && string(jp.Policy.MXHost) != "null" {
			var one string
			if err := json.Unmarshal(jp.Policy.MXHost, &one); err == nil {
				pol.MXHosts = []string{one}
			} else if err := json.Unmarshal(jp.Policy.MXHost, &pol.MXHosts); err != nil {
				t.warn(path+"/policy/mx-host", "neither a string nor a list of strings; ignored")
			}
		}
		for k, fd := range jp.FailureDetails {
			fp := fmt.Sprintf("%s/failure-details[%d]", path, k)
			f := TLSFailure{
				ResultType:            fd.ResultType,
				ReceivingMXHostname:   fd.ReceivingMXHostname,
				ReceivingMXHelo:       fd.ReceivingMXHelo,
				FailedSessions:        fd.FailedSessions,
				AdditionalInformation: fd.AdditionalInformation,
				FailureReasonCode:     fd.FailureReasonCode,
			}
			f.SendingMTAIP = t.ip(fp+"/sending-mta-ip", fd.SendingMTAIP)
			f.ReceivingIP = t.ip(fp+"/receiving-ip", fd.ReceivingIP)
			pol.Failures = append(pol.Failures, f)
		}
		if s := pol.FailureSessionSum(); len(pol.Failures) > 0 && s != pol.Failed {
			t.warn(path, "failure-details add up to %d sessions, total-failure-session-count says %d", s, pol.Failed)
		}
		t.Policies = append(t.Policies, pol)
	}
	return t, nil
}

func (t *TLSReport) warn(path, format string, args ...any) {
	t.Warnings = append(t.Warnings, Warning{Path: path, Message: fmt.Sprintf(format, args...)})
}

func (t *TLSReport) date(path, v string) time.Time {
	if v == "" {
		t.warn(path, "missing")
		return time.Time{}
	}
	d, err := time.Parse(time.RFC3339, strings.TrimSpace(v))
	if err != nil {
		t.warn(path, "%q is not an RFC 3339 date-time", v)
		return time.Time{}
	}
	return d.UTC()
}

func (t *TLSReport) ip(path, v string) netip.Addr {
	if v == "" {
		return netip.Addr{}
	}
	ip, err := netip.ParseAddr(v)
	if err != nil {
		// Leading zeros in an IPv6 group (2001:db8:abcd:0012::1) are
		// fine for ParseAddr; other mistakes are not.
		t.warn(path, "%q is not an IP address", v)
		return netip.Addr{}
	}
	return ip.Unmap()
}

// lineCol converts a byte offset into a 1-based line and column.
func lineCol(b []byte, off int64) (int, int) {
	if off > int64(len(b)) {
		off = int64(len(b))
	}
	line, col := 1, 1
	for _, c := range b[:off] {
		if c == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return line, col
}
