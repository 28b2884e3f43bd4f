package domainauth_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/domainauth/domainauth"
)

// A fake resolver answers from zone-file text and keeps the net.Resolver
// rules: records are returned the way net.Resolver returns them, and
// absence is told apart from failure.
func ExampleFakeResolver() {
	r := domainauth.MustFakeResolver(`
$ORIGIN example.com.
cio123   MX   10 mxa.mailgun.org.
cio123   MX   10 mxb.mailgun.org.
cio123   TXT  "v=spf1 include:mailgun.org ~all"
`)
	r.Fail("_dmarc.example.com", domainauth.TypeTXT, domainauth.FailServFail)
	ctx := context.Background()

	mx, _ := r.LookupMX(ctx, "cio123.example.com")
	for _, m := range mx {
		fmt.Println("MX", m.Pref, m.Host)
	}
	txt, _ := r.LookupTXT(ctx, "cio123.example.com")
	fmt.Println("TXT", txt[0])

	_, err := r.LookupTXT(ctx, "www.example.com")
	fmt.Println("www: not found:", domainauth.IsNotFound(err))
	_, err = r.LookupTXT(ctx, "_dmarc.example.com")
	fmt.Println("_dmarc: temporary:", domainauth.IsTemporary(err))
	fmt.Println("queries:", r.LookupCount())
	// Output:
	// MX 10 mxa.mailgun.org.
	// MX 10 mxb.mailgun.org.
	// TXT v=spf1 include:mailgun.org ~all
	// www: not found: true
	// _dmarc: temporary: true
	// queries: 4
}

// Serve publishes a fake zone on a loopback DNS server, so that the real
// client is tested over the wire.
func ExampleFakeResolver_Serve() {
	fake := domainauth.MustFakeResolver(`example.com. 300 TXT "v=spf1 -all"`)
	srv, err := fake.Serve()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()

	r := &domainauth.StubResolver{Servers: []string{srv.Addr()}}
	txt, err := r.LookupTXT(context.Background(), "example.com")
	fmt.Println(txt, err)
	// Output:
	// [v=spf1 -all] <nil>
}

// A domain name as a person typed it, in the form the packages compare.
func ExampleNormalizeDomain() {
	for _, s := range []string{"Bücher.Example.", "example..com"} {
		d, err := domainauth.NormalizeDomain(s)
		if err != nil {
			fmt.Println(err, errors.Is(err, domainauth.ErrSyntax))
			continue
		}
		fmt.Println(d)
	}
	// Output:
	// xn--bcher-kva.example
	// domainauth: invalid domain name "example..com": empty label at offset 8 true
}
