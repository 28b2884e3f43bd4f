package dmarc

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/domainauth/domainauth/internal/dnserr"
	"github.com/domainauth/domainauth/internal/dnsname"
)

// ReportDomain returns the domain that receives reports sent to u: the
// domain of a mailto: address, the host of other URIs.
func ReportDomain(u URI) (string, error) {
	addr := u.Address
	if len(addr) > 7 && strings.EqualFold(addr[:7], "mailto:") {
		rest := addr[7:]
		if i := strings.IndexByte(rest, '?'); i >= 0 {
			rest = rest[:i]
		}
		at := strings.LastIndexByte(rest, '@')
		if at < 0 || at == len(rest)-1 {
			return "", fmt.Errorf("dmarc: report URI %q: no domain in the mailto address", addr)
		}
		host, err := url.PathUnescape(rest[at+1:])
		if err != nil {
			return "", fmt.Errorf("dmarc: report URI %q: %w", addr, err)
		}
		return normalizeHost(addr, host)
	}
	pu, err := url.Parse(addr)
	if err != nil {
		return "", fmt.Errorf("dmarc: report URI %q: %w", addr, err)
	}
	if pu.Hostname() == "" {
		return "", fmt.Errorf("dmarc: report URI %q: no host", addr)
	}
	return normalizeHost(addr, pu.Hostname())
}

// normalizeHost normalizes host, the domain of the report URI addr.
func normalizeHost(addr, host string) (string, error) {
	d, err := dnsname.Normalize(host)
	if err != nil {
		return "", fmt.Errorf("dmarc: report URI %q: %w", addr, err)
	}
	return d, nil
}

// AuthorizeExternal reports whether the report destination u may receive
// DMARC reports about policyDomain (RFC 7489 section 7.1, RFC 9989 keeps
// it). A destination in the same organizational domain is always
// authorized, without a query. Otherwise the destination's domain must
// publish a TXT record starting with v=DMARC1 at
//
//	<policyDomain>._report._dmarc.<destination domain>
//
// which may be a wildcard (*._report._dmarc.<destination domain>) that
// the DNS expands like any other. A missing record gives (false, nil); a
// temporary DNS failure gives false and an error wrapping a
// *net.DNSError, for which IsTemporary is true. The rua/ruf overrides
// that such a record may carry are not read.
func AuthorizeExternal(ctx context.Context, r Resolver, policyDomain string, u URI) (bool, error) {
	pd, err := dnsname.Normalize(policyDomain)
	if err != nil {
		return false, fmt.Errorf("dmarc: policy domain %q: %w", policyDomain, err)
	}
	dest, err := ReportDomain(u)
	if err != nil {
		return false, err
	}
	if dnsname.OrgDomain(pd) == dnsname.OrgDomain(dest) {
		return true, nil
	}
	name := pd + "._report._dmarc." + dest
	if len(name) > 253 {
		return false, fmt.Errorf("dmarc: authorization name %s is longer than 253 octets", name)
	}
	if err := ctx.Err(); err != nil {
		return false, lookupError(name, err)
	}
	txts, err := r.LookupTXT(ctx, name)
	if err != nil {
		if dnserr.IsNotFound(err) {
			return false, nil
		}
		return false, lookupError(name, err)
	}
	for _, t := range txts {
		if IsRecord(t) {
			return true, nil
		}
	}
	return false, nil
}
