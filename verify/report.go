package verify

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

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
//
// The text holds printable characters and line breaks only, one line per
// verdict, reason, record, finding and fix: what was found in DNS is
// anybody's bytes, so a found value with a character that is not
// printable (a line break, an escape sequence, a bidi control such as
// U+202E) or that is not UTF-8 is written Go-quoted ("v=DMARC1;\n..."),
// and such characters elsewhere are written as Go escapes. Each found
// value is cut at 80 bytes. The JSON form has the values as found.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s\n  %s\n", printable(r.Domain), r.Status, printable(r.Reason))
	writeFindings(&b, r.Findings)
	for _, rr := range r.Records {
		opt := ""
		if !rr.Required {
			opt = ", optional"
		}
		fmt.Fprintf(&b, "  %-9s %-5s %s (%s%s)", rr.Status, rr.Type, printable(rr.FQDN), rr.Purpose, opt)
		if len(rr.Found) > 0 {
			found := make([]string, len(rr.Found))
			for i, v := range rr.Found {
				found[i] = quoteUnprintable(v)
			}
			fmt.Fprintf(&b, ": %s", shorten(strings.Join(found, ", ")))
		}
		b.WriteByte('\n')
		writeFindings(&b, rr.Findings)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeFindings(b *strings.Builder, fs []finding.Finding) {
	for _, f := range fs {
		fmt.Fprintf(b, "    %-7s %s: %s\n", f.Severity, f.Code, printable(f.Message))
		if f.Fix != "" {
			fmt.Fprintf(b, "            fix: %s\n", printable(f.Fix))
		}
	}
}

// isPrintable reports whether s is UTF-8 of printable characters only
// (strconv.IsPrint: no control, format or bidi characters).
func isPrintable(s string) bool {
	for i := 0; i < len(s); {
		if c := s[i]; c >= 0x20 && c < 0x7f {
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 || !strconv.IsPrint(r) {
			return false
		}
		i += n
	}
	return true
}

// quoteUnprintable returns s, or s Go-quoted when it is not printable.
func quoteUnprintable(s string) string {
	if isPrintable(s) {
		return s
	}
	return strconv.Quote(s)
}

// printable returns s with every character that is not printable, and
// every byte that is not UTF-8, written as a Go escape (\n, \x1b,
// \u202e); other characters, quotes and backslashes included, are kept.
func printable(s string) string {
	if isPrintable(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case strconv.IsPrint(r):
			b.WriteString(s[i : i+n])
		default:
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		}
		i += n
	}
	return b.String()
}

// String returns the text form of WriteText.
func (r *Report) String() string {
	var b strings.Builder
	_ = r.WriteText(&b)
	return b.String()
}
