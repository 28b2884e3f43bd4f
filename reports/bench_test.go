package reports

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// benchReport writes a random report of n records.
func benchReport(b *testing.B, n int) []byte {
	rep := randomReport(rand.New(rand.NewPCG(7, 7)), Schema7489, n)
	var buf bytes.Buffer
	if err := WriteAggregate(&buf, Schema7489, &rep.Aggregate, recordSeq(rep.Records)); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkAggregateReader streams small (10 records) and large (10,000
// records) reports; B/op stays flat per record as the report grows.
func BenchmarkAggregateReader(b *testing.B) {
	for _, n := range []int{10, 10_000} {
		doc := benchReport(b, n)
		b.Run(sizeName(n), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(doc)))
			var p Parser
			for b.Loop() {
				ar, err := p.NewAggregateReader(bytes.NewReader(doc))
				if err != nil {
					b.Fatal(err)
				}
				k := 0
				for ar.Next() {
					k++
				}
				if ar.Err() != nil || k != n {
					b.Fatal(ar.Err(), k)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "reports/s")
		})
	}
}

func sizeName(n int) string {
	if n >= 1000 {
		return "large"
	}
	return "small"
}

// BenchmarkWriteAggregate writes a 10,000-record report.
func BenchmarkWriteAggregate(b *testing.B) {
	rep := randomReport(rand.New(rand.NewPCG(7, 7)), Schema7489, 10_000)
	b.ReportAllocs()
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := WriteAggregate(&buf, Schema7489, &rep.Aggregate, recordSeq(rep.Records)); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(buf.Len()))
}
