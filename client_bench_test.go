package domainauth_test

import (
	"context"
	"testing"
	"time"

	"github.com/domainauth/domainauth"
)

// BenchmarkStubResolverLookupTXT is one TXT lookup through the real client
// against the zone served on 127.0.0.1 (UDP, one datagram each way).
func BenchmarkStubResolverLookupTXT(b *testing.B) {
	fake := domainauth.MustFakeResolver(`example.com. 300 TXT "v=spf1 include:_spf.provider.net ~all"`)
	srv, err := fake.Serve()
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	r := &domainauth.StubResolver{Servers: []string{srv.Addr()}, Timeout: 5 * time.Second}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.LookupTXT(ctx, "example.com"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStubResolverCNAMEHops is a TXT lookup whose chain of eight
// CNAMEs the server sends whole (the client follows none itself).
func BenchmarkStubResolverCNAMEHops(b *testing.B) {
	fake := domainauth.MustFakeResolver(`
$ORIGIN example.com.
c0 CNAME c1
c1 CNAME c2
c2 CNAME c3
c3 CNAME c4
c4 CNAME c5
c5 CNAME c6
c6 CNAME c7
c7 CNAME c8
c8 TXT "end"
`)
	srv, err := fake.Serve()
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	r := &domainauth.StubResolver{Servers: []string{srv.Addr()}, Timeout: 5 * time.Second}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if txt, err := r.LookupTXT(ctx, "c0.example.com"); err != nil || len(txt) != 1 {
			b.Fatal(txt, err)
		}
	}
}
