package spf_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/domainauth/domainauth"
	"github.com/domainauth/domainauth/spf"
)

// zone prefixes the common origin to the zone text of a test.
func zone(t *testing.T, text string) *domainauth.FakeResolver {
	t.Helper()
	f, err := domainauth.NewFakeResolver("$ORIGIN example.com.\n$TTL 300\n" + text)
	if err != nil {
		t.Fatalf("zone: %v\n%s", err, text)
	}
	return f
}

// many returns n zone lines made by format with the numbers 1..n.
func many(n int, format string) string {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, format+"\n", i, i)
	}
	return b.String()
}

// terms returns n terms made by format with the numbers 1..n.
func terms(n int, format string) string {
	var s []string
	for i := 1; i <= n; i++ {
		s = append(s, fmt.Sprintf(format, i))
	}
	return strings.Join(s, " ")
}

func TestCheckHost(t *testing.T) {
	const (
		v4 = "192.0.2.10"
		v6 = "2001:db8::10"
	)
	tests := []struct {
		name    string
		zone    string
		ip      string // default v4
		want    spf.Result
		err     error  // errors.Is target for TempError/PermError
		term    string // the matched term, if any
		lookups int
		voids   int
		expl    string
	}{
		// Record selection, RFC 7208 sections 4.4 and 4.5.
		{name: "no record", zone: `@ TXT "google-site-verification=x"`, want: spf.None},
		{name: "no domain", zone: `other TXT "v=spf1 -all"`, want: spf.None},
		{name: "empty record is neutral", zone: `@ TXT "v=spf1"`, want: spf.Neutral},
		{name: "version needs a space", zone: `@ TXT "v=spf10 -all"`, want: spf.None},
		{name: "two records", zone: "@ TXT \"v=spf1 -all\"\n@ TXT \"v=spf1 +all\"", want: spf.PermError, err: spf.ErrMultipleRecords},
		{name: "syntax error", zone: `@ TXT "v=spf1 ip4:192.0.2.300 +all"`, want: spf.PermError, err: spf.ErrBadIP},
		{name: "syntax error after a match", zone: `@ TXT "v=spf1 +all foo"`, want: spf.PermError, err: spf.ErrSyntax},
		{name: "split strings are joined", zone: `@ TXT "v=spf1 ip4:" "192.0.2.0/24 -all"`, want: spf.Pass, term: "ip4:192.0.2.0/24"},
		{name: "type 99 is ignored", zone: `@ SPF "v=spf1 +all"`, want: spf.None},

		// all, ip4, ip6 (sections 5.1, 5.6).
		{name: "-all", zone: `@ TXT "v=spf1 -all"`, want: spf.Fail, term: "-all"},
		{name: "default neutral", zone: `@ TXT "v=spf1 ip4:198.51.100.1"`, want: spf.Neutral},
		{name: "ip4 match", zone: `@ TXT "v=spf1 ip4:192.0.2.0/24 -all"`, want: spf.Pass, term: "ip4:192.0.2.0/24"},
		{name: "ip4 miss", zone: `@ TXT "v=spf1 ip4:192.0.2.11 ~all"`, want: spf.SoftFail, term: "~all"},
		{name: "ip4 /0", zone: `@ TXT "v=spf1 ?ip4:0.0.0.0/0 -all"`, want: spf.Neutral, term: "?ip4:0.0.0.0/0"},
		{name: "ip6 match", zone: `@ TXT "v=spf1 ip6:2001:db8::/32 -all"`, ip: v6, want: spf.Pass},
		{name: "ip6 does not match v4", zone: `@ TXT "v=spf1 ip6:::ffff:192.0.2.10 -all"`, want: spf.Fail},
		{name: "ip4 does not match v6", zone: `@ TXT "v=spf1 ip4:0.0.0.0/0 -all"`, ip: v6, want: spf.Fail},
		{name: "mapped client is v4", zone: `@ TXT "v=spf1 ip4:192.0.2.10 -all"`, ip: "::ffff:192.0.2.10", want: spf.Pass},

		// a (section 5.3).
		{name: "a", zone: "@ TXT \"v=spf1 a -all\"\n@ A 192.0.2.10", want: spf.Pass, term: "a", lookups: 1},
		{name: "a other name", zone: "@ TXT \"v=spf1 a:mail.example.com -all\"\nmail A 192.0.2.10", want: spf.Pass, lookups: 1},
		{name: "a cidr", zone: "@ TXT \"v=spf1 a:mail.example.com/24 -all\"\nmail A 192.0.2.200", want: spf.Pass},
		{name: "a cidr miss", zone: "@ TXT \"v=spf1 a:mail.example.com/25 -all\"\nmail A 192.0.2.200", want: spf.Fail},
		{name: "a v6 uses AAAA", zone: "@ TXT \"v=spf1 a -all\"\n@ A 192.0.2.10\n@ AAAA 2001:db8::10", ip: v6, want: spf.Pass},
		{name: "a dual cidr", zone: "@ TXT \"v=spf1 a/32//64 -all\"\n@ AAAA 2001:db8::1", ip: v6, want: spf.Pass},
		{name: "a void", zone: `@ TXT "v=spf1 a -all"`, want: spf.Fail, lookups: 1, voids: 1},
		{name: "a via cname", zone: "@ TXT \"v=spf1 a:alias.example.com -all\"\nalias CNAME mail\nmail A 192.0.2.10", want: spf.Pass},
		{name: "a temperror", zone: "@ TXT \"v=spf1 a:broken.example.com -all\"\nbroken A 192.0.2.10", want: spf.TempError, err: spf.ErrDNS},

		// mx (section 5.4).
		{name: "mx", zone: "@ TXT \"v=spf1 mx -all\"\n@ MX 10 mail\nmail A 192.0.2.10", want: spf.Pass, term: "mx", lookups: 1},
		{name: "mx second host", zone: "@ TXT \"v=spf1 mx -all\"\n@ MX 10 gone\n@ MX 20 mail\nmail A 192.0.2.10", want: spf.Pass},
		{name: "mx cidr", zone: "@ TXT \"v=spf1 mx/24 -all\"\n@ MX 10 mail\nmail A 192.0.2.1", want: spf.Pass},
		{name: "mx void", zone: `@ TXT "v=spf1 mx -all"`, want: spf.Fail, voids: 1},
		{name: "mx null", zone: "@ TXT \"v=spf1 mx -all\"\n@ MX 0 .", want: spf.Fail},
		{name: "mx 10 names", zone: "@ TXT \"v=spf1 mx -all\"\n" + many(10, "@ MX %d mx%d") + "mx10 A 192.0.2.10", want: spf.Pass},
		{name: "mx 11 names", zone: "@ TXT \"v=spf1 mx -all\"\n" + many(11, "@ MX %d mx%d") + "mx1 A 192.0.2.10", want: spf.PermError, err: spf.ErrMXLimit},

		// ptr (section 5.5).
		{name: "ptr", zone: "@ TXT \"v=spf1 ptr -all\"\n$ORIGIN 2.0.192.in-addr.arpa.\n10 PTR mail.example.com.\n$ORIGIN example.com.\nmail A 192.0.2.10", want: spf.Pass, lookups: 1},
		{name: "ptr not validated", zone: "@ TXT \"v=spf1 ptr -all\"\n$ORIGIN 2.0.192.in-addr.arpa.\n10 PTR mail.example.com.\n$ORIGIN example.com.\nmail A 192.0.2.99", want: spf.Fail},
		{name: "ptr other domain", zone: "@ TXT \"v=spf1 ptr -all\"\n$ORIGIN 2.0.192.in-addr.arpa.\n10 PTR mail.example.org.\n$ORIGIN example.org.\nmail A 192.0.2.10", want: spf.Fail},
		{name: "ptr with target", zone: "@ TXT \"v=spf1 ptr:example.org -all\"\n$ORIGIN 2.0.192.in-addr.arpa.\n10 PTR mail.example.org.\n$ORIGIN example.org.\nmail A 192.0.2.10", want: spf.Pass},
		{name: "ptr no PTR is void", zone: `@ TXT "v=spf1 ptr -all"`, want: spf.Fail, voids: 1},
		{name: "ptr after 10 names", zone: "@ TXT \"v=spf1 ptr -all\"\n$ORIGIN 2.0.192.in-addr.arpa.\n" + many(11, "10 PTR h%d.example.com. ; %d") + "$ORIGIN example.com.\nh11 A 192.0.2.10", want: spf.Fail},
		{name: "ptr 10th name", zone: "@ TXT \"v=spf1 ptr -all\"\n$ORIGIN 2.0.192.in-addr.arpa.\n" + many(10, "10 PTR h%d.example.com. ; %d") + "$ORIGIN example.com.\nh10 A 192.0.2.10", want: spf.Pass},

		// exists (section 5.7).
		{name: "exists", zone: "@ TXT \"v=spf1 exists:%{ir}.bl.example.com -all\"\n10.2.0.192.bl A 127.0.0.2", want: spf.Pass},
		{name: "exists miss is void", zone: `@ TXT "v=spf1 exists:%{ir}.bl.example.com -all"`, want: spf.Fail, voids: 1},
		{name: "exists asks A for v6", zone: "@ TXT \"v=spf1 exists:%{v}.example.com -all\"\nip6 A 127.0.0.2", ip: v6, want: spf.Pass},

		// include (section 5.2).
		{name: "include pass", zone: "@ TXT \"v=spf1 include:_spf.example.com -all\"\n_spf TXT \"v=spf1 ip4:192.0.2.0/24 -all\"", want: spf.Pass, term: "include:_spf.example.com", lookups: 1},
		{name: "include fail is no match", zone: "@ TXT \"v=spf1 include:_spf.example.com ~all\"\n_spf TXT \"v=spf1 -all\"", want: spf.SoftFail, term: "~all"},
		{name: "include neutral is no match", zone: "@ TXT \"v=spf1 include:_spf.example.com -all\"\n_spf TXT \"v=spf1 ?all\"", want: spf.Fail},
		{name: "include none", zone: `@ TXT "v=spf1 include:_spf.example.com -all"`, want: spf.PermError, err: spf.ErrIncludeNone},
		{name: "include permerror", zone: "@ TXT \"v=spf1 include:_spf.example.com -all\"\n_spf TXT \"v=spf1 bogus\"", want: spf.PermError, err: spf.ErrUnknownMechanism},
		{name: "include temperror", zone: "@ TXT \"v=spf1 include:broken.example.com -all\"", want: spf.TempError, err: spf.ErrDNS},
		{name: "include loop", zone: `@ TXT "v=spf1 include:example.com -all"`, want: spf.PermError, err: spf.ErrLookupLimit, lookups: 11},

		// redirect (section 6.1).
		{name: "redirect", zone: "@ TXT \"v=spf1 redirect=_spf.example.com\"\n_spf TXT \"v=spf1 ip4:192.0.2.10 -all\"", want: spf.Pass, lookups: 1},
		{name: "redirect fail", zone: "@ TXT \"v=spf1 redirect=_spf.example.com\"\n_spf TXT \"v=spf1 -all\"", want: spf.Fail, term: "-all"},
		{name: "redirect after match", zone: "@ TXT \"v=spf1 ip4:192.0.2.10 redirect=_spf.example.com\"", want: spf.Pass, lookups: 0},
		{name: "redirect with all is ignored", zone: "@ TXT \"v=spf1 ?all redirect=_spf.example.com\"\n_spf TXT \"v=spf1 -all\"", want: spf.Neutral},
		{name: "redirect none", zone: `@ TXT "v=spf1 redirect=_spf.example.com"`, want: spf.PermError, err: spf.ErrRedirectNone},
		{name: "redirect macro", zone: "@ TXT \"v=spf1 redirect=_%{l}.%{d}\"\n_alice TXT \"v=spf1 +all\"", want: spf.Pass},

		// Limits (section 4.6.4).
		{name: "10 lookups", zone: "@ TXT \"v=spf1 " + terms(10, "a:n%d.example.com") + " ip4:192.0.2.10 -all\"\n" + many(10, "n%d A 198.51.100.%d"), want: spf.Pass, lookups: 10},
		{name: "11 lookups", zone: "@ TXT \"v=spf1 " + terms(11, "a:n%d.example.com") + " ip4:192.0.2.10 -all\"\n" + many(11, "n%d A 198.51.100.%d"), want: spf.PermError, err: spf.ErrLookupLimit, lookups: 11},
		{name: "11th not reached", zone: "@ TXT \"v=spf1 ip4:192.0.2.10 " + terms(11, "a:n%d.example.com") + " -all\"", want: spf.Pass},
		{name: "lookups across includes", zone: "@ TXT \"v=spf1 include:i.example.com " + terms(5, "a:n%d.example.com") + " -all\"\ni TXT \"v=spf1 " + terms(5, "mx:n%d.example.com") + " ?all\"\n" + many(5, "n%d MX %d mail") + many(5, "n%d A 198.51.100.%d"), want: spf.PermError, err: spf.ErrLookupLimit},
		{name: "2 void lookups", zone: `@ TXT "v=spf1 a:v1.example.com a:v2.example.com ip4:192.0.2.10 -all"`, want: spf.Pass, lookups: 2, voids: 2},
		{name: "3 void lookups", zone: `@ TXT "v=spf1 a:v1.example.com mx:v2.example.com exists:v3.example.com ip4:192.0.2.10 -all"`, want: spf.PermError, err: spf.ErrVoidLookupLimit, voids: 3},

		// Explanations (section 6.2).
		{name: "exp", zone: "@ TXT \"v=spf1 -all exp=why.example.com\"\nwhy TXT \"%{i} is not one of %{d}'s designated mail servers.\"", want: spf.Fail, expl: "192.0.2.10 is not one of example.com's designated mail servers."},
		{name: "exp macros c r t-free", zone: "@ TXT \"v=spf1 -all exp=why.example.com\"\nwhy TXT \"%{c} via %{r}: %{L}%%%_%-\"", ip: v6, want: spf.Fail, expl: "2001:db8::10 via mx.example.net: alice% %20"},
		{name: "exp only for fail", zone: "@ TXT \"v=spf1 ~all exp=why.example.com\"\nwhy TXT \"no\"", want: spf.SoftFail},
		{name: "exp bad macro ignored", zone: "@ TXT \"v=spf1 -all exp=why.example.com\"\nwhy TXT \"%{x}\"", want: spf.Fail},
		{name: "exp two records ignored", zone: "@ TXT \"v=spf1 -all exp=why.example.com\"\nwhy TXT \"a\"\nwhy TXT \"b\"", want: spf.Fail},
		{name: "exp missing ignored", zone: `@ TXT "v=spf1 -all exp=why.example.com"`, want: spf.Fail},
		{name: "exp of include not used", zone: "@ TXT \"v=spf1 include:i.example.com -all\"\ni TXT \"v=spf1 -all exp=why.example.com\"\nwhy TXT \"inner\"", want: spf.Fail},
		{name: "exp of redirect target", zone: "@ TXT \"v=spf1 redirect=i.example.com exp=outer.example.com\"\ni TXT \"v=spf1 -all exp=why.example.com\"\nwhy TXT \"inner %{d}\"\nouter TXT \"outer\"", want: spf.Fail, expl: "inner i.example.com"},
		{name: "exp does not count", zone: "@ TXT \"v=spf1 " + terms(10, "a:n%d.example.com") + " -all exp=why.example.com\"\nwhy TXT \"x\"\n" + many(10, "n%d A 198.51.100.%d"), want: spf.Fail, lookups: 10, expl: "x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := zone(t, tt.zone)
			f.Fail("broken.example.com", 0, domainauth.FailServFail)
			ip := netip.MustParseAddr(v4)
			if tt.ip != "" {
				ip = netip.MustParseAddr(tt.ip)
			}
			c := spf.Checker{Resolver: f, HELO: "mx.example.org", Receiver: "mx.example.net"}
			o := c.CheckHost(context.Background(), ip, "example.com", "alice@example.com")
			if o.Result != tt.want {
				t.Fatalf("result %v (%v), want %v", o.Result, o.Err, tt.want)
			}
			switch {
			case tt.err != nil && !errors.Is(o.Err, tt.err):
				t.Errorf("err %v, want %v", o.Err, tt.err)
			case tt.err == nil && o.Err != nil:
				t.Errorf("unexpected err %v", o.Err)
			case (o.Result == spf.TempError || o.Result == spf.PermError) && o.Err == nil:
				t.Errorf("%v without Err", o.Result)
			}
			if tt.term != "" && (o.Term == nil || o.Term.String() != tt.term) {
				t.Errorf("term %v, want %s", o.Term, tt.term)
			}
			if tt.lookups != 0 && o.Lookups != tt.lookups {
				t.Errorf("lookups %d, want %d", o.Lookups, tt.lookups)
			}
			if o.VoidLookups != tt.voids {
				t.Errorf("void lookups %d, want %d", o.VoidLookups, tt.voids)
			}
			if o.Explanation != tt.expl {
				t.Errorf("explanation %q, want %q", o.Explanation, tt.expl)
			}
		})
	}
}

func TestCheckHostDNSErrorIsInspectable(t *testing.T) {
	f := zone(t, `@ TXT "v=spf1 -all"`)
	f.Fail("example.com", dns.TypeTXT, domainauth.FailTimeout)
	o := (&spf.Checker{Resolver: f}).CheckHost(context.Background(), netip.MustParseAddr("192.0.2.1"), "example.com", "a@example.com")
	var de *net.DNSError
	if o.Result != spf.TempError || !errors.Is(o.Err, spf.ErrDNS) || !errors.As(o.Err, &de) || !de.IsTimeout {
		t.Errorf("got %v %v, want temperror wrapping a timeout *net.DNSError", o.Result, o.Err)
	}
}

func TestCheckHostInitialProcessing(t *testing.T) {
	f := zone(t, "@ TXT \"v=spf1 -all\"\nmail A 192.0.2.1")
	c := spf.Checker{Resolver: f}
	for _, d := range []string{
		"",
		"localhost",                       // not multi-label (RFC 7208 section 4.3)
		"a..example.com",                  // empty label
		strings.Repeat("a", 64) + ".com",  // label over 63
		strings.Repeat("a.", 127) + "com", // over 253
		"[192.0.2.1]",                     // address literal
	} {
		o := c.CheckHost(context.Background(), netip.MustParseAddr("192.0.2.1"), d, "x@"+d)
		if o.Result != spf.None || o.Lookups != 0 || f.LookupCount() != 0 {
			t.Errorf("%q: %v after %d queries, want none without queries", d, o.Result, f.LookupCount())
		}
	}
	if o := c.CheckHost(context.Background(), netip.MustParseAddr("192.0.2.1"), "EXAMPLE.COM.", "x@example.com"); o.Result != spf.Fail {
		t.Errorf("upper case with trailing dot: %v, want fail", o.Result)
	}
}

func TestCheckHELOAndMailFrom(t *testing.T) {
	f := zone(t, "mail TXT \"v=spf1 a -all\"\nmail A 192.0.2.1\n@ TXT \"v=spf1 -all exp=e.example.com\"\ne TXT \"%{s} %{l} %{o} %{h}\"")
	c := spf.Checker{Resolver: f, HELO: "mail.example.com"}
	ip := netip.MustParseAddr("192.0.2.1")
	if o := c.CheckHELO(context.Background(), ip); o.Result != spf.Pass {
		t.Errorf("CheckHELO: %v %v", o.Result, o.Err)
	}
	if o := c.CheckMailFrom(context.Background(), ip, ""); o.Result != spf.Pass {
		t.Errorf("CheckMailFrom(null): %v %v", o.Result, o.Err)
	}
	o := c.CheckMailFrom(context.Background(), ip, "@example.com")
	if want := "postmaster@example.com postmaster example.com mail.example.com"; o.Result != spf.Fail || o.Explanation != want {
		t.Errorf("CheckMailFrom(no local-part): %v %q, want fail %q", o.Result, o.Explanation, want)
	}
}

func TestCheckHostDeadline(t *testing.T) {
	f := zone(t, "@ TXT \"v=spf1 include:slow.example.com -all\"\nslow TXT \"v=spf1 -all\"")
	f.Fail("slow.example.com", 0, domainauth.FailHang)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	o := (&spf.Checker{Resolver: f}).CheckHost(ctx, netip.MustParseAddr("192.0.2.1"), "example.com", "a@example.com")
	if o.Result != spf.TempError || !errors.Is(o.Err, context.DeadlineExceeded) {
		t.Errorf("got %v %v, want temperror with the deadline", o.Result, o.Err)
	}
}

func TestCheckHostCancelledBeforeStart(t *testing.T) {
	f := zone(t, `@ TXT "v=spf1 -all"`)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	o := (&spf.Checker{Resolver: f}).CheckHost(ctx, netip.MustParseAddr("192.0.2.1"), "example.com", "a@example.com")
	if o.Result != spf.TempError || !errors.Is(o.Err, context.Canceled) {
		t.Errorf("got %v %v, want temperror", o.Result, o.Err)
	}
}

func TestCheckerLimitsConfigurable(t *testing.T) {
	f := zone(t, "@ TXT \"v=spf1 a:v1.example.com a:v2.example.com -all\"")
	c := spf.Checker{Resolver: f, MaxVoidLookups: 1}
	o := c.CheckHost(context.Background(), netip.MustParseAddr("192.0.2.1"), "example.com", "a@example.com")
	if o.Result != spf.PermError || !errors.Is(o.Err, spf.ErrVoidLookupLimit) {
		t.Errorf("MaxVoidLookups 1: %v %v", o.Result, o.Err)
	}
	c = spf.Checker{Resolver: f, MaxLookups: 1}
	o = c.CheckHost(context.Background(), netip.MustParseAddr("192.0.2.1"), "example.com", "a@example.com")
	if o.Result != spf.PermError || !errors.Is(o.Err, spf.ErrLookupLimit) {
		t.Errorf("MaxLookups 1: %v %v", o.Result, o.Err)
	}
}

func TestCheckHostTrace(t *testing.T) {
	f := zone(t, "@ TXT \"v=spf1 include:i.example.com -all\"\ni TXT \"v=spf1 ip4:192.0.2.1\"")
	var lines []string
	c := spf.Checker{Resolver: f, Trace: func(s string) { lines = append(lines, s) }}
	c.CheckHost(context.Background(), netip.MustParseAddr("192.0.2.1"), "example.com", "a@example.com")
	if len(lines) < 3 {
		t.Errorf("trace: %q", lines)
	}
}
