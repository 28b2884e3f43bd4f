package tracking

import (
	"fmt"
	"net/netip"
)

// block is one row of an address registry: a prefix, the registry's name
// for it and the RFC that assigned it.
type block struct {
	prefix netip.Prefix
	text   string // the prefix as the registry writes it (::ffff:0:0/96, not ::ffff:0.0.0.0/96)
	name   string
	ref    string
}

// String names the row: "Benchmarking (198.18.0.0/15, RFC 2544)".
func (b block) String() string {
	return fmt.Sprintf("%s (%s, %s)", b.name, b.text, b.ref)
}

func row(prefix, name, ref string) block {
	return block{netip.MustParsePrefix(prefix), prefix, name, ref}
}

// special4 is the IANA IPv4 Special-Purpose Address Registry,
// https://www.iana.org/assignments/iana-ipv4-special-registry (RFC 6890 as
// updated by RFC 8190), every row as of its 2025 update, followed by the
// blocks of other registries that a guard must refuse as well. The
// registry's own "Globally Reachable" column is not used: a tracking host
// is an ordinary web server, and none of these blocks (not even the
// anycast services marked reachable) holds one, so every row is refused.
var special4 = []block{
	row("0.0.0.0/8", `"This network"`, "RFC 791 section 3.2"),
	row("0.0.0.0/32", `"This host on this network"`, "RFC 1122 section 3.2.1.3"),
	row("10.0.0.0/8", "Private-Use", "RFC 1918"),
	row("100.64.0.0/10", "Shared Address Space", "RFC 6598"),
	row("127.0.0.0/8", "Loopback", "RFC 1122 section 3.2.1.3"),
	row("169.254.0.0/16", "Link Local (and the cloud metadata endpoint 169.254.169.254)", "RFC 3927"),
	row("172.16.0.0/12", "Private-Use", "RFC 1918"),
	row("192.0.0.0/24", "IETF Protocol Assignments", "RFC 6890 section 2.1"),
	row("192.0.0.0/29", "IPv4 Service Continuity Prefix", "RFC 7335"),
	row("192.0.0.8/32", "IPv4 dummy address", "RFC 7600"),
	row("192.0.0.9/32", "Port Control Protocol Anycast", "RFC 7723"),
	row("192.0.0.10/32", "Traversal Using Relays around NAT Anycast", "RFC 8155"),
	row("192.0.0.170/32", "NAT64/DNS64 Discovery", "RFC 8880, RFC 7050 section 2.2"),
	row("192.0.0.171/32", "NAT64/DNS64 Discovery", "RFC 8880, RFC 7050 section 2.2"),
	row("192.0.2.0/24", "Documentation (TEST-NET-1)", "RFC 5737"),
	row("192.31.196.0/24", "AS112-v4", "RFC 7535"),
	row("192.52.193.0/24", "AMT", "RFC 7450"),
	row("192.88.99.0/24", "Deprecated (6to4 Relay Anycast)", "RFC 7526"),
	row("192.88.99.2/32", "6a44-relay anycast address", "RFC 6751"),
	row("192.168.0.0/16", "Private-Use", "RFC 1918"),
	row("192.175.48.0/24", "Direct Delegation AS112 Service", "RFC 7534"),
	row("198.18.0.0/15", "Benchmarking", "RFC 2544"),
	row("198.51.100.0/24", "Documentation (TEST-NET-2)", "RFC 5737"),
	row("203.0.113.0/24", "Documentation (TEST-NET-3)", "RFC 5737"),
	row("240.0.0.0/4", "Reserved", "RFC 1112 section 4"),
	row("255.255.255.255/32", "Limited Broadcast", "RFC 8190, RFC 919 section 7"),

	// Not special-purpose rows, refused all the same: multicast (the
	// IANA IPv4 Multicast Address Space Registry) and cloud platform
	// addresses that are public but answer only from inside the cloud
	// (169.254.169.254, the usual metadata endpoint, is link-local above;
	// Alibaba's 100.100.100.200 is in the shared address space).
	row("224.0.0.0/4", "Multicast", "RFC 5771"),
	row("168.63.129.16/32", "Azure platform endpoint (WireServer, instance metadata and DNS)", "cloud metadata"),
}

// special6 is the IANA IPv6 Special-Purpose Address Registry,
// https://www.iana.org/assignments/iana-ipv6-special-registry (RFC 6890 as
// updated by RFC 8190), every row as of its 2025 update. The rows that
// embed an IPv4 address (IPv4-mapped, the NAT64 well-known prefix, 6to4,
// Teredo) are judged by the IPv4 address they embed, see embedded4; every
// other row is refused, like special4's.
var special6 = []block{
	row("::1/128", "Loopback Address", "RFC 4291"),
	row("::/128", "Unspecified Address", "RFC 4291"),
	row("::ffff:0:0/96", "IPv4-mapped Address", "RFC 4291"),
	row("64:ff9b::/96", "IPv4-IPv6 Translation (NAT64 well-known prefix)", "RFC 6052"),
	row("64:ff9b:1::/48", "IPv4-IPv6 Translation (local use)", "RFC 8215"),
	row("100::/64", "Discard-Only Address Block", "RFC 6666"),
	row("100:0:0:1::/64", "Dummy IPv6 Prefix", "RFC 9780"),
	row("2001::/23", "IETF Protocol Assignments", "RFC 2928"),
	row("2001::/32", "TEREDO", "RFC 4380, RFC 8190"),
	row("2001:1::1/128", "Port Control Protocol Anycast", "RFC 7723"),
	row("2001:1::2/128", "Traversal Using Relays around NAT Anycast", "RFC 8155"),
	row("2001:1::3/128", "DNS-SD Service Registration Protocol Anycast", "RFC 9665"),
	row("2001:2::/48", "Benchmarking", "RFC 5180, RFC Errata 1752"),
	row("2001:3::/32", "AMT", "RFC 7450"),
	row("2001:4:112::/48", "AS112-v6", "RFC 7535"),
	row("2001:10::/28", "Deprecated (previously ORCHID)", "RFC 4843"),
	row("2001:20::/28", "ORCHIDv2", "RFC 7343"),
	row("2001:30::/28", "Drone Remote ID Protocol Entity Tags (DETs) Prefix", "RFC 9374"),
	row("2001:db8::/32", "Documentation", "RFC 3849"),
	row("2002::/16", "6to4", "RFC 3056"),
	row("2620:4f:8000::/48", "Direct Delegation AS112 Service", "RFC 7534"),
	row("3fff::/20", "Documentation", "RFC 9637"),
	row("5f00::/16", "Segment Routing (SRv6) SIDs", "RFC 9602"),
	row("fc00::/7", "Unique-Local", "RFC 4193, RFC 8190"),
	row("fe80::/10", "Link-Local Unicast", "RFC 4291"),

	// From the IANA IPv6 Address Space registry, for better reasons than
	// "outside 2000::/3" (which refuses them anyway): the deprecated
	// IPv4-compatible and SIIT IPv4-translated forms, site-local and
	// multicast.
	row("::/96", "IPv4-compatible Address (deprecated)", "RFC 4291 section 2.5.5.1"),
	row("::ffff:0:0:0/96", "IPv4-translated Address", "RFC 2765 section 2.1"),
	row("fec0::/10", "Site-Local Unicast (deprecated)", "RFC 3879"),
	row("ff00::/8", "Multicast", "RFC 4291 section 2.7"),
}

// globalUnicast6 is the only IPv6 space IANA allocates for global unicast
// (the IANA IPv6 Address Space registry, RFC 4291 section 2.4); everything
// outside it is reserved or special and refused.
var globalUnicast6 = row("2000::/3", "Global Unicast", "RFC 4291 section 2.4")

// Rows whose addresses carry an IPv4 address that decides the verdict.
var (
	mapped6   = netip.MustParsePrefix("::ffff:0:0/96")
	nat64WKP  = netip.MustParsePrefix("64:ff9b::/96")
	sixToFour = netip.MustParsePrefix("2002::/16")
	teredo    = netip.MustParsePrefix("2001::/32")
)

// lookup returns the most specific row of rows that contains a.
func lookup(rows []block, a netip.Addr) (block, bool) {
	var best block
	found := false
	for _, b := range rows {
		if b.prefix.Contains(a) && (!found || b.prefix.Bits() > best.prefix.Bits()) {
			best, found = b, true
		}
	}
	return best, found
}

// embedded4 returns the IPv4 addresses an IPv6 address carries in one of
// the registry's translation or tunnelling formats that reach an IPv4 host:
// IPv4-mapped (RFC 4291 section 2.5.5.2, last 32 bits), the NAT64
// well-known prefix (RFC 6052 section 2.2, /96: last 32 bits), 6to4
// (RFC 3056 section 2, bits 16 to 47) and Teredo (RFC 4380 section 4: the
// server's address in bits 32 to 63, the client's in the last 32 bits,
// obfuscated by inverting every bit). n counts them: 0 for any other
// address.
// The local-use NAT64 prefix 64:ff9b:1::/48 is not unwrapped: it is not
// globally reachable, whatever it embeds, so it is refused whole.
func embedded4(a netip.Addr) (v4 [2]netip.Addr, n int) {
	b := a.As16()
	last := netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]})
	switch {
	case mapped6.Contains(a):
		return [2]netip.Addr{last}, 1
	case nat64WKP.Contains(a):
		return [2]netip.Addr{last}, 1
	case sixToFour.Contains(a):
		return [2]netip.Addr{netip.AddrFrom4([4]byte{b[2], b[3], b[4], b[5]})}, 1
	case teredo.Contains(a):
		server := netip.AddrFrom4([4]byte{b[4], b[5], b[6], b[7]})
		client := netip.AddrFrom4([4]byte{^b[12], ^b[13], ^b[14], ^b[15]})
		return [2]netip.Addr{server, client}, 2
	}
	return v4, 0
}

// refusal says why a must not be connected to, "" when it may.
func refusal(a netip.Addr) string {
	if !a.IsValid() {
		return "invalid address"
	}
	a = a.WithZone("")
	if a.Is4() {
		if b, ok := lookup(special4, a); ok {
			return b.String()
		}
		return ""
	}
	if v4s, n := embedded4(a); n > 0 {
		b, _ := lookup(special6, a)
		for _, v4 := range v4s[:n] {
			if why := refusal(v4); why != "" {
				return fmt.Sprintf("%s embeds %s, %s", b, v4, why)
			}
		}
		return ""
	}
	if b, ok := lookup(special6, a); ok {
		return b.String()
	}
	if !globalUnicast6.prefix.Contains(a) {
		return "outside " + globalUnicast6.String() + ": reserved by the IETF"
	}
	return ""
}

// PublicOnly is the default Guard. It refuses every address a service that
// checks host names typed by its customers must never connect to, based on
// the IANA IPv4 and IPv6 Special-Purpose Address Registries (RFC 6890, RFC
// 8190): every row of both is refused (private, loopback, link-local with
// the cloud metadata endpoint, shared CGNAT space, benchmarking,
// documentation, the IETF protocol assignments, reserved 240/4, discard-only,
// local-use NAT64, unique-local and the rest), and so are multicast, the
// deprecated IPv4-compatible and site-local IPv6 forms, IPv6 outside the
// global unicast space 2000::/3, and the Azure platform address
// 168.63.129.16. IPv6 forms that carry an IPv4 address (IPv4-mapped, NAT64
// 64:ff9b::/96, 6to4 2002::/16, Teredo 2001::/32 with its obfuscated
// client address) are judged by the IPv4 address they carry. A zone
// (fe80::1%eth0) is ignored. The error wraps ErrForbiddenAddress and names
// the registry row.
func PublicOnly(addr netip.Addr) error {
	if why := refusal(addr); why != "" {
		return fmt.Errorf("%w: %s", ErrForbiddenAddress, why)
	}
	return nil
}
