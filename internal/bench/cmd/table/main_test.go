package main

import (
	"strings"
	"testing"
)

const sampleOutput = `goos: linux
BenchmarkSPFParse/domainauth-2   	  100	  1000 ns/op	  64 B/op	  2 allocs/op
BenchmarkSPFParse/mox-2          	  100	  9000 ns/op	 512 B/op	 50 allocs/op
BenchmarkSPFParse/domainauth-2   	  100	  3000 ns/op	  64 B/op	  2 allocs/op
BenchmarkSPFParse/mox-2          	  100	  5000 ns/op	 512 B/op	 50 allocs/op
BenchmarkSPFParse/domainauth-2   	  100	  2000 ns/op	  64 B/op	  2 allocs/op
BenchmarkDKIMVerify/rsa2048/1MB/domainauth-8 	 10	 2300000 ns/op	 455.00 MB/s	 29000 B/op	 70 allocs/op
BenchmarkDKIMVerify/rsa2048/1MB/floor-8      	 10	 2000000 ns/op	 524.00 MB/s	  1300 B/op	  9 allocs/op
PASS
`

func TestParseAndMedian(t *testing.T) {
	rows, err := parse(strings.NewReader(sampleOutput))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 {
		t.Fatalf("got %d rows, want 4", len(rows))
	}
	r := rows[0]
	if r.workload != "SPFParse" || r.lib != "domainauth" || len(r.samples) != 3 {
		t.Fatalf("first row = %q %q with %d samples", r.workload, r.lib, len(r.samples))
	}
	if s := r.stats(); s.ns != 2000 || s.bytes != 64 || s.allocs != 2 || !s.hasMem {
		t.Errorf("domainauth medians = %+v, want 2000 ns, 64 B, 2 allocs", s)
	}
	if s := rows[1].stats(); s.ns != 7000 {
		t.Errorf("mox median of two = %v, want their mean 7000", s.ns)
	}
	if rows[2].workload != "DKIMVerify/rsa2048/1MB" || rows[3].lib != "floor" {
		t.Errorf("DKIM rows = %q/%q, %q/%q", rows[2].workload, rows[2].lib, rows[3].workload, rows[3].lib)
	}
}

func TestTableAndTargets(t *testing.T) {
	rows, err := parse(strings.NewReader(sampleOutput))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	printTable(&b, rows)
	printTargets(&b, rows)
	out := b.String()
	for _, want := range []string{
		"| SPFParse | **domainauth** | 2.0 µs | 64 B | 2 | 3 | 0.29x time, 0.04x allocs (best: mox) |  |",
		"| DKIMVerify/rsa2048/1MB | **domainauth** | 2.30 ms | 28.3 KiB | 70 | 1 |  | 1.15x |",
		"MET    SPFParse: >=3x faster and <=1/3 allocs than best other (mox): 3.50x faster",
		"MET    DKIMVerify/rsa2048/1MB: within 1.15x of floor: 1.15x",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}
