package domainauth

import (
	"context"
	"testing"
)

// The constants must be the wire numbers of the IANA RR TYPE registry
// (RFC 1035 section 3.2.2, RFC 3596 section 2.1, RFC 4408 section 3.1.1),
// which is what the fake resolver and the real client are keyed on.
func TestRRTypeNumbers(t *testing.T) {
	for _, c := range []struct {
		name string
		got  uint16
		want uint16
	}{
		{"A", TypeA, 1}, {"NS", TypeNS, 2}, {"CNAME", TypeCNAME, 5}, {"SOA", TypeSOA, 6},
		{"PTR", TypePTR, 12}, {"MX", TypeMX, 15}, {"TXT", TypeTXT, 16}, {"AAAA", TypeAAAA, 28},
		{"SPF", TypeSPF, 99}, {"all", AllTypes, 0},
	} {
		if c.got != c.want {
			t.Errorf("Type%s = %d, want %d", c.name, c.got, c.want)
		}
	}
}

// A test injects a failure with the package's own constants: TXT fails,
// MX at the same name is untouched, and AllTypes fails every type.
func TestFailWithOwnTypes(t *testing.T) {
	r := MustFakeResolver("x.example. 300 TXT \"v=spf1 -all\"\nx.example. 300 MX 10 mx.example.\n")
	ctx := context.Background()
	r.Fail("x.example", TypeTXT, FailServFail)
	if _, err := r.LookupTXT(ctx, "x.example"); !IsTemporary(err) {
		t.Errorf("TXT after Fail(TypeTXT): err %v, want a temporary error", err)
	}
	if _, err := r.LookupMX(ctx, "x.example"); err != nil {
		t.Errorf("MX after Fail(TypeTXT): err %v, want the record", err)
	}
	r.Fail("x.example", TypeTXT, 0)
	r.Fail("x.example", AllTypes, FailRefused)
	if _, err := r.LookupMX(ctx, "x.example"); !IsTemporary(err) {
		t.Errorf("MX after Fail(AllTypes): err %v, want a temporary error", err)
	}
}
