package dmarc_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/domainauth/domainauth"
	"github.com/domainauth/domainauth/dmarc"
)

// ReportDomain: the domain of a mailto: address (RFC 6068: after the last
// "@", before any "?"), the host of other URIs (RFC 7489 section 7.1).
func TestReportDomain(t *testing.T) {
	tests := []struct {
		uri, want string
		ok        bool
	}{
		{"mailto:dmarc@Reports.Example.COM", "reports.example.com", true},
		{"MAILTO:dmarc@example.net?subject=x", "example.net", true},
		{"mailto:a%40b@example.org", "example.org", true},
		{"mailto:dmarc@ex%61mple.com", "example.com", true},
		{"https://Reports.Example/dmarc", "reports.example", true},
		{"mailto:a@b", "b", true},
		{"mailto:dmarc", "", false},
		{"mailto:dmarc@", "", false},
		{"mailto:dmarc@?x", "", false},
		{"mailto:a@ex%zzample.com", "", false},
		{"urn:isbn:0451450523", "", false}, // no host
		{"http://[::1", "", false},
	}
	for _, tt := range tests {
		got, err := dmarc.ReportDomain(dmarc.URI{Address: tt.uri})
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ReportDomain(%q) = %q, %v; want %q, ok %v", tt.uri, got, err, tt.want, tt.ok)
		}
		if err != nil && !strings.Contains(err.Error(), tt.uri) {
			t.Errorf("ReportDomain(%q): error %v does not name the URI", tt.uri, err)
		}
	}
}

// An authorization name over 253 octets cannot be queried (RFC 1035
// section 2.3.4); 253 itself can.
func TestAuthorizeExternalNameLength(t *testing.T) {
	fake := domainauth.MustFakeResolver("")
	dest := "reports.example"
	// policy domain + "._report._dmarc." + dest
	fixed := len("._report._dmarc.") + len(dest)
	mk := func(n int) string { // a domain of n octets in labels of at most 63
		var labels []string
		for n > 0 {
			l := min(n, 63)
			if n-l == 1 { // no empty label
				l--
			}
			labels = append(labels, strings.Repeat("a", l))
			n -= l + 1
		}
		return strings.Join(labels, ".") + ".com"
	}
	long := mk(253 - fixed - 4 + 1)
	if len(long)+fixed != 254 {
		t.Fatalf("test setup: %d octets", len(long)+fixed)
	}
	ok, err := dmarc.AuthorizeExternal(context.Background(), fake, long, dmarc.URI{Address: "mailto:a@" + dest})
	if ok || err == nil || !strings.Contains(err.Error(), "253") {
		t.Errorf("254-octet name: %v, %v; want an error about the length", ok, err)
	}
	exact := mk(253 - fixed - 4)
	ok, err = dmarc.AuthorizeExternal(context.Background(), fake, exact, dmarc.URI{Address: "mailto:a@" + dest})
	if ok || err != nil {
		t.Errorf("253-octet name: %v, %v; want false, nil (no record)", ok, err)
	}
}

// Evaluate without a policy: the From domain of the input, normalized;
// several records named in the reason.
func TestEvaluateNoPolicy(t *testing.T) {
	res := new(dmarc.Checker).Evaluate(nil, dmarc.Input{FromDomain: "News.Example.COM."})
	if res.Status != dmarc.StatusNone || res.FromDomain != "news.example.com" {
		t.Errorf("nil lookup: %s for %q", res.Status, res.FromDomain)
	}
	fake := domainauth.MustFakeResolver(`
_dmarc.example.com. 300 TXT "v=DMARC1; p=reject"
_dmarc.example.com. 300 TXT "v=DMARC1; p=none"
`)
	lr, err := (&dmarc.Checker{Resolver: fake, Mode: dmarc.RFC7489}).Lookup(context.Background(), "example.com")
	if err != nil {
		t.Fatal(err)
	}
	res = new(dmarc.Checker).Evaluate(lr, dmarc.Input{FromDomain: "example.com"})
	if res.Status != dmarc.StatusNone || res.PolicyDomain != "example.com" || !strings.Contains(res.Reason, "2 DMARC records") {
		t.Errorf("several records: %s at %q, reason %q", res.Status, res.PolicyDomain, res.Reason)
	}
}

// Size limits in every unit (RFC 7489 section 6.4: k, m, g, t are powers
// of two), and scheme characters (RFC 3986 section 3.1).
func TestParseURIUnitsAndScheme(t *testing.T) {
	for in, size := range map[string]uint64{"mailto:a@x.example!3k": 3 << 10, "mailto:a@x.example!3m": 3 << 20,
		"mailto:a@x.example!3g": 3 << 30, "mailto:a@x.example!3t": 3 << 40, "mailto:a@x.example!3": 3} {
		u, err := dmarc.ParseURI(in)
		if err != nil || u.MaxSize != size || u.String() != in {
			t.Errorf("ParseURI(%q) = %+v (%q), %v; want size %d", in, u, u.String(), err, size)
		}
	}
	for in, ok := range map[string]bool{"a+b.c-d1:x": true, "a*b:x": false, "a/b:x": false, "ab%:x": false} {
		if _, err := dmarc.ParseURI(in); (err == nil) != ok {
			t.Errorf("ParseURI(%q): %v, want ok %v", in, err, ok)
		}
	}
}

// A From domain of one label is refused with a reason saying so.
func TestFromDomainSingleLabelReason(t *testing.T) {
	_, err := dmarc.FromDomain([]string{"root@localhost"})
	if !errors.Is(err, dmarc.ErrBadFrom) || !strings.Contains(err.Error(), "single label") {
		t.Errorf("error %v; want ErrBadFrom saying a single label is not a mail domain", err)
	}
}

// pct sampling draws from [0, 100) (RFC 7489 section 6.6.4: a message is
// in the sample with probability pct/100).
func TestSamplingDrawRange(t *testing.T) {
	lr := &dmarc.LookupResult{Mode: dmarc.RFC7489, Domain: "example.com", PolicyDomain: "example.com",
		Record: mustParse(dmarc.RFC7489, "v=DMARC1; p=reject; pct=50")}
	var r drawRecorder
	res := (&dmarc.Checker{Rand: &r}).Evaluate(lr, dmarc.Input{FromDomain: "example.com"})
	if len(r) != 1 || r[0] != 100 {
		t.Errorf("draws %v, want one IntN(100)", r)
	}
	if res.Status != dmarc.StatusFail || res.Sampled {
		t.Errorf("%s sampled %v, want fail outside the sample (draw 99 >= 50)", res.Status, res.Sampled)
	}
}

// drawRecorder records the n of each IntN and draws n-1.
type drawRecorder []int

func (d *drawRecorder) IntN(n int) int { *d = append(*d, n); return n - 1 }

// The zero FailureOptions is the default fo=0 (RFC 7489 section 6.3).
func TestFailureOptionsZero(t *testing.T) {
	var fo dmarc.FailureOptions
	if !fo.Has(dmarc.FailureAll) || fo.Has(dmarc.FailureAny) || fo.String() != "0" {
		t.Errorf("zero: Has(0) %v, Has(1) %v, %q", fo.Has(dmarc.FailureAll), fo.Has(dmarc.FailureAny), fo.String())
	}
}

// rf (RFC 7489 section 6.3): a colon list of Ldh-str keywords naming afrf,
// read in any case and printed lower case; anything else is discarded.
func TestParseRF(t *testing.T) {
	for in, want := range map[string]string{"AFRF:x-y": "afrf:x-y", "afrf : Other": "afrf:other", "afrf:a_b": "afrf", "iodef": "afrf", "afrf:x-": "afrf"} {
		r := mustParse(dmarc.RFC7489, "v=DMARC1; p=none; rf="+in)
		if r.ReportFormat != want {
			t.Errorf("rf=%s: %q, want %q", in, r.ReportFormat, want)
		}
	}
}

// Error messages quote at most 100 bytes of a hostile From field.
func TestFromDomainErrorClipped(t *testing.T) {
	v := strings.Repeat("x", 100)
	_, err := dmarc.FromDomain([]string{v})
	if err == nil || !strings.Contains(err.Error(), v) || strings.Contains(err.Error(), "...") {
		t.Errorf("100 bytes: %v; want them quoted whole", err)
	}
	_, err = dmarc.FromDomain([]string{v + "y"})
	if err == nil || !strings.Contains(err.Error(), v+"...") {
		t.Errorf("101 bytes: %v; want the first 100 and ...", err)
	}
}

// Unfolding keeps every byte but the folding line breaks, the first one
// included.
func TestFromDomainFoldedKeepsFirstByte(t *testing.T) {
	got, err := dmarc.FromDomain([]string{"<a@Example.com>\r\n\t(folded)"})
	if err != nil || got != "example.com" {
		t.Errorf("FromDomain = %q, %v; want example.com", got, err)
	}
}
