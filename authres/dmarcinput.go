package authres

import (
	"github.com/domainauth/domainauth/dkim"
	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/spf"
)

// The spf, dkim and dmarc packages do not import one another, so these
// adapters, like the Authentication-Results constructors above, live here:
// they turn what spf and dkim returned into the input of a DMARC
// evaluation, with no strings to convert by hand.

// SPFForDMARC returns the SPF input of a DMARC evaluation from an SPF
// outcome and the domain SPF checked: the domain of the MAIL FROM address,
// or the HELO name when the reverse-path was empty (RFC 7208 section 2.4).
// Give the domain exactly as checked; DMARC compares it with the From
// domain for alignment.
func SPFForDMARC(o spf.Outcome, domain string) dmarc.SPFResult {
	return dmarc.SPFResult{Domain: domain, Result: spfAuthResult(o.Result)}
}

// DKIMForDMARC returns the DKIM input of a DMARC evaluation, one entry per
// signature result, in order. A result without a parsed signature (a
// field too malformed to name its domain) is left out: it cannot align.
func DKIMForDMARC(results ...dkim.Result) []dmarc.DKIMResult {
	var out []dmarc.DKIMResult
	for _, r := range results {
		if r.Signature == nil || r.Signature.Domain == "" {
			continue
		}
		out = append(out, dmarc.DKIMResult{Domain: r.Signature.Domain, Selector: r.Signature.Selector, Result: dkimAuthResult(r.Status)})
	}
	return out
}

// DMARCInput returns the whole input of a DMARC evaluation: the From
// domain (see [dmarc.FromDomain]), the SPF outcome with the domain it
// checked, and the DKIM results.
func DMARCInput(fromDomain string, spfOutcome spf.Outcome, spfDomain string, dkimResults []dkim.Result) dmarc.Input {
	return dmarc.Input{FromDomain: fromDomain, SPF: SPFForDMARC(spfOutcome, spfDomain), DKIM: DKIMForDMARC(dkimResults...)}
}

// spfAuthResult maps the SPF results one to one (RFC 7208 section 2.6).
func spfAuthResult(r spf.Result) dmarc.AuthResult {
	switch r {
	case spf.Pass:
		return dmarc.AuthPass
	case spf.Fail:
		return dmarc.AuthFail
	case spf.SoftFail:
		return dmarc.AuthSoftFail
	case spf.Neutral:
		return dmarc.AuthNeutral
	case spf.TempError:
		return dmarc.AuthTempError
	case spf.PermError:
		return dmarc.AuthPermError
	}
	return dmarc.AuthNone
}

// dkimAuthResult maps a signature's status to its RFC 8601 section 2.7.1
// result; a signature that was not evaluated is neutral.
func dkimAuthResult(s dkim.Status) dmarc.AuthResult {
	switch s {
	case dkim.Pass:
		return dmarc.AuthPass
	case dkim.Fail:
		return dmarc.AuthFail
	case dkim.TempError:
		return dmarc.AuthTempError
	case dkim.PermError:
		return dmarc.AuthPermError
	case dkim.Neutral:
		return dmarc.AuthNeutral
	}
	return dmarc.AuthNone
}
