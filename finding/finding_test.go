package finding_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/finding"
)

func TestSeverityOrderAndText(t *testing.T) {
	if !(finding.Info < finding.Warning && finding.Warning < finding.Error) {
		t.Fatal("severities are not ordered Info < Warning < Error")
	}
	// The numbers are those tracking used (Info = 1): stored numbers keep
	// their meaning, and the zero Severity means unset.
	if finding.Info != 1 || finding.Warning != 2 || finding.Error != 3 {
		t.Fatalf("Info, Warning, Error = %d, %d, %d; want 1, 2, 3", finding.Info, finding.Warning, finding.Error)
	}
	for s, want := range map[finding.Severity]string{finding.Info: "info", finding.Warning: "warning", finding.Error: "error"} {
		if s.String() != want {
			t.Errorf("%d.String() = %q, want %q", int(s), s.String(), want)
		}
		b, err := json.Marshal(s)
		if err != nil || string(b) != `"`+want+`"` {
			t.Errorf("json.Marshal(%v) = %s, %v; want %q", s, b, err, want)
		}
		var back finding.Severity
		if err := json.Unmarshal(b, &back); err != nil || back != s {
			t.Errorf("json.Unmarshal(%s) = %v, %v; want %v", b, back, err, s)
		}
	}
}

func TestSeverityInvalid(t *testing.T) {
	for _, s := range []finding.Severity{0, -1, finding.Error + 1} {
		if s.Valid() {
			t.Errorf("Severity(%d).Valid() = true", int(s))
		}
		if _, err := json.Marshal(s); err == nil {
			t.Errorf("json.Marshal(Severity(%d)) succeeded; an unset or unknown severity must not marshal", int(s))
		}
		if !strings.HasPrefix(s.String(), "Severity(") {
			t.Errorf("Severity(%d).String() = %q", int(s), s.String())
		}
	}
	for _, in := range []string{`"critical"`, `"Error"`, `""`, `"unknown"`} {
		var s finding.Severity
		if err := json.Unmarshal([]byte(in), &s); err == nil {
			t.Errorf("json.Unmarshal(%s) = %v, want an error", in, s)
		}
	}
	// A Finding whose producer forgot the severity does not marshal.
	if _, err := json.Marshal(finding.Finding{Code: finding.CodeRecordMissing, Message: "m"}); err == nil {
		t.Error("a Finding with the zero Severity marshalled")
	}
}

func TestFindingJSON(t *testing.T) {
	f := finding.Finding{Code: finding.CodeNameDoubled, Severity: finding.Error,
		Subject: "cio123.example.com MX", Message: "found at cio123.example.com.example.com", Fix: "enter cio123"}
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"code":"name-doubled","severity":"error","subject":"cio123.example.com MX","message":"found at cio123.example.com.example.com","fix":"enter cio123"}`
	if string(b) != want {
		t.Errorf("json = %s\nwant   %s", b, want)
	}
	var back finding.Finding
	if err := json.Unmarshal(b, &back); err != nil || back != f {
		t.Errorf("round trip = %+v, %v", back, err)
	}
	// subject and fix are omitted when empty.
	b, _ = json.Marshal(finding.Finding{Code: finding.CodeFromTemplated, Severity: finding.Warning, Message: "m"})
	if want := `{"code":"from-templated","severity":"warning","message":"m"}`; string(b) != want {
		t.Errorf("json = %s, want %s", b, want)
	}
}

func TestFindingString(t *testing.T) {
	f := finding.Finding{Code: finding.CodeSPFPtr, Severity: finding.Warning, Subject: "example.com", Message: "ptr is slow"}
	if got, want := f.String(), "warning spf-ptr example.com: ptr is slow"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	f.Subject = ""
	if got, want := f.String(), "warning spf-ptr: ptr is slow"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}
