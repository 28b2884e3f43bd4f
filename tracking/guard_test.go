package tracking_test

import (
	"errors"
	"net/netip"
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
	}
	allowed := []string{"8.8.8.8", "1.1.1.1", "100.63.255.255", "100.128.0.1", "172.32.0.1", "192.0.2.1", "2606:4700::1", "2001:4860:4860::8888"}
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
