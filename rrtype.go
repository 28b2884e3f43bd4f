package domainauth

// The DNS record types that the fake resolver, the raw [Querier] query and
// [Lookup] name, as constants of this package so that a test can inject a
// failure without importing a DNS library:
//
//	r.Fail("_dmarc.example.com", domainauth.TypeTXT, domainauth.FailServFail)
//
// The values are the wire numbers of the IANA "Resource Record (RR) TYPEs"
// registry, so the miekg/dns constants (dns.TypeTXT, ...) are the same
// numbers and keep working wherever these are taken.
const (
	// AllTypes, given to [FakeResolver.Fail] or [FakeResolver.Remove],
	// means every record type at the name.
	AllTypes  uint16 = 0
	TypeA     uint16 = 1  // IPv4 address (RFC 1035)
	TypeNS    uint16 = 2  // name server (RFC 1035)
	TypeCNAME uint16 = 5  // canonical name, an alias (RFC 1035)
	TypeSOA   uint16 = 6  // start of authority (RFC 1035)
	TypePTR   uint16 = 12 // reverse-lookup pointer (RFC 1035)
	TypeMX    uint16 = 15 // mail exchanger (RFC 1035)
	TypeTXT   uint16 = 16 // text: SPF, DKIM and DMARC records (RFC 1035)
	TypeAAAA  uint16 = 28 // IPv6 address (RFC 3596)
	TypeSPF   uint16 = 99 // the obsolete SPF type, which RFC 7208 section 3.1 forbids publishing
)
