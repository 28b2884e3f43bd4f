package records_test

import (
	"testing"

	"github.com/domainauth/domainauth/records"
)

func BenchmarkGenerate(b *testing.B) {
	p, a := records.MailgunStyle(), mailgunAccount()
	a.TrackingHost = "email"
	a.Existing = &records.Existing{TXT: map[string][]string{"cio12345.example.com": {"v=spf1 include:_spf.google.com ~all"}}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := records.Generate(p, a); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkZoneFile(b *testing.B) {
	a := mailgunAccount()
	a.TrackingHost = "email"
	s, err := records.Generate(records.MailgunStyle(), a)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = s.ZoneFile()
	}
}
