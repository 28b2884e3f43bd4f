package bench

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"net/netip"
	"testing"
	"time"

	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/reports"
	moxdmarcrpt "github.com/mjl-/mox/dmarcrpt"
)

// aggregateXML writes an aggregate report of n records shaped like
// Google's: one DKIM and one SPF result per record, a quarter of the
// records failing with an override reason.
func aggregateXML(n int) []byte {
	begin := time.Unix(1_714_521_600, 0).UTC()
	hdr := &reports.Aggregate{
		Metadata: reports.Metadata{OrgName: "google.com", Email: "noreply-dmarc-support@google.com", ExtraContactInfo: "https://support.google.com/a/answer/2466580", ReportID: "5917236542853402394", Begin: begin, End: begin.Add(86399 * time.Second)},
		Policy:   reports.PolicyPublished{Domain: "customer.example", ADKIM: dmarc.Relaxed, ASPF: dmarc.Relaxed, P: dmarc.Quarantine, SP: dmarc.Quarantine, Percent: 100, HasPercent: true},
	}
	var buf bytes.Buffer
	err := reports.WriteAggregate(&buf, reports.Schema7489, hdr, func(yield func(*reports.Record) bool) {
		for i := range n {
			r := reports.Record{
				SourceIP: netip.AddrFrom4([4]byte{198, 51, byte(i >> 8), byte(i)}), Count: int64(1 + i%17),
				Disposition: dmarc.None, DKIM: reports.VerdictPass, SPF: reports.VerdictPass,
				HeaderFrom: "customer.example", EnvelopeFrom: fmt.Sprintf("bounce%d.customer.example", i%5),
				AuthDKIM: []reports.DKIMAuth{{Domain: "customer.example", Selector: "s1", Result: dmarc.AuthPass}},
				AuthSPF:  []reports.SPFAuth{{Domain: "bounce.customer.example", Scope: "mfrom", Result: dmarc.AuthPass}},
			}
			if i%4 == 3 {
				r.DKIM, r.SPF = reports.VerdictFail, reports.VerdictFail
				r.AuthDKIM[0].Result = dmarc.AuthFail
				r.Reasons = []reports.Reason{{Type: reports.OverrideLocalPolicy, Comment: "arc=pass"}}
			}
			if !yield(&r) {
				return
			}
		}
	})
	if err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// BenchmarkReportsAggregate parses the same aggregate report with
// domainauth's streaming reader (every record visited, none kept) and
// mox's dmarcrpt.ParseReport (all records unmarshalled into memory):
// small is 10 records (about 7 KB), large 10,000 (about 7 MB).
func BenchmarkReportsAggregate(b *testing.B) {
	for _, size := range []struct {
		name string
		n    int
	}{{"small", 10}, {"large", 10_000}} {
		doc := aggregateXML(size.n)
		b.Run(size.name+"/"+libOurs, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(doc)))
			var p reports.Parser
			for b.Loop() {
				ar, err := p.NewAggregateReader(bytes.NewReader(doc))
				if err != nil {
					b.Fatal(err)
				}
				var msgs int64
				for ar.Next() {
					msgs += ar.Record().Count
				}
				if ar.Err() != nil || ar.Count() != size.n {
					b.Fatal(ar.Err(), ar.Count())
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "reports/s")
		})
		// The floor: encoding/xml's tokenizer alone, which both parsers
		// are built on; no parser on it can be faster.
		b.Run(size.name+"/"+libFloor, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(doc)))
			for b.Loop() {
				d := xml.NewDecoder(bytes.NewReader(doc))
				for {
					if _, err := d.RawToken(); err != nil {
						break
					}
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "reports/s")
		})
		b.Run(size.name+"/"+libMox, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(doc)))
			for b.Loop() {
				fb, err := moxdmarcrpt.ParseReport(bytes.NewReader(doc))
				if err != nil {
					b.Fatal(err)
				}
				if len(fb.Records) != size.n {
					b.Fatal(len(fb.Records))
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "reports/s")
		})
	}
}
