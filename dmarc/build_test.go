package dmarc_test

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/dmarc"
)

func mailto(a string) []dmarc.URI { return []dmarc.URI{{Address: "mailto:" + a}} }

// The three example policies of the SES seed's DMARC tag guide
// (../shared/seeds/002_*.txt, "Example use cases"), as a user fills them
// in, and the text the guide shows for each. The guide ends each value
// with ";", which both ABNFs allow (RFC 7489 section 6.4, RFC 9989
// section 4.7) and the canonical form leaves out.
var guideExamples = []struct {
	name  string
	rec   dmarc.Record
	guide string
}{
	{"neutral policy", dmarc.Record{Policy: dmarc.None}, "v=DMARC1; p=none;"},
	{"quarantine policy with failure reporting",
		dmarc.Record{Mode: dmarc.RFC7489, Policy: dmarc.Quarantine, Percent: 25, RUF: mailto("reporting@example.com")},
		"v=DMARC1; p=quarantine; pct=25; ruf=mailto:reporting@example.com;"},
	{"strict policy with aggregate reporting",
		dmarc.Record{Policy: dmarc.Reject, RUA: mailto("reporting@example.com")},
		"v=DMARC1; p=reject; rua=mailto:reporting@example.com;"},
}

// TestGuideSeed checks that the examples above are the guide's, when the
// seeds are there.
func TestGuideSeed(t *testing.T) {
	files, _ := filepath.Glob("../../shared/seeds/002_*.txt")
	if len(files) == 0 {
		t.Skip("seed 002 (../shared/seeds relative to the repository root) not present")
	}
	b, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, ex := range guideExamples {
		if !strings.Contains(string(b), "\n"+ex.guide+"\n") {
			t.Errorf("the guide has no line %q", ex.guide)
		}
	}
}

// What a user sets is what is published: String prints every field that
// holds a value other than its default, not only the tags Present names.
func TestStringPrintsWhatIsSet(t *testing.T) {
	for _, ex := range guideExamples {
		r := ex.rec
		if got, want := r.String(), strings.TrimSuffix(ex.guide, ";"); got != want {
			t.Errorf("%s: String() = %q, want %q", ex.name, got, want)
		}
	}
	tests := []struct {
		rec  dmarc.Record
		want string
	}{
		{dmarc.Record{}, "v=DMARC1; p=none"}, // never "p="
		{dmarc.Record{Policy: dmarc.Reject, SubdomainPolicy: dmarc.Quarantine, NPolicy: dmarc.Reject},
			"v=DMARC1; p=reject; sp=quarantine; np=reject"},
		{dmarc.Record{Policy: dmarc.Reject, SubdomainPolicy: dmarc.Reject, NPolicy: dmarc.Reject}, "v=DMARC1; p=reject"},
		{dmarc.Record{Policy: dmarc.Reject, Testing: true, ADKIM: dmarc.Strict, ASPF: dmarc.Strict},
			"v=DMARC1; p=reject; t=y; adkim=s; aspf=s"},
		{dmarc.Record{Policy: dmarc.None, FailureOptions: dmarc.FailureDKIM | dmarc.FailureSPF, RUF: mailto("f@example.com")},
			"v=DMARC1; p=none; fo=d:s; ruf=mailto:f@example.com"},
		{dmarc.Record{Policy: dmarc.None, Interval: 3600, ReportFormat: "afrf", PSD: dmarc.PSDNo},
			"v=DMARC1; p=none; psd=n; ri=3600"},
		// Defaults stay out unless Present says they were spelled out.
		{dmarc.Record{Policy: dmarc.Reject, Percent: 100, ADKIM: dmarc.Relaxed, FailureOptions: dmarc.FailureAll, Interval: 86400},
			"v=DMARC1; p=reject"},
		{dmarc.Record{Policy: dmarc.Reject, Present: dmarc.TagPct}, "v=DMARC1; p=reject; pct=0"},
	}
	for _, tt := range tests {
		if got := tt.rec.String(); got != tt.want {
			t.Errorf("%+v: String() = %q, want %q", tt.rec, got, tt.want)
		}
	}
}

// Build's record is what receivers read from its text: Parse(String(r))
// == r, for the guide's examples and for every tag the guide names (p, sp,
// pct, rua, ruf, adkim, aspf) and the rest (np, t, fo, psd, rf, ri, size
// limits).
func TestBuildRoundTrip(t *testing.T) {
	type tc struct {
		name string
		rec  dmarc.Record
		want string
	}
	tests := []tc{}
	for _, ex := range guideExamples {
		tests = append(tests, tc{ex.name, ex.rec, strings.TrimSuffix(ex.guide, ";")})
	}
	tests = append(tests,
		tc{"every RFC 9989 tag", dmarc.Record{Policy: dmarc.Quarantine, SubdomainPolicy: dmarc.Reject, NPolicy: dmarc.Reject,
			Testing: true, PSD: dmarc.PSDNo, ADKIM: dmarc.Strict, ASPF: dmarc.Relaxed, Present: dmarc.TagASPF,
			FailureOptions: dmarc.FailureAny | dmarc.FailureDKIM,
			RUA:            []dmarc.URI{{Address: "mailto:a@example.com"}, {Address: "mailto:b@example.net", MaxSize: 10 << 20, HasMaxSize: true, Unit: 'm'}},
			RUF:            mailto("f@example.com")},
			"v=DMARC1; p=quarantine; sp=reject; t=y; psd=n; adkim=s; aspf=r; fo=1:d; rua=mailto:a@example.com,mailto:b@example.net!10m; ruf=mailto:f@example.com"},
		tc{"every RFC 7489 tag", dmarc.Record{Mode: dmarc.RFC7489, Policy: dmarc.Reject, SubdomainPolicy: dmarc.None,
			Percent: 50, FailureOptions: dmarc.FailureAll | dmarc.FailureAny, ReportFormat: "afrf", Present: dmarc.TagRF, Interval: 3600,
			RUA: mailto("a@example.com")},
			"v=DMARC1; p=reject; sp=none; pct=50; fo=0:1; rf=afrf; ri=3600; rua=mailto:a@example.com"},
		tc{"pct=0 and fo=0 spelled out", dmarc.Record{Mode: dmarc.RFC7489, Policy: dmarc.Reject, Present: dmarc.TagPct | dmarc.TagFO},
			"v=DMARC1; p=reject; pct=0; fo=0"},
		tc{"zero record", dmarc.Record{}, "v=DMARC1; p=none"},
		tc{"tags Present names but left empty are dropped", dmarc.Record{Policy: dmarc.Reject, Present: dmarc.TagSP | dmarc.TagRUA | dmarc.TagADKIM},
			"v=DMARC1; p=reject"},
	)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := dmarc.Build(tt.rec)
			if err != nil {
				t.Fatal(err)
			}
			if got := b.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
			if s := tt.rec.String(); s != tt.want {
				t.Errorf("String() of the record as filled in = %q, want %q", s, tt.want)
			}
			p, err := (&dmarc.Checker{Mode: b.Mode}).Parse(b.String())
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(p, b) {
				t.Errorf("Parse(String(r)) != r:\n parsed %+v\n built  %+v", p, b)
			}
			if len(p.Discarded) != 0 || p.Fallback {
				t.Errorf("built record read with discarded tags %v", p.Discarded)
			}
		})
	}
}

// A record for receivers of both RFCs can carry pct and t: String prints
// both whatever the mode, and each reading takes its own.
func TestBuildBothModes(t *testing.T) {
	r := dmarc.Record{Policy: dmarc.Reject, Testing: true, Present: dmarc.TagPct} // pct=0 and t=y
	b, err := dmarc.Build(r)
	if err != nil {
		t.Fatal(err)
	}
	const want = "v=DMARC1; p=reject; pct=0; t=y"
	if b.String() != want {
		t.Fatalf("String() = %q, want %q", b.String(), want)
	}
	r7 := mustParse(dmarc.RFC7489, want)
	r9 := mustParse(dmarc.RFC9989, want)
	if r7.Percent != 0 || r7.Testing || r9.Percent != 100 || !r9.Testing {
		t.Errorf("RFC 7489 reads pct %d t %v, RFC 9989 pct %d t %v", r7.Percent, r7.Testing, r9.Percent, r9.Testing)
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name  string
		rec   dmarc.Record
		field string
	}{
		{"policy", dmarc.Record{Policy: "block"}, "Policy"},
		{"policy in upper case", dmarc.Record{Policy: "REJECT"}, "Policy"},
		{"sp", dmarc.Record{Policy: dmarc.None, SubdomainPolicy: "x"}, "SubdomainPolicy"},
		{"np", dmarc.Record{Policy: dmarc.None, NPolicy: "x"}, "NPolicy"},
		{"pct above 100", dmarc.Record{Policy: dmarc.None, Percent: 150}, "Percent"},
		{"pct below 0", dmarc.Record{Policy: dmarc.None, Percent: -1}, "Percent"},
		{"adkim", dmarc.Record{Policy: dmarc.None, ADKIM: "x"}, "ADKIM"},
		{"aspf", dmarc.Record{Policy: dmarc.None, ASPF: "relaxed"}, "ASPF"},
		{"psd", dmarc.Record{Policy: dmarc.None, PSD: "yes"}, "PSD"},
		{"fo 0 and 1 in RFC 9989", dmarc.Record{Policy: dmarc.None, FailureOptions: dmarc.FailureAll | dmarc.FailureAny}, "FailureOptions"},
		{"fo unknown bit", dmarc.Record{Mode: dmarc.RFC7489, Policy: dmarc.None, FailureOptions: 1 << 5}, "FailureOptions"},
		{"rf without afrf", dmarc.Record{Mode: dmarc.RFC7489, Policy: dmarc.None, ReportFormat: "iodef"}, "ReportFormat"},
		{"rf not canonical", dmarc.Record{Mode: dmarc.RFC7489, Policy: dmarc.None, ReportFormat: "AFRF"}, "ReportFormat"},
		// The guide: "These must be provided in URI mailto format".
		{"rua without mailto", dmarc.Record{Policy: dmarc.None, RUA: []dmarc.URI{{Address: "reporting@example.com"}}}, "RUA[0]"},
		{"rua https", dmarc.Record{Policy: dmarc.None, RUA: []dmarc.URI{{Address: "https://example.com/r"}}}, "RUA[0]"},
		// Only mailto: carries reports (RFC 7489 section 7.1, RFC 9989 section
		// 4.7), also when the URI has an "@" of its own.
		{"rua https with user info", dmarc.Record{Policy: dmarc.None, RUA: []dmarc.URI{{Address: "https://dmarc@example.com/r"}}}, "RUA[0]"},
		// A URI must not contain "," or white space (they separate URIs
		// and tags in the record: RFC 7489 section 6.4, RFC 9989 section
		// 4.8), even when it is a mailto: with an address.
		{"rua mailto with a comma", dmarc.Record{Policy: dmarc.None, RUA: []dmarc.URI{{Address: "mailto:a@example.com,b@example.com"}}}, "RUA[0]"},
		{"ruf mailto with a space", dmarc.Record{Policy: dmarc.None, RUF: mailto("a b@example.com")}, "RUF[0]"},
		{"ruf without address", dmarc.Record{Policy: dmarc.None, RUF: mailto("")}, "RUF[0]"},
		{"ruf without domain", dmarc.Record{Policy: dmarc.None, RUF: mailto("a@")}, "RUF[0]"},
		{"ruf with a semicolon", dmarc.Record{Policy: dmarc.None, RUF: mailto("a;b@example.com")}, "RUF[0]"},
		{"size not a whole unit", dmarc.Record{Policy: dmarc.None, RUA: []dmarc.URI{{Address: "mailto:a@example.com", MaxSize: 1500, HasMaxSize: true, Unit: 'k'}}}, "RUA[0]"},
		{"size without HasMaxSize", dmarc.Record{Policy: dmarc.None, RUA: []dmarc.URI{{Address: "mailto:a@example.com", MaxSize: 1024}}}, "RUA[0]"},
		{"too many URIs", dmarc.Record{Policy: dmarc.None, RUA: make([]dmarc.URI, dmarc.MaxURIs+1)}, "RUA"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.rec.Validate()
			var fe *dmarc.FieldError
			if !errors.As(err, &fe) || !errors.Is(err, dmarc.ErrBuild) || fe.Field != tt.field {
				t.Fatalf("Validate() = %v, want a FieldError for %s", err, tt.field)
			}
			if !strings.Contains(err.Error(), "Record."+tt.field) || fe.Want == "" {
				t.Errorf("error %q does not name the field and what it takes", err)
			}
			if _, err := dmarc.Build(tt.rec); err == nil {
				t.Errorf("Build accepted it")
			}
		})
	}
	ok := dmarc.Record{Mode: dmarc.RFC7489, Policy: dmarc.Reject, FailureOptions: dmarc.FailureAll | dmarc.FailureAny,
		RUA: []dmarc.URI{{Address: "MAILTO:a@example.com", MaxSize: 2 << 30, HasMaxSize: true, Unit: 'g'}}}
	if err := ok.Validate(); err != nil {
		t.Errorf("valid record: %v", err)
	}
}

// Every record Parse accepts is one Build accepts and prints alike, once
// its discarded and foreign tags are gone (String already leaves them
// out).
func TestBuildParsed(t *testing.T) {
	for _, s := range []string{
		"v=DMARC1; p=none",
		"v=DMARC1; p=reject; sp=none; np=quarantine; t=n; psd=u; adkim=s; aspf=s; fo=d; rua=mailto:a@example.com!5k; ruf=mailto:b@example.com",
		"v=DMARC1; p=quarantine; pct=0; rf=afrf; ri=0; fo=0:1:d:s",
	} {
		for _, m := range []dmarc.Mode{dmarc.RFC9989, dmarc.RFC7489} {
			r := mustParse(m, s)
			b, err := dmarc.Build(*r)
			if err != nil {
				t.Errorf("%s %q: %v", m, s, err)
				continue
			}
			if b.String() != r.String() || !reflect.DeepEqual(b, mustParse(m, b.String())) {
				t.Errorf("%s %q: built %q, parsed %q", m, s, b.String(), r.String())
			}
		}
	}
}
