package bench

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"net"
	"net/netip"
	"sync"
)

// Parser inputs: realistic records that use most of each grammar.
const (
	SPFRecord = "v=spf1 ip4:192.0.2.0/24 ip4:198.51.100.10 ip6:2001:db8::/32 a mx:mail.example.com " +
		"include:_spf.google.com include:spf.protection.outlook.com exists:%{ir}.%{l1r+-}._spf.example.com " +
		"~all exp=explain._spf.%{d}"
	DMARCRecord = "v=DMARC1; p=reject; sp=quarantine; pct=50; " +
		"rua=mailto:dmarc-agg@example.com,mailto:ext@thirdparty.example!10m; " +
		"ruf=mailto:dmarc-forensic@example.com; adkim=s; aspf=r; fo=1:d; rf=afrf; ri=3600"
)

// SPF check_host workload: 203.0.113.7 sending for bounce@example.com
// passes only in the third level of includes, after 8 DNS-querying terms
// (a, mx, include, include, a, include, exists, include) and 10 queries, one
// of them void (the exists).
var (
	SPFClientIP    = netip.MustParseAddr("203.0.113.7")
	SPFDomain      = "example.com"
	SPFSender      = "bounce@example.com"
	SPFHELO        = "mail.sender.example"
	SPFClientNetIP = net.IP(SPFClientIP.AsSlice())
)

// DMARC evaluation workload: a message From news.example.com (no record
// there, so the organizational domain's record applies), SPF pass for an
// unaligned ESP bounce domain and DKIM pass for example.com (aligned,
// relaxed). Expected: pass through DKIM.
const (
	DMARCFrom       = "news.example.com"
	DMARCSPFDomain  = "bounce.esp.example"
	DMARCDKIMDomain = "example.com"
	DMARCSelector   = "sel"
	DMARCOrgRecord  = "v=DMARC1; p=reject; sp=quarantine; adkim=r; aspf=r; rua=mailto:dmarc@example.com; fo=1"
)

// DKIM signing identity: selectors "rsa" and "ed" at example.com.
const (
	DKIMDomain      = "example.com"
	DKIMSelectorRSA = "rsa"
	DKIMSelectorEd  = "ed"
)

// DKIMHeaders is the list of header fields every library signs.
var DKIMHeaders = []string{"From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type"}

// Keys are the DKIM keys, made once per process. The Ed25519 key comes
// from a fixed seed; RSA keys cannot be derived deterministically with
// crypto/rsa, and their value does not change the cost.
type Keys struct {
	RSA        *rsa.PrivateKey
	Ed         ed25519.PrivateKey
	RSARecord  string // TXT value of the key record
	EdRecord   string
	RSAKeyName string // owner names of the key records
	EdKeyName  string
}

// GetKeys returns the process-wide keys.
var GetKeys = sync.OnceValue(func() *Keys {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	seed := sha256.Sum256([]byte("domainauth benchmark ed25519 seed"))
	ed := ed25519.NewKeyFromSeed(seed[:])
	der, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	if err != nil {
		panic(err)
	}
	return &Keys{
		RSA:        k,
		Ed:         ed,
		RSARecord:  "v=DKIM1; k=rsa; h=sha256; p=" + base64.StdEncoding.EncodeToString(der),
		EdRecord:   "v=DKIM1; k=ed25519; p=" + base64.StdEncoding.EncodeToString(ed.Public().(ed25519.PublicKey)),
		RSAKeyName: DKIMSelectorRSA + "._domainkey." + DKIMDomain,
		EdKeyName:  DKIMSelectorEd + "._domainkey." + DKIMDomain,
	}
})

// GetZone returns the one DNS data set of every workload.
var GetZone = sync.OnceValue(func() *Zone {
	k := GetKeys()
	return NewZone(Records{
		TXT: map[string][]string{
			// SPF include chain.
			"example.com": {
				"google-site-verification=abcdefghijklmnopqrstuvwxyz0123456789",
				"v=spf1 a mx include:_spf.example.com -all",
			},
			"_spf.example.com":   {"v=spf1 ip4:192.0.2.0/24 include:_spf1.esp.example include:_spf2.esp.example ~all"},
			"_spf1.esp.example":  {"v=spf1 ip4:198.51.100.0/24 ip6:2001:db8::/32 a:out.esp.example -all"},
			"_spf2.esp.example":  {"v=spf1 exists:%{i}._spf.esp.example include:_spf3.esp.example ?all"},
			"_spf3.esp.example":  {"v=spf1 ip4:203.0.113.0/24 -all"},
			"bounce.esp.example": {"v=spf1 include:_spf1.esp.example -all"},
			// DMARC.
			"_dmarc.example.com": {DMARCOrgRecord},
			// DKIM keys.
			k.RSAKeyName: {k.RSARecord},
			k.EdKeyName:  {k.EdRecord},
		},
		A: map[string][]string{
			"example.com":      {"192.0.2.80", "2001:db8::80"},
			"mx1.example.com":  {"192.0.2.25"},
			"out.esp.example":  {"198.51.100.25"},
			"mail.example.com": {"192.0.2.26"},
		},
		MX: map[string][]*net.MX{
			"example.com": {{Host: "mx1.example.com.", Pref: 10}},
		},
	})
})

// Message returns a deterministic unsigned RFC 5322 message of about size
// bytes: a typical header and a text body with CRLF line ends, some runs of
// spaces and trailing white space so that relaxed canonicalization has work
// to do.
func Message(size int) []byte {
	const header = "From: Alice Example <alice@example.com>\r\n" +
		"To: Bob Example <bob@example.net>\r\n" +
		"Subject: Quarterly report, as discussed\r\n" +
		"Date: Mon, 02 Mar 2026 10:00:00 +0000\r\n" +
		"Message-ID: <20260302100000.12345@example.com>\r\n" +
		"MIME-Version: 1.0\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\n" +
		"\r\n"
	words := []string{"lorem", "ipsum", "dolor", "sit", "amet,", "consectetur", "adipiscing", "elit", "sed", "do",
		"eiusmod", "tempor", "incididunt", "ut", "labore", "et", "dolore", "magna", "aliqua."}
	b := make([]byte, 0, size+128)
	b = append(b, header...)
	line, n := 0, 0
	for len(b) < size {
		col := 0
		for col < 70 {
			w := words[n%len(words)]
			n++
			b = append(b, w...)
			col += len(w)
			if n%13 == 0 {
				b = append(b, "  "...) // a run of spaces
				col += 2
			} else {
				b = append(b, ' ')
				col++
			}
		}
		if line%7 == 0 {
			b = append(b, " \t"...) // trailing white space
		}
		b = append(b, "\r\n"...)
		line++
	}
	return b
}

// A Body is one message of the DKIM sign and verify workloads.
type Body struct {
	Name string // in benchmark names: 4KB, 1MB, 1MB-b64, 10MB
	Size int    // bytes, about
	// Attachment makes a MIME message whose body is mostly a base64
	// attachment (76-character lines, no white space): already canonical
	// under relaxed canonicalization, like most of the bytes of large real
	// mail. Otherwise the body is text in which every line needs a change.
	Attachment bool
}

// Message returns the body's message, deterministic.
func (b Body) Message() []byte {
	if b.Attachment {
		return AttachmentMessage(b.Size)
	}
	return Message(b.Size)
}

// Bodies are the messages of the DKIM sign and verify workloads.
var Bodies = []Body{
	{Name: "4KB", Size: 4 << 10},
	{Name: "1MB", Size: 1 << 20},
	{Name: "1MB-b64", Size: 1 << 20, Attachment: true},
}

// Body10MB is the message of the memory-independence workload.
var Body10MB = Body{Name: "10MB", Size: 10 << 20}

// AttachmentMessage returns a deterministic unsigned MIME message of about
// size bytes: a short text part and a base64-encoded binary attachment
// with CRLF line ends, which is what most of the bytes of a large message
// are in practice.
func AttachmentMessage(size int) []byte {
	const header = "From: Alice Example <alice@example.com>\r\n" +
		"To: Bob Example <bob@example.net>\r\n" +
		"Subject: Quarterly report, as discussed\r\n" +
		"Date: Mon, 02 Mar 2026 10:00:00 +0000\r\n" +
		"Message-ID: <20260302100000.12346@example.com>\r\n" +
		"MIME-Version: 1.0\r\n" +
		"Content-Type: multipart/mixed; boundary=\"b1\"\r\n" +
		"\r\n" +
		"--b1\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\n" +
		"\r\n" +
		"Please find the report attached.\r\n" +
		"\r\n" +
		"--b1\r\n" +
		"Content-Type: application/pdf; name=\"report.pdf\"\r\n" +
		"Content-Disposition: attachment; filename=\"report.pdf\"\r\n" +
		"Content-Transfer-Encoding: base64\r\n" +
		"\r\n"
	const trailer = "--b1--\r\n"
	b := make([]byte, 0, size+128)
	b = append(b, header...)
	var x uint64 = 0x9e3779b97f4a7c15 // xorshift: deterministic, incompressible enough
	raw := make([]byte, 57)           // 57 bytes encode to one 76-character line
	line := make([]byte, base64.StdEncoding.EncodedLen(len(raw)))
	for len(b)+len(line)+2+len(trailer) < size {
		for i := range raw {
			x ^= x << 13
			x ^= x >> 7
			x ^= x << 17
			raw[i] = byte(x)
		}
		base64.StdEncoding.Encode(line, raw)
		b = append(b, line...)
		b = append(b, "\r\n"...)
	}
	return append(b, trailer...)
}
