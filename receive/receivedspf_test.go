package receive

import (
	"errors"
	"net/netip"
	"testing"

	"github.com/domainauth/domainauth/spf"
)

func TestReceivedSPF(t *testing.T) {
	env := Envelope{IP: netip.MustParseAddr("::ffff:192.0.2.1"), HELO: "h.example", MailFrom: `a"b\c@example.com`}
	for _, tc := range []struct {
		o    spf.Outcome
		id   string
		want string
	}{
		{spf.Outcome{Result: spf.Fail}, "mailfrom", "Received-SPF: fail (mx: domain of a\"b\\\\c@example.com does not designate 192.0.2.1 as permitted sender)\r\n" +
			"\tclient-ip=192.0.2.1;\r\n\tenvelope-from=\"a\\\"b\\\\c@example.com\";\r\n\thelo=h.example;\r\n\treceiver=mx;\r\n\tidentity=mailfrom\r\n"},
		{spf.Outcome{Result: spf.SoftFail}, "helo", "Received-SPF: softfail (mx: domain of transitioning postmaster@h.example does not designate 192.0.2.1 as permitted sender)\r\n" +
			"\tclient-ip=192.0.2.1;\r\n\tenvelope-from=\"a\\\"b\\\\c@example.com\";\r\n\thelo=h.example;\r\n\treceiver=mx;\r\n\tidentity=helo\r\n"},
		{spf.Outcome{Result: spf.Neutral}, "mailfrom", "Received-SPF: neutral (mx: 192.0.2.1 is neither permitted nor denied by domain of a\"b\\\\c@example.com)\r\n" +
			"\tclient-ip=192.0.2.1;\r\n\tenvelope-from=\"a\\\"b\\\\c@example.com\";\r\n\thelo=h.example;\r\n\treceiver=mx;\r\n\tidentity=mailfrom\r\n"},
	} {
		if got := receivedSPF(tc.o, env, tc.id, "mx"); got != tc.want {
			t.Errorf("%v:\n got %q\nwant %q", tc.o.Result, got, tc.want)
		}
	}
	bare := Envelope{}
	for _, tc := range []struct {
		o    spf.Outcome
		want string
	}{
		{spf.Outcome{Result: spf.None}, "Received-SPF: none (: domain of postmaster@ does not publish an SPF policy)\r\n\tidentity=helo\r\n"},
		{spf.Outcome{Result: spf.TempError, Err: errors.New("DNS (timeout)\r\n")}, "Received-SPF: temperror (: temporary error checking the SPF policy of postmaster@)\r\n\tidentity=helo;\r\n\tproblem=\"DNS (timeout)  \"\r\n"},
		{spf.Outcome{Result: spf.PermError, Err: errors.New("two records")}, "Received-SPF: permerror (: permanent error in the SPF policy of postmaster@)\r\n\tidentity=helo;\r\n\tproblem=\"two records\"\r\n"},
	} {
		if got := receivedSPF(tc.o, bare, "helo", ""); got != tc.want {
			t.Errorf("%v:\n got %q\nwant %q", tc.o.Result, got, tc.want)
		}
	}
	if got := commentText("a(b)c\\d\x01"); got != `a\(b\)c\\d ` {
		t.Errorf("commentText = %q", got)
	}
	for v, want := range map[string]bool{"a.b": true, "a..b": false, ".a": false, "a.": false, "": false, "a b": false, "a+b=c": true, "[x]": false, "A": true, "Z": true, "a": true, "z": true, "0": true, "9": true, "@": false, "`": true, ":": false, "!": true, "~": true} {
		if isDotAtom(v) != want {
			t.Errorf("isDotAtom(%q) = %v", v, !want)
		}
	}
}
