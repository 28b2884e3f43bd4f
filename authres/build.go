package authres

import (
	"encoding/base64"
	"strings"

	"github.com/domainauth/domainauth/dkim"
	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/spf"
)

// Method names of the checks this module performs (RFC 8601 section 2.7,
// RFC 7489 section 11.2).
const (
	MethodSPF   = "spf"
	MethodDKIM  = "dkim"
	MethodDMARC = "dmarc"
)

// SPFMailFrom returns the result of an SPF check of the MAIL FROM
// identity: spf=<result> smtp.mailfrom=<mailFrom> (RFC 8601 section
// 2.7.2). The SPF results map one to one to Authentication-Results
// results (RFC 7208 section 9.2). mailFrom is the MAIL FROM address, or
// its domain (receivers write either); when it is empty the property is
// left out. When the reverse-path was empty, SPF checks the HELO identity
// instead (RFC 7208 section 2.4): use SPFHELO.
//
// For temperror and permerror, Reason is the text of o.Err. That text
// names the domains and the DNS problem; if you would rather not tell the
// recipient even that, clear Reason. The exp= explanation of a fail is
// left out: it is text from the domain owner, which a receiver shows at
// the SMTP level, if anywhere.
func SPFMailFrom(o spf.Outcome, mailFrom string) Result {
	return spfResult(o, "mailfrom", mailFrom)
}

// SPFHELO returns the result of an SPF check of the HELO identity:
// spf=<result> smtp.helo=<helo>. See SPFMailFrom.
func SPFHELO(o spf.Outcome, helo string) Result {
	return spfResult(o, "helo", helo)
}

func spfResult(o spf.Outcome, name, identity string) Result {
	r := Result{Method: MethodSPF, Value: "permerror"}
	switch o.Result {
	case spf.None, spf.Neutral, spf.Pass, spf.Fail, spf.SoftFail, spf.TempError, spf.PermError:
		r.Value = o.Result.String()
	default:
		r.Reason = "unknown SPF result " + o.Result.String()
	}
	if o.Err != nil && (o.Result == spf.TempError || o.Result == spf.PermError) {
		r.Reason = o.Err.Error()
	}
	if identity != "" {
		r.Properties = []Property{{Type: "smtp", Name: name, Value: identity}}
	}
	return r
}

// MinSignaturePrefix is the number of characters of a DKIM signature's
// b= value that DKIM writes as header.b, the least RFC 6008 section 4
// allows.
const MinSignaturePrefix = 8

// DKIM returns one result per DKIM-Signature field that dkim.Verify
// checked, in the same order, or the single result "dkim=none" when there
// is none (the message was not signed, RFC 8601 section 2.7.1).
//
// Each result has header.d (the signing domain), header.i (the AUID, when
// the signature has i=), header.s (selector), header.a (algorithm) and
// header.b: the start of the signature, MinSignaturePrefix characters or
// more when two signatures begin alike, so that a reader can tell which
// signature a result is about when a domain signs twice (RFC 6008). The
// properties come from whatever of the signature could be read; a field
// too broken to parse has none. Reason is the text of Err for every
// result but pass.
func DKIM(results ...dkim.Result) []Result {
	if len(results) == 0 {
		return []Result{{Method: MethodDKIM, Value: "none"}}
	}
	sigs := make([]string, len(results))
	for i, r := range results {
		if r.Signature != nil && len(r.Signature.Signature) > 0 {
			sigs[i] = base64.StdEncoding.EncodeToString(r.Signature.Signature)
		}
	}
	out := make([]Result, len(results))
	for i, r := range results {
		res := Result{Method: MethodDKIM, Value: "neutral"}
		switch r.Status {
		case dkim.Pass, dkim.Fail, dkim.Neutral, dkim.TempError, dkim.PermError:
			res.Value = r.Status.String()
		}
		if r.Status != dkim.Pass && r.Err != nil {
			res.Reason = r.Err.Error()
		}
		if s := r.Signature; s != nil {
			props := make([]Property, 0, 5)
			add := func(name, v string) {
				if v != "" {
					props = append(props, Property{Type: "header", Name: name, Value: v})
				}
			}
			add("d", s.Domain)
			add("i", s.Identity)
			add("s", s.Selector)
			add("a", string(s.Algorithm))
			add("b", signaturePrefix(sigs, i))
			if len(props) > 0 {
				res.Properties = props
			}
		}
		out[i] = res
	}
	return out
}

// signaturePrefix returns the shortest prefix of sigs[i], at least
// MinSignaturePrefix long, that no other signature starts with (or all of
// it, when another signature is the same or longer with the same start).
func signaturePrefix(sigs []string, i int) string {
	s := sigs[i]
	n := min(MinSignaturePrefix, len(s))
	for n < len(s) {
		clash := false
		for j, t := range sigs {
			if j != i && strings.HasPrefix(t, s[:n]) {
				clash = true
				break
			}
		}
		if !clash {
			break
		}
		n++
	}
	return s[:n]
}

// DMARC returns the DMARC result of a message: dmarc=<status>
// header.from=<From domain> (RFC 7489 section 11.2), with the policy in a
// comment, "p=reject dis=quarantine" (the tag that applied, p, sp or np,
// and the disposition), as many receivers write it for people to read.
// For temperror and permerror, Reason is the text of r.Err.
//
// No policy.* property is written: RFC 7489 registers only header.from
// for dmarc. DMARCbis drafts proposed properties for the policy record
// (polrec.p, polrec.domain), but their final names could not be confirmed
// for this package; append them to Properties yourself if your readers
// expect them.
func DMARC(r dmarc.Result) Result {
	res := Result{Method: MethodDMARC, Value: "permerror"}
	switch v := strings.ToLower(string(r.Status)); {
	case v == "":
		res.Value = "none"
	case isKeyword(v):
		res.Value = v
	}
	if r.Policy != "" {
		tag := r.PolicyTag
		if tag == "" {
			tag = "p"
		}
		res.Comment = tag + "=" + string(r.Policy)
		if r.Disposition != "" {
			res.Comment += " dis=" + string(r.Disposition)
		}
	}
	if r.Err != nil && (r.Status == dmarc.StatusTempError || r.Status == dmarc.StatusPermError) {
		res.Reason = r.Err.Error()
	}
	if r.FromDomain != "" {
		res.Properties = []Property{{Type: "header", Name: "from", Value: r.FromDomain}}
	}
	return res
}
