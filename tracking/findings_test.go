package tracking_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/domainauth/domainauth"
	"github.com/domainauth/domainauth/finding"
	"github.com/domainauth/domainauth/tracking"
)

func findingOf(r *tracking.Report, code finding.Code) *finding.Finding {
	for i := range r.Findings {
		if r.Findings[i].Code == code {
			return &r.Findings[i]
		}
	}
	return nil
}

// The not-covered finding names what the certificate does cover, so the
// customer sees which certificate the server sends.
func TestNotCoveredText(t *testing.T) {
	ca := newCA(t, "Test Root CA")
	wrong := ca.valid(t, "www.example.com", "example.com")
	w := newWorld(t, map[string]*site{"link.example.com": {cert: &wrong}})
	c, _ := w.checker(t, ca, baseZone)
	r, err := c.Check(context.Background(), "link.example.com", "e.provider.test")
	if err != nil {
		t.Fatal(err)
	}
	f := findingOf(r, "https-not-covered")
	const want = "The certificate served for link.example.com does not cover it: it names www.example.com, example.com."
	if f == nil || f.Message != want {
		t.Errorf("finding = %+v, want message %q", f, want)
	}
}

// A proxied host's finding lists the addresses found, three at most.
func TestProxiedAddressList(t *testing.T) {
	for _, tc := range []struct {
		addrs []string
		want  string
	}{
		{[]string{"192.0.2.1", "192.0.2.2"}, "(192.0.2.1, 192.0.2.2)"},
		{[]string{"192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4", "192.0.2.5"}, "(192.0.2.1, 192.0.2.2, 192.0.2.3 and 2 more)"},
	} {
		zone := ""
		for _, a := range tc.addrs {
			zone += "link.example.com. A " + a + "\n"
		}
		c := &tracking.Checker{Resolver: domainauth.MustFakeResolver(zone), Guard: denyAll}
		r, err := c.Check(context.Background(), "link.example.com", "e.provider.test")
		if err != nil {
			t.Fatal(err)
		}
		f := findingOf(r, "cname-proxied")
		if f == nil || !strings.Contains(f.Message, " answers with addresses "+tc.want+" instead of a CNAME") {
			t.Errorf("finding = %+v, want the addresses %s", f, tc.want)
		}
	}
}

// The zero Checker's clock is the real one: a certificate valid around
// the real now is judged by it.
func TestCheckDefaultClock(t *testing.T) {
	ca := newCA(t, "Test Root CA")
	now := time.Now()
	cert := ca.leaf(t, now.Add(-time.Hour), now.Add(36*time.Hour), "link.example.com")
	w := newWorld(t, map[string]*site{"link.example.com": {cert: &cert}})
	c, _ := w.checker(t, ca, baseZone)
	c.Now = nil
	r, err := c.Check(context.Background(), "link.example.com", "e.provider.test")
	if err != nil {
		t.Fatal(err)
	}
	if r.HTTPS.Status != tracking.StatusGreen || r.HTTPS.DaysLeft != 1 {
		t.Errorf("HTTPS = %v, %d days left: %s", r.HTTPS.Status, r.HTTPS.DaysLeft, r.HTTPS.Reason)
	}
	if f := findingOf(r, "https-expiring"); f == nil || !strings.Contains(f.Message, "hours") {
		t.Errorf("expiring finding = %+v", f)
	}
}

// Every severity has a JSON name, the lowest included; values outside the
// range have none.
func TestSeverityText(t *testing.T) {
	for _, s := range []finding.Severity{finding.Info, finding.Warning, finding.Error} {
		b, err := s.MarshalText()
		if err != nil || string(b) != s.String() {
			t.Errorf("%v: MarshalText = %q, %v", s, b, err)
		}
	}
	for _, s := range []finding.Severity{0, finding.Error + 1} {
		if _, err := s.MarshalText(); err == nil {
			t.Errorf("Severity(%d): MarshalText accepted", int(s))
		}
	}
}

// Under a preloaded TLD no http:// request is made, so an internal address
// is reported from the HTTPS check alone.
func TestForbiddenUnderPreloadedTLD(t *testing.T) {
	c := &tracking.Checker{Resolver: domainauth.MustFakeResolver("link.example.dev. A 10.0.0.1")}
	r, err := c.Check(context.Background(), "link.example.dev", "e.provider.test")
	if err != nil {
		t.Fatal(err)
	}
	if findingOf(r, "address-forbidden") == nil {
		t.Errorf("findings = %q, want address-forbidden", codes(r))
	}
}

// A 300 (Multiple Choices) is a redirect that is not followed: its
// Location is reported.
func TestHTTP300Location(t *testing.T) {
	ca := newCA(t, "Test Root CA")
	good := ca.valid(t, "link.example.com")
	w := newWorld(t, map[string]*site{"link.example.com": {cert: &good, httpCode: 300, location: "http://other.example.net/"}})
	c, _ := w.checker(t, ca, baseZone)
	r, err := c.Check(context.Background(), "link.example.com", "e.provider.test")
	if err != nil {
		t.Fatal(err)
	}
	if r.HTTP.StatusCode != 300 || r.HTTP.Location != "http://other.example.net/" {
		t.Errorf("HTTP = %d %q", r.HTTP.StatusCode, r.HTTP.Location)
	}
}

// The host's own HSTS and a parent's read differently: the host's is about
// the host; a parent's names the parent and its includeSubDomains.
func TestHSTSFindingText(t *testing.T) {
	ca := newCA(t, "Test Root CA")
	host := ca.valid(t, "link.example.com")
	parent := ca.valid(t, "example.com")
	for _, tc := range []struct {
		sites map[string]*site
		want  string
	}{
		{map[string]*site{"link.example.com": {cert: &host, hsts: "max-age=600"}},
			"link.example.com sends Strict-Transport-Security (max-age=600) over HTTPS: browsers that saw it turn http:// links to it into https://."},
		{map[string]*site{"link.example.com": {cert: &host}, "example.com": {cert: &parent, hsts: "max-age=600; includeSubDomains"}},
			"example.com sends Strict-Transport-Security with includeSubDomains (max-age=600; includeSubDomains): browsers that visited example.com refuse http:// links on link.example.com."},
	} {
		w := newWorld(t, tc.sites)
		c, _ := w.checker(t, ca, baseZone)
		r, err := c.Check(context.Background(), "link.example.com", "e.provider.test")
		if err != nil {
			t.Fatal(err)
		}
		if f := findingOf(r, "hsts-on-domain"); f == nil || f.Message != tc.want {
			t.Errorf("finding = %+v, want message %q", f, tc.want)
		}
	}
}

// A CNAME chain of 16 steps, the most followed, is seen to its end.
func TestCNAMEChainOf16(t *testing.T) {
	zone := ""
	prev := "link.example.com."
	for i := 1; i < 16; i++ {
		next := fmt.Sprintf("c%d.provider.test.", i)
		zone += prev + " CNAME " + next + "\n"
		prev = next
	}
	zone += prev + " CNAME e.provider.test.\ne.provider.test. A 192.0.2.1\n"
	c := &tracking.Checker{Resolver: domainauth.MustFakeResolver(zone), Guard: denyAll}
	r, err := c.Check(context.Background(), "link.example.com", "e.provider.test")
	if err != nil {
		t.Fatal(err)
	}
	if len(r.CNAME.Chain) != 16 || r.CNAME.Chain[15] != "e.provider.test" {
		t.Errorf("chain = %q (%d steps), want 16 ending at e.provider.test", r.CNAME.Chain, len(r.CNAME.Chain))
	}
}
