package records_test

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/domainauth/domainauth"
	"github.com/domainauth/domainauth/records"
)

// TestLimitGatherHangingResolver: a resolver that never answers is bounded
// by the context. Whichever of the three names hangs, Gather returns the
// resolver's temporary error (never "no record", which would make Generate
// propose a second SPF record) matching context.DeadlineExceeded, after at
// most the three lookups it documents.
func TestLimitGatherHangingResolver(t *testing.T) {
	a := mailgunAccount()
	for _, hang := range []string{"", "_dmarc.example.com"} {
		name := hang
		if name == "" {
			name = "every name"
		}
		t.Run(name, func(t *testing.T) {
			r := domainauth.MustFakeResolver("example.com. 60 IN A 192.0.2.1\n")
			if hang != "" {
				r.Fail(hang, 0, domainauth.FailHang)
			} else {
				// Every name of the set and the DMARC names hang.
				set, err := records.Generate(records.MailgunStyle(), a)
				if err != nil {
					t.Fatal(err)
				}
				for _, rec := range set.Records {
					r.Fail(rec.FQDN, 0, domainauth.FailHang)
				}
				r.Fail("_dmarc.example.com", 0, domainauth.FailHang)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
			defer cancel()
			_, err := records.Gather(ctx, r, records.MailgunStyle(), a)
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("Gather error = %v; want one matching context.DeadlineExceeded", err)
			}
			var de *net.DNSError
			if !errors.As(err, &de) || de.IsNotFound || !domainauth.IsTemporary(err) {
				t.Errorf("Gather error = %v; want the resolver's temporary *net.DNSError", err)
			}
			if n := r.LookupCount(); n > 3 {
				t.Errorf("%d lookups; Gather makes at most 3", n)
			}
		})
	}
}
