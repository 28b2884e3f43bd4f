package verify

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/domainauth/domainauth/finding"
)

// JSON returns the report in its documented JSON form (see the package
// documentation), indented for reading.
func (r *Report) JSON() ([]byte, error) {
	return json.MarshalIndent(r, "", "  ")
}

// WriteText writes the report for a person: the verdict and its reason,
// then one line per record and, under it, each finding with its fix.
//
//	example.com: pending
//	  1 of 3 required records missing or wrong (TXT cio123.example.com); ...
//	  found     MX    cio123.example.com  10 mxa.example.net, 10 mxb.example.net
//	  missing   TXT   cio123.example.com  (spf)
//	    error   record-missing: no SPF record found at cio123.example.com
//	            fix: Add a TXT record with host "cio123" and the value ...
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s\n  %s\n", r.Domain, r.Status, r.Reason)
	writeFindings(&b, r.Findings)
	for _, rr := range r.Records {
		opt := ""
		if !rr.Required {
			opt = ", optional"
		}
		fmt.Fprintf(&b, "  %-9s %-5s %s (%s%s)", rr.Status, rr.Type, rr.FQDN, rr.Purpose, opt)
		if len(rr.Found) > 0 {
			fmt.Fprintf(&b, ": %s", shorten(strings.Join(rr.Found, ", ")))
		}
		b.WriteByte('\n')
		writeFindings(&b, rr.Findings)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeFindings(b *strings.Builder, fs []finding.Finding) {
	for _, f := range fs {
		fmt.Fprintf(b, "    %-7s %s: %s\n", f.Severity, f.Code, f.Message)
		if f.Fix != "" {
			fmt.Fprintf(b, "            fix: %s\n", f.Fix)
		}
	}
}

// String returns the text form of WriteText.
func (r *Report) String() string {
	var b strings.Builder
	_ = r.WriteText(&b)
	return b.String()
}
