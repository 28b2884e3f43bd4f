// Command checkdomain reports what a domain publishes for email
// authentication: its SPF policy (with the include tree and the DNS lookup
// count), the DMARC policy that applies to it, and DKIM keys for the
// selectors given.
//
//	go run ./examples/checkdomain example.com
//	go run ./examples/checkdomain -selector s1,s2 -json example.com
//	go run ./examples/checkdomain -zone customer.zone example.com
//	go run ./examples/checkdomain -server 127.0.0.1:5353 example.com
//	go run ./examples/checkdomain -dmarc rfc7489 example.com
//
// DMARC follows RFC 9989 (the DNS tree walk) unless -dmarc rfc7489 asks
// for RFC 7489 (the organizational domain of the public suffix list, pct);
// the report says which.
//
// It uses the system's DNS servers by default, a zone file with -zone (no
// network at all) or a given server with -server. The exit status is 0 when
// nothing is wrong, 1 when a finding of severity error was made or a lookup
// failed, and 2 for bad usage.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"time"

	"github.com/domainauth/domainauth"
	"github.com/domainauth/domainauth/dkim"
	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/finding"
	"github.com/domainauth/domainauth/spf"
)

// Report is the -json output.
type Report struct {
	Domain string       `json:"domain"`
	SPF    SPFReport    `json:"spf"`
	DMARC  DMARCReport  `json:"dmarc"`
	DKIM   []DKIMReport `json:"dkim,omitempty"`
	// Failed is true when something is wrong enough for exit status 1.
	Failed bool `json:"failed"`
}

// SPFReport is the SPF part of a Report.
type SPFReport struct {
	Record      string            `json:"record,omitempty"`
	Lookups     int               `json:"lookups"`
	VoidLookups int               `json:"void_lookups"`
	Tree        []string          `json:"tree,omitempty"`
	Findings    []finding.Finding `json:"findings,omitempty"`
	Error       string            `json:"error,omitempty"`
}

// DMARCReport is the DMARC part of a Report.
type DMARCReport struct {
	Mode         string            `json:"mode"` // the specification followed: rfc9989 or rfc7489
	Record       string            `json:"record,omitempty"`
	PolicyDomain string            `json:"policy_domain,omitempty"`
	Discovery    string            `json:"discovery,omitempty"`
	Applies      string            `json:"policy_applied,omitempty"`
	ADKIM        string            `json:"adkim,omitempty"`
	ASPF         string            `json:"aspf,omitempty"`
	Findings     []finding.Finding `json:"findings,omitempty"`
	Error        string            `json:"error,omitempty"`
}

// DKIMReport is one selector's key.
type DKIMReport struct {
	Selector string `json:"selector"`
	Name     string `json:"name"`
	Found    bool   `json:"found"`
	KeyType  string `json:"key_type,omitempty"`
	Bits     int    `json:"bits,omitempty"`
	Revoked  bool   `json:"revoked,omitempty"`
	Testing  bool   `json:"testing,omitempty"`
	Error    string `json:"error,omitempty"`
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("checkdomain", flag.ContinueOnError)
	fs.SetOutput(stderr)
	zoneFile := fs.String("zone", "", "answer from this BIND zone file instead of DNS (no network)")
	server := fs.String("server", "", "query this DNS server (host:port) instead of the system's")
	selectors := fs.String("selector", "", "comma-separated DKIM selectors to check")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	timeout := fs.Duration("timeout", 15*time.Second, "time allowed for all lookups")
	modeName := fs.String("dmarc", dmarc.RFC9989.String(), "DMARC specification to follow: rfc9989 or rfc7489")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: checkdomain [-zone file | -server host:port] [-selector s1,s2] [-dmarc rfc9989|rfc7489] [-json] domain")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return 2
	}
	domain, err := domainauth.NormalizeDomain(fs.Arg(0))
	if err != nil {
		fmt.Fprintln(stderr, "checkdomain:", err)
		return 2
	}
	mode, err := dmarc.ParseMode(*modeName)
	if err != nil {
		fmt.Fprintln(stderr, "checkdomain: -dmarc:", err)
		return 2
	}

	var r domainauth.Resolver
	source := "the system's DNS servers"
	switch {
	case *zoneFile != "" && *server != "":
		fmt.Fprintln(stderr, "checkdomain: give -zone or -server, not both")
		return 2
	case *zoneFile != "":
		text, err := os.ReadFile(*zoneFile)
		if err != nil {
			fmt.Fprintln(stderr, "checkdomain:", err)
			return 2
		}
		fake, err := domainauth.NewFakeResolver(string(text))
		if err != nil {
			fmt.Fprintf(stderr, "checkdomain: %s: %v\n", *zoneFile, err)
			return 2
		}
		r, source = fake, *zoneFile
	case *server != "":
		r, source = &domainauth.StubResolver{Servers: []string{*server}}, *server
	default:
		r = &domainauth.StubResolver{}
	}

	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	rep := check(ctx, r, domain, splitList(*selectors), mode)
	if rep.unreachable {
		fmt.Fprintf(stderr, "checkdomain: could not get answers from %s (no network, or the server is down?); try -server host:port or -zone file\n", source)
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.Encode(rep.Report)
	} else {
		printText(stdout, &rep.Report)
	}
	if rep.Failed {
		return 1
	}
	return 0
}

// errSPFTemporary stands for an SPF analysis that could not fetch a record.
var errSPFTemporary = &net.DNSError{Err: "SPF lookup failed", IsTemporary: true}

type result struct {
	Report
	unreachable bool // every lookup failed temporarily
}

func check(ctx context.Context, r domainauth.Resolver, domain string, selectors []string, mode dmarc.Mode) result {
	res := result{Report: Report{Domain: domain}}
	temporary, total := 0, 0
	note := func(err error) {
		total++
		if domainauth.IsTemporary(err) {
			temporary++
			res.Failed = true
		}
	}

	// SPF: the static analysis walks the include tree.
	a, err := spf.Analyze(ctx, r, domain)
	if err == nil && a != nil && a.Has(finding.CodeSPFTempError) {
		err = errSPFTemporary
	}
	note(err)
	switch {
	case err == errSPFTemporary && a.Root.Text == "": // errSPFTemporary comes with a, whose Root is never nil
		// Not "no SPF record": the record could not be read.
		res.SPF.Error = "temporary DNS failure: the SPF record could not be read (see the finding below)"
	case err != nil && err != errSPFTemporary:
		res.SPF.Error = err.Error()
	}
	if a != nil {
		res.SPF.Lookups, res.SPF.VoidLookups = a.Lookups, a.VoidLookups
		if a.Root != nil {
			res.SPF.Record = a.Root.Text
			res.SPF.Tree = tree(a.Root, "")
		}
		for _, f := range a.Findings {
			res.SPF.Findings = append(res.SPF.Findings, f)
			if f.Severity == finding.Error {
				res.Failed = true
			}
		}
	}

	// DMARC: the policy that applies to mail From this domain.
	res.DMARC.Mode = mode.String()
	dc := dmarc.Checker{Resolver: r, Mode: mode}
	lr, err := dc.Lookup(ctx, domain)
	note(err)
	if err != nil {
		res.DMARC.Error = err.Error()
		res.Failed = true
	}
	if lr != nil {
		res.DMARC.Record = lr.TXT
		res.DMARC.PolicyDomain = lr.PolicyDomain
		res.DMARC.Discovery = lr.Discovery.String()
		if rec := lr.Record; rec != nil {
			applies, _ := lr.AppliedPolicy()
			res.DMARC.Applies = string(applies)
			res.DMARC.ADKIM, res.DMARC.ASPF = string(rec.ADKIM), string(rec.ASPF)
		} else if err == nil {
			res.DMARC.Findings = append(res.DMARC.Findings, finding.Finding{Code: finding.CodeDMARCMissing, Severity: finding.Warning,
				Message: "no DMARC record at _dmarc." + domain + " or its organizational domain"})
		}
		res.DMARC.Findings = append(res.DMARC.Findings, lr.Findings...)
	}

	// DKIM: each selector's key record.
	for _, sel := range selectors {
		d := DKIMReport{Selector: sel, Name: sel + "._domainkey." + domain}
		txt, err := r.LookupTXT(ctx, d.Name)
		note(err)
		switch {
		case domainauth.IsNotFound(err):
		case err != nil:
			d.Error = err.Error()
		default:
			k, perr := parseFirstKey(txt)
			d.Found = true
			if perr != nil {
				d.Error = perr.Error()
				res.Failed = true
				break
			}
			d.KeyType, d.Bits, d.Revoked, d.Testing = string(k.Type), k.Bits(), k.Revoked(), k.Testing
		}
		res.DKIM = append(res.DKIM, d)
	}
	res.unreachable = total > 0 && temporary == total
	return res
}

// parseFirstKey parses the key among a name's TXT records; several records
// at one selector is itself a problem.
func parseFirstKey(txt []string) (*dkim.Key, error) {
	if len(txt) > 1 {
		return nil, fmt.Errorf("%d TXT records at one selector; verifiers may pick any", len(txt))
	}
	return dkim.ParseKey(txt[0])
}

// hasFinding reports whether fs holds a finding with the code.
func hasFinding(fs []finding.Finding, code finding.Code) bool {
	for _, f := range fs {
		if f.Code == code {
			return true
		}
	}
	return false
}

func tree(n *spf.Node, indent string) []string {
	via := ""
	if n.Via != 0 {
		via = n.Via.String() + ":"
	}
	line := fmt.Sprintf("%s%s%s (%d lookups)", indent, via, n.Domain, n.Lookups)
	if n.Text == "" {
		line += " [no SPF record]"
	}
	out := []string{line}
	for _, c := range n.Children {
		out = append(out, tree(c, indent+"  ")...)
	}
	return out
}

func printText(w io.Writer, rep *Report) {
	fmt.Fprintf(w, "Domain: %s\n\nSPF\n", rep.Domain)
	switch {
	case rep.SPF.Error != "":
		fmt.Fprintf(w, "  lookup failed: %s\n", rep.SPF.Error)
	case rep.SPF.Record == "" && hasFinding(rep.SPF.Findings, finding.CodeSPFMultiple):
		// Not "no SPF record": there are several, which is as bad but
		// needs the opposite fix (merge, not add).
		fmt.Fprintln(w, "  more than one SPF record: receivers ignore them all (permerror); merge them into one (see the finding below)")
	case rep.SPF.Record == "":
		fmt.Fprintln(w, "  no SPF record")
	default:
		fmt.Fprintf(w, "  record:  %s\n  lookups: %d of 10 (void: %d of 2)\n  tree:\n", rep.SPF.Record, rep.SPF.Lookups, rep.SPF.VoidLookups)
		for _, l := range rep.SPF.Tree {
			fmt.Fprintf(w, "    %s\n", l)
		}
	}
	printFindings(w, rep.SPF.Findings)

	fmt.Fprintf(w, "\nDMARC (%s)\n", rep.DMARC.Mode)
	switch {
	case rep.DMARC.Error != "":
		fmt.Fprintf(w, "  lookup failed: %s\n", rep.DMARC.Error)
	case rep.DMARC.Record == "":
		fmt.Fprintln(w, "  no DMARC policy")
	default:
		fmt.Fprintf(w, "  record:  %s\n  found at _dmarc.%s (%s)\n  policy for %s: %s (adkim=%s, aspf=%s)\n",
			rep.DMARC.Record, rep.DMARC.PolicyDomain, rep.DMARC.Discovery, rep.Domain, rep.DMARC.Applies, rep.DMARC.ADKIM, rep.DMARC.ASPF)
	}
	printFindings(w, rep.DMARC.Findings)

	if len(rep.DKIM) > 0 {
		fmt.Fprintln(w, "\nDKIM")
	}
	for _, d := range rep.DKIM {
		switch {
		case d.Error != "":
			fmt.Fprintf(w, "  %s: %s\n", d.Name, d.Error)
		case !d.Found:
			fmt.Fprintf(w, "  %s: no key\n", d.Name)
		case d.Revoked:
			fmt.Fprintf(w, "  %s: key revoked (empty p=)\n", d.Name)
		default:
			fmt.Fprintf(w, "  %s: %s %d bits", d.Name, d.KeyType, d.Bits)
			if d.Testing {
				fmt.Fprint(w, " (testing, t=y)")
			}
			fmt.Fprintln(w)
		}
	}
	if rep.Failed {
		fmt.Fprintln(w, "\nResult: problems found")
	} else {
		fmt.Fprintln(w, "\nResult: ok")
	}
}

func printFindings(w io.Writer, fs []finding.Finding) {
	for _, f := range fs {
		fmt.Fprintf(w, "  [%s] %s: %s\n", f.Severity, f.Code, f.Message)
	}
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
