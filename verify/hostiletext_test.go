package verify_test

import (
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// The text report (Report.String, WriteText) goes to terminals, log lines
// and web pages, and it quotes what the customer's DNS holds. A TXT record
// is any bytes: a line break in it must not start a line of the report
// ("✔ DKIM verified" faked under the real verdict), and an escape
// sequence (ANSI colours, a screen clear) or a bidi override (U+202E)
// must not reach the terminal. Every line of the report has printable
// characters only, and as many lines as the records and findings give.
func TestReportTextEscapesDNSValues(t *testing.T) {
	tests := []struct {
		name, zone string
	}{
		{"line break in DMARC", `_dmarc TXT "v=DMARC1; p=none; rua=mailto:x@example.com\010\226\156\148 DKIM verified"` + "\n"},
		{"ANSI escape in DMARC", `_dmarc TXT "v=DMARC1; p=none\027[2J\027[32mverified"` + "\n"},
		{"bidi override in DMARC", `_dmarc TXT "v=DMARC1; p=none; rua=mailto:\226\128\174moc.elpmaxe@x"` + "\n"},
		{"CR LF in SPF", "cio123 TXT \"v=spf1 include:_spf.provider.net ~all\\013\\010  found     TXT   cio123.example.com (spf)\"\n" + okDMARC},
		{"second TXT in SPF", "cio123 TXT \"hello\\010    info    all-good: everything checked\"\n" + okSPF + okDMARC},
		{"line break in DKIM key", "krs._domainkey.cio123 TXT \"v=DKIM1; k=rsa; p=MIIB\\010\\226\\156\\148 DKIM verified\"\n" + okSPF + okDMARC},
		{"UTF-8 at the 80-byte cut", `_dmarc TXT "v=DMARC1; p=none; x=` + strings.Repeat("a", 56) + `\195\188\195\188\195\188"` + "\n"},
		{"control character in DKIM tag name", "krs._domainkey.cio123 TXT \"v=DKIM1; \\027[31mx\\226\\128\\174; k=rsa; p=MIIB\"\n" + okSPF + okDMARC},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parts := []string{okMX, tt.zone}
			if !strings.Contains(tt.zone, "_domainkey") {
				parts = append(parts, okDKIM)
			}
			if !strings.Contains(tt.zone, "cio123 TXT") {
				parts = append(parts, okSPF)
			}
			rep, err := verifier(fakeZone(t, parts...)).Verify(t.Context(), accountSet())
			if err != nil {
				t.Fatal(err)
			}
			text := rep.String()
			lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
			want := 2 + len(rep.Records)
			for _, f := range rep.Findings {
				want += 1 + btoi(f.Fix != "")
			}
			for _, rr := range rep.Records {
				for _, f := range rr.Findings {
					want += 1 + btoi(f.Fix != "")
				}
			}
			if len(lines) != want {
				t.Errorf("%d lines, want %d: a value from DNS started a line of its own:\n%s", len(lines), want, text)
			}
			for i, l := range lines {
				if !utf8.ValidString(l) {
					t.Errorf("line %d is not UTF-8: %q", i+1, l)
				}
				for _, r := range l {
					if !strconv.IsPrint(r) {
						t.Errorf("line %d has the unprintable %U: %q", i+1, r, l)
						break
					}
				}
			}
		})
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
