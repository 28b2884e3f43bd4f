// Command onboarding is the tour of domainauth: it serves a customer's zone
// on a loopback DNS server and resolves it through the real client.
package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/domainauth/domainauth"
)

const zone = `
$ORIGIN example.com.
$TTL 300
cio123                 MX   10 mxa.mailgun.org.
cio123                 MX   10 mxb.mailgun.org.
cio123                 TXT  "v=spf1 include:mailgun.org ~all"
_dmarc                 TXT  "v=DMARC1; p=none; rua=mailto:dmarc@example.com"
`

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "onboarding:", err)
		os.Exit(1)
	}
}

func run() error {
	fake, err := domainauth.NewFakeResolver(zone)
	if err != nil {
		return err
	}
	srv, err := fake.Serve()
	if err != nil {
		return err
	}
	defer srv.Close()
	fmt.Println("serving the customer zone on", srv.Addr())

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	r := domainauth.NewResolver(srv.Addr())
	mx, err := r.LookupMX(ctx, "cio123.example.com")
	if err != nil {
		return err
	}
	for _, m := range mx {
		fmt.Printf("MX   cio123.example.com  %d %s\n", m.Pref, m.Host)
	}
	for _, name := range []string{"cio123.example.com", "_dmarc.example.com"} {
		txt, err := r.LookupTXT(ctx, name)
		if err != nil {
			return err
		}
		fmt.Printf("TXT  %s  %q\n", name, txt[0])
	}
	return nil
}
