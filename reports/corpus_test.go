package reports

import (
	"encoding/json"
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// corpusDir is the shared report corpus (parsedmarc's samples with a
// manifest of the facts a parser must read from each file).
const corpusDir = "../../shared/corpus/reports"

type manifest struct {
	Files []manifestFile `json:"files"`
}

type manifestFile struct {
	File      string          `json:"file"`
	Kind      string          `json:"kind"`
	Container string          `json:"container"`
	Expect    string          `json:"expect"`
	Error     string          `json:"error"`
	Email     *manifestEmail  `json:"email"`
	Report    json.RawMessage `json:"report"`
	Lenient   *struct {
		Steps  []string        `json:"steps"`
		Report json.RawMessage `json:"report"`
	} `json:"lenient"`
	Notes map[string]string
}

type manifestEmail struct {
	Subject    string  `json:"subject"`
	From       string  `json:"from"`
	Date       string  `json:"date"`
	CT         string  `json:"content_type"`
	ReportType *string `json:"report_type"`
	MboxFrom   bool    `json:"mbox_from_line"`
}

type mAggregate struct {
	Namespace      *string `json:"namespace"`
	Version        *string `json:"version"`
	ReportMetadata struct {
		OrgName          *string  `json:"org_name"`
		Email            *string  `json:"email"`
		ExtraContactInfo *string  `json:"extra_contact_info"`
		ReportID         *string  `json:"report_id"`
		Generator        *string  `json:"generator"`
		Errors           []string `json:"errors"`
		DateRange        struct {
			Begin int64 `json:"begin"`
			End   int64 `json:"end"`
		} `json:"date_range"`
	} `json:"report_metadata"`
	PolicyPublished map[string]string `json:"policy_published"`
	RecordCount     int               `json:"record_count"`
	CountSum        int64             `json:"count_sum"`
	First           mRecord           `json:"first_record"`
	Last            mRecord           `json:"last_record"`
}

type mRecord struct {
	SourceIP        string  `json:"source_ip"`
	Count           int64   `json:"count"`
	Disposition     string  `json:"disposition"`
	HeaderFrom      *string `json:"header_from"`
	EnvelopeFrom    *string `json:"envelope_from"`
	EnvelopeTo      *string `json:"envelope_to"`
	PolicyEvaluated struct {
		DKIM    string `json:"dkim"`
		SPF     string `json:"spf"`
		Reasons []struct {
			Type    *string `json:"type"`
			Comment *string `json:"comment"`
		} `json:"reasons"`
	} `json:"policy_evaluated"`
	AuthResults struct {
		DKIM []struct {
			Domain      *string `json:"domain"`
			Selector    *string `json:"selector"`
			Result      *string `json:"result"`
			HumanResult *string `json:"human_result"`
		} `json:"dkim"`
		SPF []struct {
			Domain      *string `json:"domain"`
			Scope       *string `json:"scope"`
			Result      *string `json:"result"`
			HumanResult *string `json:"human_result"`
		} `json:"spf"`
	} `json:"auth_results"`
}

type mFailure struct {
	Email                 manifestEmail     `json:"email"`
	HasARF                bool              `json:"has_feedback_report_part"`
	HasMessage            bool              `json:"has_message_rfc822_part"`
	HasHeaders            bool              `json:"has_text_rfc822_headers_part"`
	FeedbackType          *string           `json:"feedback_type"`
	UserAgent             *string           `json:"user_agent"`
	Version               *string           `json:"version"`
	ArrivalDate           *string           `json:"arrival_date"`
	SourceIP              *string           `json:"source_ip"`
	ReportedDomain        *string           `json:"reported_domain"`
	AuthFailure           *string           `json:"auth_failure"`
	DeliveryResult        *string           `json:"delivery_result"`
	OriginalMailFrom      *string           `json:"original_mail_from"`
	OriginalRcptTo        *string           `json:"original_rcpt_to"`
	AuthenticationResults *string           `json:"authentication_results"`
	DKIMDomain            *string           `json:"dkim_domain"`
	OtherFields           map[string]string `json:"other_fields"`
	OriginalSubject       *string           `json:"original_subject"`
	OriginalFrom          *string           `json:"original_from"`
	PlainTextFields       map[string]string `json:"plain_text_fields"`
}

type mTLS struct {
	OrganizationName string `json:"organization_name"`
	ReportID         string `json:"report_id"`
	ContactInfo      string `json:"contact_info"`
	DateRange        struct {
		Start string `json:"start"`
		End   string `json:"end"`
	} `json:"date_range"`
	PolicyCount int `json:"policy_count"`
	Policies    []struct {
		PolicyType        string  `json:"policy_type"`
		PolicyDomain      string  `json:"policy_domain"`
		MXHost            *string `json:"mx_host"`
		PolicyStringLines *int    `json:"policy_string_lines"`
		Successful        int64   `json:"total_successful_session_count"`
		Failed            int64   `json:"total_failure_session_count"`
		FailureDetails    int     `json:"failure_details"`
		FailureSum        int64   `json:"failure_details_session_sum"`
	} `json:"policies"`
}

func loadManifest(t testing.TB) *manifest {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(corpusDir, "manifest.json"))
	if err != nil {
		t.Skipf("report corpus not available (%v); it lives in /work/shared/corpus/reports", err)
	}
	var m manifest
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("manifest.json: %v", err)
	}
	if len(m.Files) == 0 {
		t.Fatal("manifest.json lists no files")
	}
	return &m
}

// str reads a manifest string where null (absent) and "" both mean no
// value in the typed model.
func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// readAll parses a corpus file through Parser.Read and collects the
// reports, cloning aggregate records.
type collected struct {
	kind    Kind
	part    string
	email   *EmailInfo
	agg     *AggregateReport
	failure *FailureReport
	tls     *TLSReport
}

func readAll(p *Parser, f *os.File) ([]collected, error) {
	var out []collected
	err := p.Read(f, func(r *Report) error {
		c := collected{kind: r.Kind, part: r.Part, email: r.Email, failure: r.Failure, tls: r.TLS}
		if r.Aggregate != nil {
			rep, err := r.Aggregate.collect()
			if err != nil {
				return err
			}
			c.agg = rep
		}
		out = append(out, c)
		return nil
	})
	return out, err
}

// TestCorpus reads every file of the shared corpus and checks each fact
// the manifest gives for it.
func TestCorpus(t *testing.T) {
	m := loadManifest(t)
	var p Parser
	for _, mf := range m.Files {
		t.Run(mf.File, func(t *testing.T) {
			f, err := os.Open(filepath.Join(corpusDir, mf.File))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			got, err := readAll(&p, f)
			if mf.Expect == "error" {
				if err == nil {
					t.Fatalf("read without error; the manifest says: %s", mf.Error)
				}
				var e *SyntaxError
				if !errors.As(err, &e) {
					t.Fatalf("error %v is not a *reports.SyntaxError", err)
				}
				switch mf.Kind {
				case "none":
					if !errors.Is(err, ErrEmpty) {
						t.Errorf("error %v, want ErrEmpty", err)
					}
				default:
					if !errors.Is(err, ErrMalformed) {
						t.Errorf("error %v, want ErrMalformed", err)
					}
					if e.Line == 0 {
						t.Errorf("error %v has no line", err)
					}
				}
				t.Logf("error (expected): %v", err)
				if mf.Lenient != nil {
					checkRecovered(t, &mf)
				}
				return
			}
			if err != nil {
				t.Fatalf("read: %v", err)
			}
			if len(got) != 1 {
				t.Fatalf("%d reports, want 1", len(got))
			}
			c := got[0]
			if c.kind.String() != mf.Kind {
				t.Fatalf("kind %v, want %s", c.kind, mf.Kind)
			}
			if mf.Email != nil {
				checkEmail(t, c.email, mf.Email)
			}
			switch mf.Kind {
			case "aggregate":
				var want mAggregate
				if err := json.Unmarshal(mf.Report, &want); err != nil {
					t.Fatal(err)
				}
				checkAggregate(t, c.agg, &want, mf.Notes)
			case "failure":
				var want mFailure
				if err := json.Unmarshal(mf.Report, &want); err != nil {
					t.Fatal(err)
				}
				checkFailure(t, c.failure, &want)
			case "smtp_tls":
				var want mTLS
				if err := json.Unmarshal(mf.Report, &want); err != nil {
					t.Fatal(err)
				}
				checkTLS(t, c.tls, &want)
			}
		})
	}
}

func checkEmail(t *testing.T, got *EmailInfo, want *manifestEmail) {
	t.Helper()
	if got == nil {
		t.Fatal("no EmailInfo for an e-mail")
	}
	eq(t, "email subject", got.Subject, want.Subject)
	eq(t, "email from", got.From, want.From)
	eq(t, "email date", got.DateText, want.Date)
	eq(t, "email content type", got.ContentType, want.CT)
	eq(t, "email report-type", got.ReportType, str(want.ReportType))
	if got.MboxFrom != want.MboxFrom {
		t.Errorf("mbox From line %v, want %v", got.MboxFrom, want.MboxFrom)
	}
	if d, err := time.Parse(time.RFC1123Z, want.Date); err == nil && !got.Date.Equal(d) {
		t.Errorf("email Date %v, want %v", got.Date, d)
	}
}

func eq[T comparable](t *testing.T, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

// hasWarning reports whether some warning's path ends with suffix.
func hasWarning(ws []Warning, suffix string) bool {
	for _, w := range ws {
		if strings.HasSuffix(w.Path, suffix) {
			return true
		}
	}
	return false
}

func checkAggregate(t *testing.T, got *AggregateReport, want *mAggregate, notes map[string]string) {
	t.Helper()
	eq(t, "namespace", got.Namespace, str(want.Namespace))
	eq(t, "version", got.Version, str(want.Version))
	md := want.ReportMetadata
	eq(t, "org_name", got.Metadata.OrgName, str(md.OrgName))
	eq(t, "email", got.Metadata.Email, str(md.Email))
	eq(t, "extra_contact_info", got.Metadata.ExtraContactInfo, str(md.ExtraContactInfo))
	eq(t, "report_id", got.Metadata.ReportID, str(md.ReportID))
	eq(t, "generator", got.Metadata.Generator, str(md.Generator))
	eq(t, "errors", strings.Join(got.Metadata.Errors, "|"), strings.Join(md.Errors, "|"))
	eq(t, "begin", got.Metadata.Begin.Unix(), md.DateRange.Begin)
	eq(t, "end", got.Metadata.End.Unix(), md.DateRange.End)
	if str(md.OrgName) == "" && !hasWarning(got.Warnings, "org_name") {
		t.Errorf("empty org_name without a warning")
	}
	pp := got.Policy
	gotPP := map[string]string{}
	put := func(k, v string) {
		if v != "" {
			gotPP[k] = v
		}
	}
	put("domain", pp.Domain)
	put("adkim", string(pp.ADKIM))
	put("aspf", string(pp.ASPF))
	put("p", string(pp.P))
	put("sp", string(pp.SP))
	put("np", string(pp.NP))
	if pp.HasPercent {
		put("pct", strconv.Itoa(pp.Percent))
	}
	put("fo", pp.FO)
	put("testing", pp.Testing)
	put("discovery_method", pp.DiscoveryMethod)
	wantPP := map[string]string{}
	for k, v := range want.PolicyPublished {
		if v != "" {
			wantPP[k] = strings.ToLower(v)
		}
	}
	if len(gotPP) != len(wantPP) {
		t.Errorf("policy_published = %v, want %v", gotPP, wantPP)
	}
	for k, v := range wantPP {
		eq(t, "policy_published/"+k, gotPP[k], v)
	}
	eq(t, "record_count", len(got.Records), want.RecordCount)
	var sum int64
	for _, r := range got.Records {
		sum += r.Count
	}
	eq(t, "count_sum", sum, want.CountSum)
	if len(got.Records) == 0 {
		return
	}
	checkRecord(t, "first_record", &got.Records[0], &want.First, got.Warnings)
	checkRecord(t, "last_record", &got.Records[len(got.Records)-1], &want.Last, got.Warnings)
}

// lower compares enumerated values: the parser lower-cases them, with a
// warning when it had to.
func lower(t *testing.T, what, got, want string, ws []Warning, path string) {
	t.Helper()
	eq(t, what, got, strings.ToLower(want))
	if want != strings.ToLower(want) && !hasWarning(ws, path) {
		t.Errorf("%s: %q lower-cased without a warning at %s", what, want, path)
	}
}

func checkRecord(t *testing.T, name string, got *Record, want *mRecord, ws []Warning) {
	t.Helper()
	ip, err := netip.ParseAddr(want.SourceIP)
	if err != nil {
		t.Fatalf("manifest %s source_ip %q: %v", name, want.SourceIP, err)
	}
	eq(t, name+" source_ip", got.SourceIP, ip)
	eq(t, name+" count", got.Count, want.Count)
	lower(t, name+" disposition", string(got.Disposition), want.Disposition, ws, "policy_evaluated/disposition")
	lower(t, name+" dkim", string(got.DKIM), want.PolicyEvaluated.DKIM, ws, "policy_evaluated/dkim")
	lower(t, name+" spf", string(got.SPF), want.PolicyEvaluated.SPF, ws, "policy_evaluated/spf")
	if len(got.Reasons) != len(want.PolicyEvaluated.Reasons) {
		t.Errorf("%s reasons = %v, want %d", name, got.Reasons, len(want.PolicyEvaluated.Reasons))
	} else {
		for i, wr := range want.PolicyEvaluated.Reasons {
			eq(t, name+" reason type", string(got.Reasons[i].Type), strings.ToLower(str(wr.Type)))
			eq(t, name+" reason comment", got.Reasons[i].Comment, str(wr.Comment))
		}
	}
	eq(t, name+" header_from", got.HeaderFrom, str(want.HeaderFrom))
	eq(t, name+" envelope_from", got.EnvelopeFrom, str(want.EnvelopeFrom))
	eq(t, name+" envelope_to", got.EnvelopeTo, str(want.EnvelopeTo))
	if len(got.AuthDKIM) != len(want.AuthResults.DKIM) {
		t.Errorf("%s auth dkim = %v, want %d results", name, got.AuthDKIM, len(want.AuthResults.DKIM))
	} else {
		for i, w := range want.AuthResults.DKIM {
			g := got.AuthDKIM[i]
			eq(t, name+" dkim domain", g.Domain, str(w.Domain))
			eq(t, name+" dkim selector", g.Selector, str(w.Selector))
			lower(t, name+" dkim result", string(g.Result), str(w.Result), ws, "auth_results/dkim/result")
			eq(t, name+" dkim human_result", g.HumanResult, str(w.HumanResult))
		}
	}
	if len(got.AuthSPF) != len(want.AuthResults.SPF) {
		t.Errorf("%s auth spf = %v, want %d results", name, got.AuthSPF, len(want.AuthResults.SPF))
	} else {
		for i, w := range want.AuthResults.SPF {
			g := got.AuthSPF[i]
			eq(t, name+" spf domain", g.Domain, str(w.Domain))
			lower(t, name+" spf scope", g.Scope, str(w.Scope), ws, "auth_results/spf/scope")
			lower(t, name+" spf result", string(g.Result), str(w.Result), ws, "auth_results/spf/result")
			eq(t, name+" spf human_result", g.HumanResult, str(w.HumanResult))
		}
	}
}

func checkFailure(t *testing.T, got *FailureReport, want *mFailure) {
	t.Helper()
	if got == nil {
		t.Fatal("no failure report")
	}
	checkEmail(t, &got.Email, &want.Email)
	eq(t, "has ARF part", got.HasARF, want.HasARF)
	eq(t, "has message/rfc822", got.HasMessage, want.HasMessage)
	eq(t, "has text/rfc822-headers", got.HasHeaders, want.HasHeaders)
	eq(t, "Feedback-Type", got.FeedbackType, str(want.FeedbackType))
	eq(t, "User-Agent", got.UserAgent, str(want.UserAgent))
	eq(t, "Version", got.Version, str(want.Version))
	eq(t, "Arrival-Date", got.ArrivalDate, str(want.ArrivalDate))
	if want.ArrivalDate != nil && got.Arrival.IsZero() {
		t.Errorf("Arrival-Date %q not parsed", *want.ArrivalDate)
	}
	if want.SourceIP != nil {
		eq(t, "Source-IP", got.SourceIP, netip.MustParseAddr(*want.SourceIP))
	} else if got.SourceIP.IsValid() {
		t.Errorf("Source-IP %v, want none", got.SourceIP)
	}
	eq(t, "Reported-Domain", got.ReportedDomain, str(want.ReportedDomain))
	eq(t, "Auth-Failure", got.AuthFailure, str(want.AuthFailure))
	eq(t, "Delivery-Result", got.DeliveryResult, str(want.DeliveryResult))
	eq(t, "Original-Mail-From", got.OriginalMailFrom, str(want.OriginalMailFrom))
	eq(t, "Original-Rcpt-To", got.OriginalRcptTo, str(want.OriginalRcptTo))
	eq(t, "Authentication-Results", got.AuthenticationResults, str(want.AuthenticationResults))
	eq(t, "DKIM-Domain", got.DKIMDomain, str(want.DKIMDomain))
	for k, v := range want.OtherFields {
		name := strings.ReplaceAll(k, "_", "-")
		gv, ok := got.Get(name)
		if !ok {
			t.Errorf("field %s missing", name)
		}
		eq(t, name, gv, v)
	}
	if want.OriginalMailFrom != nil {
		if _, ok := got.Get("Original-Mail-From"); !ok {
			t.Errorf("Original-Mail-From present in the report but not in Fields")
		}
	}
	eq(t, "original Subject", got.OriginalSubject, str(want.OriginalSubject))
	eq(t, "original From", got.OriginalFrom, str(want.OriginalFrom))
	if len(want.PlainTextFields) != len(got.TextFields) {
		t.Errorf("text fields %v, want %v", got.TextFields, want.PlainTextFields)
	}
	for _, f := range got.TextFields {
		eq(t, "text field "+f.Name, f.Value, want.PlainTextFields[f.Name])
	}
	if !want.HasARF && !hasWarning(got.Warnings, "e-mail") {
		t.Errorf("report without an ARF part read without a warning")
	}
}

func checkTLS(t *testing.T, got *TLSReport, want *mTLS) {
	t.Helper()
	eq(t, "organization-name", got.OrganizationName, want.OrganizationName)
	eq(t, "report-id", got.ReportID, want.ReportID)
	eq(t, "contact-info", got.ContactInfo, want.ContactInfo)
	eq(t, "start", got.Start.Format(time.RFC3339), want.DateRange.Start)
	eq(t, "end", got.End.Format(time.RFC3339), want.DateRange.End)
	if len(got.Policies) != want.PolicyCount {
		t.Fatalf("%d policies, want %d", len(got.Policies), want.PolicyCount)
	}
	for i, w := range want.Policies {
		g := got.Policies[i]
		eq(t, "policy-type", g.Type, w.PolicyType)
		eq(t, "policy-domain", g.Domain, w.PolicyDomain)
		eq(t, "mx-host", strings.Join(g.MXHosts, ","), str(w.MXHost))
		if w.PolicyStringLines != nil {
			eq(t, "policy-string lines", len(g.String), *w.PolicyStringLines)
		}
		eq(t, "successful", g.Successful, w.Successful)
		eq(t, "failed", g.Failed, w.Failed)
		eq(t, "failure-details", len(g.Failures), w.FailureDetails)
		eq(t, "failure sum", g.FailureSessionSum(), w.FailureSum)
		if g.FailureSessionSum() != g.Failed && !hasWarning(got.Warnings, "policies[0]") {
			t.Errorf("failure sum %d against total %d without a warning", g.FailureSessionSum(), g.Failed)
		}
	}
}

// checkRecovered reads a malformed sample with Parser.Recover and checks
// the facts of the manifest's lenient reading, and a warning for the
// repair.
func checkRecovered(t *testing.T, mf *manifestFile) {
	t.Helper()
	f, err := os.Open(filepath.Join(corpusDir, mf.File))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := readAll(&Parser{Recover: true}, f)
	if err != nil {
		t.Fatalf("with Recover (%s): %v", strings.Join(mf.Lenient.Steps, "; "), err)
	}
	if len(got) != 1 || got[0].agg == nil {
		t.Fatalf("with Recover: %d reports", len(got))
	}
	var want mAggregate
	if err := json.Unmarshal(mf.Lenient.Report, &want); err != nil {
		t.Fatal(err)
	}
	checkAggregate(t, got[0].agg, &want, mf.Notes)
	if !hasWarning(got[0].agg.Warnings, "feedback") && !hasWarning(got[0].agg.Warnings, "schema") {
		t.Errorf("repaired without a warning: %v", got[0].agg.Warnings)
	}
	t.Logf("recovered (%s): %v", strings.Join(mf.Lenient.Steps, "; "), got[0].agg.Warnings)
}
