package verify

import (
	"context"
	"fmt"
	"strings"

	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/internal/dnsname"
)

// dmarcPolicy is the DMARC policy that applies to a From domain.
type dmarcPolicy struct {
	record  *dmarc.Record // nil: no policy (or an unusable one, see invalid)
	text    string        // the TXT text of the record
	domain  string        // where it was found: the From domain or its organizational domain
	invalid string        // why the record at domain cannot be used
}

// lookupDMARC discovers the policy for from as RFC 7489 section 6.6.3
// does: _dmarc.<from>, then _dmarc.<organizational domain>. A temporary
// failure is an error, never "no policy".
//
// This is verify's adapter over the dmarc package's parser; it keeps the
// RFC 7489 discovery (not the RFC 9989 tree walk), which gives the same
// answer for the sending domains an ESP verifies (the From domain or a
// child of the organizational domain).
func lookupDMARC(ctx context.Context, c *client, from string) (dmarcPolicy, error) {
	names := []string{from}
	if org := dnsname.OrgDomain(from); org != from {
		names = append(names, org)
	}
	for _, d := range names {
		txts, err := c.txt(ctx, "_dmarc."+d)
		if err != nil {
			if isNotFound(err) {
				continue
			}
			return dmarcPolicy{}, err
		}
		var found []string
		for _, t := range limit(txts) {
			if isDMARCText(t) {
				found = append(found, t)
			}
		}
		switch len(found) {
		case 0:
			continue
		case 1:
		default:
			// RFC 7489 section 6.6.3 step 5: several records mean none.
			return dmarcPolicy{text: strings.Join(found, " | "), domain: d,
				invalid: fmt.Sprintf("%d DMARC records, so receivers apply none", len(found))}, nil
		}
		rec, err := dmarc.Parse(strings.TrimSpace(found[0]))
		if err != nil {
			return dmarcPolicy{text: found[0], domain: d, invalid: err.Error()}, nil
		}
		return dmarcPolicy{record: rec, text: found[0], domain: d}, nil
	}
	return dmarcPolicy{}, nil
}

// reportAuthorized reports whether dest has published the authorization
// record <policyDomain>._report._dmarc.<dest> (RFC 7489 section 7.1).
func reportAuthorized(ctx context.Context, c *client, policyDomain, dest string) (bool, error) {
	txts, err := c.txt(ctx, policyDomain+"._report._dmarc."+dest)
	if err != nil {
		if isNotFound(err) {
			return false, nil
		}
		return false, err
	}
	return anyDMARC(txts), nil
}
