package receive

import (
	"fmt"
	"strings"

	"github.com/domainauth/domainauth/arc"
	"github.com/domainauth/domainauth/authres"
	"github.com/domainauth/domainauth/internal/dnsname"
)

// TrustedSealers returns a LocalPolicy that overrides a DMARC fail when
// the ARC chain passes and its newest seal (the intermediary that handed
// the message over) is by one of domains, compared as DNS names. The
// Override has type local_policy and the comment RFC 8617 section 7.2.1
// gives for aggregate reports; see ARCComment.
func TrustedSealers(domains ...string) func(*Result) *Override {
	var trusted []string
	for _, d := range domains {
		trusted = append(trusted, dnsname.Canonical(d))
	}
	return func(res *Result) *Override {
		if res.ARC == nil || res.ARC.Status != arc.Pass {
			return nil
		}
		sealer := dnsname.Canonical(res.ARC.Sealer())
		for _, d := range trusted {
			if d == sealer {
				return &Override{Type: "local_policy", Comment: ARCComment(res.ARC)}
			}
		}
		return nil
	}
}

// ARCComment describes a passing chain for the comment of a DMARC
// aggregate report's override reason, as RFC 8617 section 7.2.1 shows it:
// "arc=pass", then the d= and s= of each seal, newest first, and the
// client address the first intermediary recorded (smtp.remote-ip in its
// AAR), when it did:
//
//	arc=pass as[2].d=lists.example.org as[2].s=arc as[1].d=fwd.example as[1].s=s1 remote-ip[1]=192.0.2.1
func ARCComment(r *arc.Result) string {
	var b strings.Builder
	b.WriteString("arc=")
	b.WriteString(r.Status.String())
	for i := len(r.Sets) - 1; i >= 0; i-- {
		s := r.Sets[i]
		if s.Seal != nil {
			fmt.Fprintf(&b, " as[%d].d=%s as[%d].s=%s", s.Instance, s.Seal.Domain, s.Instance, s.Seal.Selector)
		}
	}
	if len(r.Sets) > 0 && r.Sets[0].AuthResults != nil {
		if h, err := authres.Parse(r.Sets[0].AuthResults.Results); err == nil {
			for _, res := range h.Results {
				if ip, ok := res.Get("smtp", "remote-ip"); ok {
					fmt.Fprintf(&b, " remote-ip[1]=%s", ip)
					break
				}
			}
		}
	}
	return b.String()
}
