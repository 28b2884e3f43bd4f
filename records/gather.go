package records

import (
	"context"
	"fmt"

	"github.com/domainauth/domainauth/internal/dnserr"
	"github.com/domainauth/domainauth/internal/dnsname"
)

// TXTResolver is the one lookup Gather needs; *net.Resolver and the
// resolvers of package domainauth satisfy it.
type TXTResolver interface {
	LookupTXT(ctx context.Context, name string) ([]string, error)
}

// Gather looks up the TXT records that Generate needs to know about for
// provider p and account a: the names where the set puts an SPF record, and
// _dmarc at the sending domain and at its organizational domain. Pass the
// result to Generate in Account.Existing.
//
// A name that does not exist or holds no TXT record (the resolver's
// not-found error, a *net.DNSError with IsNotFound) is recorded as empty.
// Any other failure (timeout, SERVFAIL) is returned: proposing a second SPF
// record because a lookup timed out would break the customer's mail. Gather
// makes at most three lookups and honours ctx.
func Gather(ctx context.Context, r TXTResolver, p Provider, a Account) (Existing, error) {
	g := &generator{p: p, a: a}
	if err := g.run(); err != nil {
		return Existing{}, err
	}
	var names []string
	for _, rec := range g.set.Records {
		if rec.Purpose == PurposeSPF {
			names = append(names, rec.FQDN)
		}
	}
	names = append(names, "_dmarc."+g.domain)
	if org := dnsname.OrgDomain(g.domain); org != g.domain {
		names = append(names, "_dmarc."+org)
	}
	e := Existing{TXT: make(map[string][]string, len(names))}
	for _, name := range names {
		if err := ctx.Err(); err != nil {
			return Existing{}, err
		}
		txts, err := r.LookupTXT(ctx, name+".")
		switch {
		case err == nil:
		case dnserr.IsNotFound(err):
			txts = nil
		default:
			return Existing{}, fmt.Errorf("records: looking up TXT at %s: %w", name, err)
		}
		e.TXT[name] = append([]string{}, txts...)
	}
	return e, nil
}
