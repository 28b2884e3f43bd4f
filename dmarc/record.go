package dmarc

import (
	"strconv"
	"strings"
)

// Policy is what a Domain Owner asks receivers to do with mail that fails
// DMARC (RFC 7489 section 6.3, tags p, sp and np).
type Policy string

// Policies. Their order of strength is None < Quarantine < Reject.
const (
	None       Policy = "none"       // no action; monitoring only
	Quarantine Policy = "quarantine" // treat as suspicious (spam folder)
	Reject     Policy = "reject"     // refuse the message during the SMTP transaction
)

// weaker returns the policy one step below p: reject becomes quarantine and
// quarantine becomes none (RFC 7489 section 6.6.4 for pct, RFC 9989 for t=y).
func (p Policy) weaker() Policy {
	switch p {
	case Reject:
		return Quarantine
	default:
		return None
	}
}

// AlignmentMode says how closely an authenticated domain must match the
// RFC5322.From domain (tags adkim and aspf).
type AlignmentMode string

// Alignment modes.
const (
	Relaxed AlignmentMode = "r" // same organizational domain (the default)
	Strict  AlignmentMode = "s" // identical domain names
)

// PSD is the value of the RFC 9989 psd tag, which marks a public suffix
// domain that publishes DMARC for the names registered under it.
type PSD string

// PSD values.
const (
	PSDUnknown PSD = "u" // the default: nothing said
	PSDYes     PSD = "y" // the domain is a public suffix domain
	PSDNo      PSD = "n" // the domain is an organizational domain
)

// FailureOptions is the set of fo values (RFC 7489 section 6.3): when a
// receiver should send a failure report. The zero value is the default "0".
type FailureOptions uint8

// Failure reporting options.
const (
	FailureAll  FailureOptions = 1 << iota // "0": every mechanism failed to produce an aligned pass (the default)
	FailureAny                             // "1": any mechanism produced something other than an aligned pass
	FailureDKIM                            // "d": a DKIM signature failed to verify
	FailureSPF                             // "s": SPF evaluation failed
)

// Has reports whether every option in o is in f. The zero value, the
// default, counts as FailureAll.
func (f FailureOptions) Has(o FailureOptions) bool {
	if f == 0 {
		f = FailureAll
	}
	return f&o == o
}

// String returns the fo value, options joined by ":" in the order 0, 1, d, s.
func (f FailureOptions) String() string {
	if f == 0 {
		f = FailureAll
	}
	var b []byte
	for i, c := range [...]byte{'0', '1', 'd', 's'} {
		if f&(1<<i) != 0 {
			if len(b) > 0 {
				b = append(b, ':')
			}
			b = append(b, c)
		}
	}
	return string(b)
}

// Tags is a set of DMARC tags, used to tell which tags a record spelled out
// and which hold their default value.
type Tags uint16

// The tags this package knows. v is always present in a parsed record.
const (
	TagV     Tags = 1 << iota // v: version, "DMARC1"
	TagP                      // p: policy
	TagSP                     // sp: subdomain policy
	TagNP                     // np: non-existent subdomain policy (RFC 9989)
	TagPct                    // pct: sampling percentage (RFC 7489; removed in RFC 9989)
	TagRUA                    // rua: aggregate report URIs
	TagRUF                    // ruf: failure report URIs
	TagADKIM                  // adkim: DKIM alignment mode
	TagASPF                   // aspf: SPF alignment mode
	TagFO                     // fo: failure reporting options
	TagRF                     // rf: failure report format (RFC 7489; removed in RFC 9989)
	TagRI                     // ri: aggregate report interval (RFC 7489; removed in RFC 9989)
	TagPSD                    // psd: public suffix domain flag (RFC 9989)
	TagT                      // t: testing mode (RFC 9989)
)

var tagNames = [...]string{"v", "p", "sp", "np", "pct", "rua", "ruf", "adkim", "aspf", "fo", "rf", "ri", "psd", "t"}

// Has reports whether every tag in x is in t.
func (t Tags) Has(x Tags) bool { return t&x == x }

// String lists the tag names, separated by commas, in the order of the
// constants.
func (t Tags) String() string {
	var names []string
	for i, n := range tagNames {
		if t&(1<<i) != 0 {
			names = append(names, n)
		}
	}
	return strings.Join(names, ",")
}

// tagByName returns the tag bit for a tag name (any case), or 0.
func tagByName(name string) Tags {
	// c|0x20 is a lower-case letter only when c is that letter in either
	// case, and every known name is lower-case letters.
	var k [5]byte
	if len(name) > len(k) {
		return 0
	}
	for i := 0; i < len(name); i++ {
		k[i] = name[i] | 0x20
	}
	switch string(k[:len(name)]) {
	case "v":
		return TagV
	case "p":
		return TagP
	case "sp":
		return TagSP
	case "np":
		return TagNP
	case "pct":
		return TagPct
	case "rua":
		return TagRUA
	case "ruf":
		return TagRUF
	case "adkim":
		return TagADKIM
	case "aspf":
		return TagASPF
	case "fo":
		return TagFO
	case "rf":
		return TagRF
	case "ri":
		return TagRI
	case "psd":
		return TagPSD
	case "t":
		return TagT
	}
	return 0
}

// URI is one report destination of rua or ruf, with its optional size limit:
//
//	mailto:dmarc@example.com!10m
//
// RFC 9989 dropped the size limit; a receiver following it ignores it.
type URI struct {
	// Address is the URI as published (case kept), without the size limit.
	Address string
	// MaxSize is the size limit in bytes; meaningful only when HasMaxSize.
	MaxSize uint64
	// HasMaxSize is true when the URI carried a "!size" suffix.
	HasMaxSize bool
	// Unit is the unit the size limit was written with: 'k', 'm', 'g', 't'
	// (powers of 1024), or 0 for plain bytes. String uses it to print the
	// limit back as written.
	Unit byte
}

func unitMultiplier(u byte) uint64 {
	switch u {
	case 'k':
		return 1 << 10
	case 'm':
		return 1 << 20
	case 'g':
		return 1 << 30
	case 't':
		return 1 << 40
	}
	return 1
}

// String returns the URI as it appears in a record, with its size limit.
func (u URI) String() string {
	if !u.HasMaxSize {
		return u.Address
	}
	s := u.Address + "!" + strconv.FormatUint(u.MaxSize/unitMultiplier(u.Unit), 10)
	if u.Unit != 0 {
		s += string(rune(u.Unit))
	}
	return s
}

// Record is a parsed DMARC policy record, the TXT record at
// _dmarc.<domain>:
//
//	v=DMARC1; p=reject; sp=quarantine; rua=mailto:dmarc@example.com!10m; adkim=s
//
// Every field holds the effective value: a tag left out has its default
// (RFC 7489 section 6.3), and Present says which tags the text spelled out,
// so a caller can tell "pct absent" from "pct=100".
type Record struct {
	// Policy is p, the policy for the domain itself. After the RFC 7489
	// section 6.6.3 fallback (invalid or missing p or invalid sp with a valid
	// rua) it is None, and Fallback is set.
	Policy Policy
	// SubdomainPolicy is sp, the policy for subdomains; default Policy.
	SubdomainPolicy Policy
	// NPolicy is np, the policy for subdomains that do not exist; default
	// SubdomainPolicy. RFC 9989 only: in RFC 7489 mode np is an unknown tag.
	NPolicy Policy
	// Percent is pct, the share of failing mail the policy applies to, 0 to
	// 100; default 100. RFC 7489 only: RFC 9989 removed it, and in RFC
	// 9989 mode it is an unknown tag and Percent stays 100.
	Percent int
	// RUA holds the aggregate report destinations; default none.
	RUA []URI
	// RUF holds the failure report destinations; default none.
	RUF []URI
	// ADKIM is the DKIM alignment mode; default Relaxed.
	ADKIM AlignmentMode
	// ASPF is the SPF alignment mode; default Relaxed.
	ASPF AlignmentMode
	// FailureOptions is fo; default FailureAll ("0"), also when zero.
	FailureOptions FailureOptions
	// ReportFormat is rf, the failure report formats as a colon-separated,
	// lower-case list; default "afrf". RFC 7489 only, like Percent.
	ReportFormat string
	// Interval is ri, the requested aggregate report interval in seconds;
	// default 86400. RFC 7489 only, like Percent.
	Interval uint32
	// PSD is the psd tag; default PSDUnknown. RFC 9989 only, like NPolicy.
	PSD PSD
	// Testing is the RFC 9989 t tag: t=y asks receivers to apply the policy
	// one step weaker (reject as quarantine, quarantine as none). RFC 9989
	// only, like NPolicy.
	Testing bool
	// Present is the set of tags the record spelled out with a valid value.
	Present Tags
	// Fallback is true when the record had no valid p, or an invalid sp, and
	// is read as "v=DMARC1; p=none" because it has a valid rua (RFC 7489
	// section 6.6.3 step 6). Discarded then holds the reason.
	Fallback bool
	// Discarded lists the tags whose value was invalid and was replaced by
	// the default, and malformed tags that were skipped (RFC 7489 section
	// 6.3: "syntax errors in the remainder of the record SHOULD be
	// discarded in favor of default values"). Empty for a clean record.
	Discarded []*SyntaxError

	// Mode is the specification the record was read under.
	Mode Mode

	pLate   bool // p did not directly follow v (RFC 7489 requires it)
	foreign Tags // tags of the other mode, ignored as unknown
}

// Default values of the optional tags.
const (
	DefaultPercent      = 100
	DefaultInterval     = 86400
	DefaultReportFormat = "afrf"
)

// String returns the record in canonical form: v and p first, then the
// other tags in a fixed order (sp, np, pct, t, psd, adkim, aspf, fo, rf,
// ri, rua, ruf), with lower-case keyword values. A tag is printed when
// Present has it or when its field holds a value other than its default
// and other than its zero value, so a Record filled in by hand publishes
// what was set:
//
//	Record{Policy: Quarantine, Percent: 25, RUF: []URI{{Address: "mailto:reporting@example.com"}}}
//	    v=DMARC1; p=quarantine; pct=25; ruf=mailto:reporting@example.com
//
// String does not look at Mode: a record may carry pct (RFC 7489 only)
// and t (RFC 9989 only) together, and each kind of receiver ignores the
// tag its RFC lacks. An empty Policy prints as p=none. A value that is a
// field's zero value and a valid tag value (pct=0, ri=0, t=n) is printed
// only when Present has the tag; a tag Present names whose field is empty
// (no URIs, no sp) is left out. String does not check the values; [Build]
// does.
//
// (&Checker{Mode: r.Mode}).Parse(r.String()) returns a record equal to r
// when r came from Parse (except for Discarded, Fallback and tags that
// were discarded or ignored) or from [Build] with only tags of r.Mode.
func (r *Record) String() string {
	var b strings.Builder
	b.Grow(64)
	b.WriteString("v=DMARC1; p=")
	if r.Policy == "" {
		b.WriteString(string(None))
	} else {
		b.WriteString(string(r.Policy))
	}
	set := r.Present&^tagsUnset(r) | r.setTags()
	if set.Has(TagSP) {
		b.WriteString("; sp=")
		b.WriteString(string(r.SubdomainPolicy))
	}
	if set.Has(TagNP) {
		b.WriteString("; np=")
		b.WriteString(string(r.NPolicy))
	}
	if set.Has(TagPct) {
		b.WriteString("; pct=")
		b.WriteString(strconv.Itoa(r.Percent))
	}
	if set.Has(TagT) {
		b.WriteString("; t=")
		if r.Testing {
			b.WriteString("y")
		} else {
			b.WriteString("n")
		}
	}
	if set.Has(TagPSD) {
		b.WriteString("; psd=")
		b.WriteString(string(r.PSD))
	}
	if set.Has(TagADKIM) {
		b.WriteString("; adkim=")
		b.WriteString(string(r.ADKIM))
	}
	if set.Has(TagASPF) {
		b.WriteString("; aspf=")
		b.WriteString(string(r.ASPF))
	}
	if set.Has(TagFO) {
		b.WriteString("; fo=")
		b.WriteString(r.FailureOptions.String())
	}
	if set.Has(TagRF) {
		b.WriteString("; rf=")
		b.WriteString(r.ReportFormat)
	}
	if set.Has(TagRI) {
		b.WriteString("; ri=")
		b.WriteString(strconv.FormatUint(uint64(r.Interval), 10))
	}
	writeURIs := func(tag string, us []URI) {
		b.WriteString("; ")
		b.WriteString(tag)
		b.WriteByte('=')
		for i, u := range us {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(u.String())
		}
	}
	if set.Has(TagRUA) {
		writeURIs("rua", r.RUA)
	}
	if set.Has(TagRUF) {
		writeURIs("ruf", r.RUF)
	}
	return b.String()
}

// setTags returns the tags whose field holds neither its default nor its
// zero value: the tags a Record filled in by hand sets. sp counts when it
// differs from p, np when it differs from sp (or p).
func (r *Record) setTags() Tags {
	var t Tags
	p := r.Policy
	if p == "" {
		p = None
	}
	sp := p
	if r.SubdomainPolicy != "" && r.SubdomainPolicy != p {
		t |= TagSP
		sp = r.SubdomainPolicy
	}
	if r.Present.Has(TagSP) {
		sp = r.SubdomainPolicy
	}
	if r.NPolicy != "" && r.NPolicy != sp {
		t |= TagNP
	}
	if r.Percent != 0 && r.Percent != DefaultPercent {
		t |= TagPct
	}
	if r.Testing {
		t |= TagT
	}
	if r.PSD != "" && r.PSD != PSDUnknown {
		t |= TagPSD
	}
	if r.ADKIM != "" && r.ADKIM != Relaxed {
		t |= TagADKIM
	}
	if r.ASPF != "" && r.ASPF != Relaxed {
		t |= TagASPF
	}
	if r.FailureOptions != 0 && r.FailureOptions != FailureAll {
		t |= TagFO
	}
	if r.ReportFormat != "" && r.ReportFormat != DefaultReportFormat {
		t |= TagRF
	}
	if r.Interval != 0 && r.Interval != DefaultInterval {
		t |= TagRI
	}
	if len(r.RUA) > 0 {
		t |= TagRUA
	}
	if len(r.RUF) > 0 {
		t |= TagRUF
	}
	return t
}
