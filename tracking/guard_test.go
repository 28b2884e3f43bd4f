package tracking_test

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/tracking"
)

func TestPublicOnly(t *testing.T) {
	denied := []string{
		"0.0.0.0", "0.1.2.3", "::", // unspecified, this network
		"127.0.0.1", "127.255.0.9", "::1", // loopback
		"10.0.0.1", "172.16.0.1", "172.31.255.255", "192.168.0.1", "fc00::1", "fd12:3456::1", // private
		"169.254.169.254", "fe80::1", // link-local (cloud metadata)
		"100.64.0.1", "100.127.255.254", // CGNAT, RFC 6598
		"224.0.0.1", "239.255.255.250", "ff02::1", "ff05::2", // multicast
		"255.255.255.255",                     // broadcast
		"::ffff:10.0.0.1", "::ffff:127.0.0.1", // IPv4-mapped forms
		"192.0.2.1", // documentation (RFC 5737)
	}
	allowed := []string{"8.8.8.8", "1.1.1.1", "100.63.255.255", "100.128.0.1", "172.32.0.1", "2606:4700::1", "2001:4860:4860::8888"}
	for _, s := range denied {
		if err := tracking.PublicOnly(netip.MustParseAddr(s)); !errors.Is(err, tracking.ErrForbiddenAddress) {
			t.Errorf("PublicOnly(%s) = %v, want ErrForbiddenAddress", s, err)
		}
	}
	for _, s := range allowed {
		if err := tracking.PublicOnly(netip.MustParseAddr(s)); err != nil {
			t.Errorf("PublicOnly(%s) = %v, want nil", s, err)
		}
	}
	if err := tracking.PublicOnly(netip.Addr{}); err == nil {
		t.Error("PublicOnly(zero Addr) = nil")
	}
}

func TestAllowLoopback(t *testing.T) {
	for _, s := range []string{"127.0.0.1", "::1", "8.8.8.8"} {
		if err := tracking.AllowLoopback(netip.MustParseAddr(s)); err != nil {
			t.Errorf("AllowLoopback(%s) = %v", s, err)
		}
	}
	for _, s := range []string{"10.0.0.1", "192.168.1.1", "169.254.169.254", "0.0.0.0"} {
		if err := tracking.AllowLoopback(netip.MustParseAddr(s)); err == nil {
			t.Errorf("AllowLoopback(%s) = nil", s)
		}
	}
}

// registryRow is one row of the IANA IPv4 or IPv6 Special-Purpose Address
// Registry (https://www.iana.org/assignments/iana-ipv4-special-registry,
// https://www.iana.org/assignments/iana-ipv6-special-registry), transcribed
// here from the registries, not from the package, with an address inside
// the row that no more specific row holds. Rows that carry an IPv4 address
// have inside addresses that carry a forbidden one, and public ones that
// carry a public address.
type registryRow struct {
	prefix string
	inside string // refused, and the refusal names this row
	public string // optional: inside the row, carrying a public IPv4 address, allowed
}

var ipv4Registry = []registryRow{
	{prefix: "0.0.0.0/8", inside: "0.1.2.3"},
	{prefix: "0.0.0.0/32", inside: "0.0.0.0"},
	{prefix: "10.0.0.0/8", inside: "10.20.30.40"},
	{prefix: "100.64.0.0/10", inside: "100.100.100.200"}, // Alibaba Cloud metadata
	{prefix: "127.0.0.0/8", inside: "127.0.0.1"},
	{prefix: "169.254.0.0/16", inside: "169.254.169.254"}, // AWS, GCP, Azure, OCI metadata
	{prefix: "172.16.0.0/12", inside: "172.20.0.1"},
	{prefix: "192.0.0.0/24", inside: "192.0.0.100"},
	{prefix: "192.0.0.0/29", inside: "192.0.0.1"},
	{prefix: "192.0.0.8/32", inside: "192.0.0.8"},
	{prefix: "192.0.0.9/32", inside: "192.0.0.9"},
	{prefix: "192.0.0.10/32", inside: "192.0.0.10"},
	{prefix: "192.0.0.170/32", inside: "192.0.0.170"},
	{prefix: "192.0.0.171/32", inside: "192.0.0.171"},
	{prefix: "192.0.2.0/24", inside: "192.0.2.1"},
	{prefix: "192.31.196.0/24", inside: "192.31.196.1"},
	{prefix: "192.52.193.0/24", inside: "192.52.193.1"},
	{prefix: "192.88.99.0/24", inside: "192.88.99.1"},
	{prefix: "192.88.99.2/32", inside: "192.88.99.2"},
	{prefix: "192.168.0.0/16", inside: "192.168.1.1"},
	{prefix: "192.175.48.0/24", inside: "192.175.48.6"},
	{prefix: "198.18.0.0/15", inside: "198.19.0.1"},
	{prefix: "198.51.100.0/24", inside: "198.51.100.7"},
	{prefix: "203.0.113.0/24", inside: "203.0.113.9"},
	{prefix: "240.0.0.0/4", inside: "240.0.0.1"},
	{prefix: "255.255.255.255/32", inside: "255.255.255.255"},
	// Not special-purpose rows, refused as well: multicast (IANA IPv4
	// Multicast Address Space Registry) and the Azure platform address.
	{prefix: "224.0.0.0/4", inside: "239.255.255.250"},
	{prefix: "168.63.129.16/32", inside: "168.63.129.16"},
}

var ipv6Registry = []registryRow{
	{prefix: "::1/128", inside: "::1"},
	{prefix: "::/128", inside: "::"},
	{prefix: "::ffff:0:0/96", inside: "::ffff:7f00:1", public: "::ffff:8.8.8.8"},
	{prefix: "64:ff9b::/96", inside: "64:ff9b::a9fe:a9fe", public: "64:ff9b::808:808"},
	{prefix: "64:ff9b:1::/48", inside: "64:ff9b:1::808:808"}, // local use: refused whatever it carries
	{prefix: "100::/64", inside: "100::1"},
	{prefix: "100:0:0:1::/64", inside: "100:0:0:1::1"},
	{prefix: "2001::/23", inside: "2001:5::1"},
	// RFC 4380 section 4's example carries server 65.54.227.120 and client
	// 192.0.2.45 (obfuscated 3fff:fdd2); the public one carries client
	// 8.8.8.8 (f7f7:f7f7).
	{prefix: "2001::/32", inside: "2001:0:4136:e378:8000:63bf:3fff:fdd2", public: "2001:0:4136:e378:8000:63bf:f7f7:f7f7"},
	{prefix: "2001:1::1/128", inside: "2001:1::1"},
	{prefix: "2001:1::2/128", inside: "2001:1::2"},
	{prefix: "2001:1::3/128", inside: "2001:1::3"},
	{prefix: "2001:2::/48", inside: "2001:2::1"},
	{prefix: "2001:3::/32", inside: "2001:3::1"},
	{prefix: "2001:4:112::/48", inside: "2001:4:112::1"},
	{prefix: "2001:10::/28", inside: "2001:10::1"},
	{prefix: "2001:20::/28", inside: "2001:20::1"},
	{prefix: "2001:30::/28", inside: "2001:30::1"},
	{prefix: "2001:db8::/32", inside: "2001:db8::1"},
	{prefix: "2002::/16", inside: "2002:c0a8:101::1", public: "2002:808:808::1"}, // 192.168.1.1 / 8.8.8.8
	{prefix: "2620:4f:8000::/48", inside: "2620:4f:8000::6"},
	{prefix: "3fff::/20", inside: "3fff::1"},
	{prefix: "5f00::/16", inside: "5f00::1"},
	{prefix: "fc00::/7", inside: "fd00:ec2::254"}, // AWS IPv6 instance metadata
	{prefix: "fe80::/10", inside: "fe80::1"},
	// From the IANA IPv6 Address Space registry: deprecated and
	// non-unicast forms.
	{prefix: "::/96", inside: "::7f00:1"},
	{prefix: "::ffff:0:0:0/96", inside: "::ffff:0:7f00:1"},
	{prefix: "fec0::/10", inside: "fec0::1"},
	{prefix: "ff00::/8", inside: "ff02::1"},
}

// lastAddr is the highest address of p.
func lastAddr(p netip.Prefix) netip.Addr {
	b := p.Masked().Addr().AsSlice()
	for i := p.Bits(); i < len(b)*8; i++ {
		b[i/8] |= 0x80 >> (i % 8)
	}
	a, _ := netip.AddrFromSlice(b)
	return a
}

// TestPublicOnlyRegistry checks every row of both registries: an address
// inside is refused naming the row, the row's first and last addresses
// are refused, and the addresses just outside are not refused because of
// this row (they may be allowed, or refused by a neighbouring row).
func TestPublicOnlyRegistry(t *testing.T) {
	names := func(err error, prefix string) bool {
		return err != nil && strings.Contains(err.Error(), "("+prefix+",")
	}
	for _, rows := range [][]registryRow{ipv4Registry, ipv6Registry} {
		for _, r := range rows {
			p := netip.MustParsePrefix(r.prefix)
			in := netip.MustParseAddr(r.inside)
			if !p.Contains(in) {
				t.Fatalf("test table: %s not in %s", in, p)
			}
			if err := tracking.PublicOnly(in); !errors.Is(err, tracking.ErrForbiddenAddress) || !names(err, r.prefix) {
				t.Errorf("PublicOnly(%s) = %v, want a refusal naming %s", in, err, r.prefix)
			}
			for _, a := range []netip.Addr{p.Masked().Addr(), lastAddr(p)} {
				if err := tracking.PublicOnly(a); !errors.Is(err, tracking.ErrForbiddenAddress) {
					t.Errorf("PublicOnly(%s) = %v, want a refusal (edge of %s)", a, err, p)
				}
			}
			for _, a := range []netip.Addr{p.Masked().Addr().Prev(), lastAddr(p).Next()} {
				if !a.IsValid() {
					continue
				}
				if err := tracking.PublicOnly(a); names(err, r.prefix) {
					t.Errorf("PublicOnly(%s) = %v: refused as part of %s, which it is just outside", a, err, p)
				}
			}
			if r.public != "" {
				pub := netip.MustParseAddr(r.public)
				if !p.Contains(pub) {
					t.Fatalf("test table: %s not in %s", pub, p)
				}
				if err := tracking.PublicOnly(pub); err != nil {
					t.Errorf("PublicOnly(%s) = %v, want nil: it carries a public IPv4 address", pub, err)
				}
			}
		}
	}
}

// TestPublicOnlyEmbeddedIPv4 refuses internal IPv4 addresses in every IPv6
// form that carries one, and the cloud metadata addresses in each form.
func TestPublicOnlyEmbeddedIPv4(t *testing.T) {
	// The forms of one IPv4 address a.b.c.d (as 32 bits v).
	forms := func(v4 string) []string {
		a := netip.MustParseAddr(v4).As4()
		hi, lo := uint16(a[0])<<8|uint16(a[1]), uint16(a[2])<<8|uint16(a[3])
		return []string{
			v4,
			fmt.Sprintf("::ffff:%x:%x", hi, lo),                       // IPv4-mapped, RFC 4291 2.5.5.2
			fmt.Sprintf("::%x:%x", hi, lo),                            // IPv4-compatible, RFC 4291 2.5.5.1
			fmt.Sprintf("::ffff:0:%x:%x", hi, lo),                     // IPv4-translated, RFC 2765
			fmt.Sprintf("64:ff9b::%x:%x", hi, lo),                     // NAT64 well-known prefix, RFC 6052
			fmt.Sprintf("64:ff9b:1::%x:%x", hi, lo),                   // NAT64 local use, RFC 8215
			fmt.Sprintf("2002:%x:%x::1", hi, lo),                      // 6to4, RFC 3056
			fmt.Sprintf("2001:0:%x:%x:8000:63bf:f7f7:f7f7", hi, lo),   // Teredo server, RFC 4380
			fmt.Sprintf("2001:0:4136:e378:8000:63bf:%x:%x", ^hi, ^lo), // Teredo client (obfuscated)
		}
	}
	for _, v4 := range []string{"127.0.0.1", "10.0.0.1", "192.168.0.1", "169.254.169.254", "168.63.129.16", "100.100.100.200", "198.18.0.1", "192.0.0.192", "240.0.0.1", "0.0.0.0"} {
		for _, s := range forms(v4) {
			if err := tracking.PublicOnly(netip.MustParseAddr(s)); !errors.Is(err, tracking.ErrForbiddenAddress) {
				t.Errorf("PublicOnly(%s) (carries %s) = %v, want a refusal", s, v4, err)
			}
		}
	}
	// The same forms of a public address: refused only where the form
	// itself is (deprecated, or local use).
	want := map[string]bool{"::808:808": true, "::ffff:0:808:808": true, "64:ff9b:1::808:808": true}
	for _, s := range forms("8.8.8.8") {
		err := tracking.PublicOnly(netip.MustParseAddr(s))
		if refused := err != nil; refused != want[s] {
			t.Errorf("PublicOnly(%s) = %v, want refused %v", s, err, want[s])
		}
	}
	// A zone does not hide a link-local address.
	if err := tracking.PublicOnly(netip.MustParseAddr("fe80::1%eth0")); !errors.Is(err, tracking.ErrForbiddenAddress) {
		t.Errorf("PublicOnly(fe80::1%%eth0) = %v", err)
	}
	// IPv6 outside the global unicast space 2000::/3 is reserved.
	for _, s := range []string{"4000::1", "1000::1", "e000::1"} {
		if err := tracking.PublicOnly(netip.MustParseAddr(s)); !errors.Is(err, tracking.ErrForbiddenAddress) {
			t.Errorf("PublicOnly(%s) = %v, want a refusal", s, err)
		}
	}
}
