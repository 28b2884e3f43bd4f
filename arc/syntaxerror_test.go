package arc_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/arc"
)

// arcSyntaxCase is a malformed field and the SyntaxError it must give.
type arcSyntaxCase struct {
	name   string
	err    error
	field  string
	tag    string
	offset int
}

func parseSeal(v string) error { _, err := arc.ParseSeal(v); return err }
func parseAMS(v string) error  { _, err := arc.ParseMessageSignature(v); return err }
func parseAAR(v string) error  { _, err := arc.ParseAuthResults(v); return err }

// arcSyntaxCases reach every way the three parsers fail.
func arcSyntaxCases() []arcSyntaxCase {
	at := func(s, sub string) int { return strings.Index(s, sub) }
	end := len(sealValue) + 2 // offset of a tag appended with "; "
	amsEnd := len(amsValue) + 2
	long := strings.Repeat("x", arc.MaxFieldLength+1)
	return []arcSyntaxCase{
		{"seal too long", parseSeal(long), arc.SealField, "", arc.MaxFieldLength},
		{"seal tag-list syntax", parseSeal(sealValue + "; x"), arc.SealField, "x", end},
		{"seal duplicate tag", parseSeal(sealValue + "; d=example.net"), arc.SealField, "d", end},
		{"i= not a number", parseSeal(strings.Replace(sealValue, "i=2", "i=two", 1)), arc.SealField, "i", 0},
		{"i= zero", parseSeal(strings.Replace(sealValue, "i=2", "i=0", 1)), arc.SealField, "i", 0},
		{"i= four digits", parseSeal(strings.Replace(sealValue, "i=2", "i=1000", 1)), arc.SealField, "i", 0},
		{"a= unknown", parseSeal(strings.Replace(sealValue, "a=rsa-sha256", "a=rsa-md5", 1)), arc.SealField, "a", at(sealValue, "a=")},
		{"b= not base64", parseSeal(strings.Replace(sealValue, "b=AAAA", "b=A", 1)), arc.SealField, "b", at(sealValue, "b=")},
		{"d= invalid", parseSeal(strings.Replace(sealValue, "d=example.org", "d=example..org", 1)), arc.SealField, "d", at(sealValue, "d=")},
		{"s= empty", parseSeal(strings.Replace(sealValue, "s=dummy", "s=", 1)), arc.SealField, "s", at(sealValue, "s=")},
		{"s= invalid", parseSeal(strings.Replace(sealValue, "s=dummy", "s=du..mmy", 1)), arc.SealField, "s", at(sealValue, "s=")},
		{"t= negative", parseSeal(strings.Replace(sealValue, "t=12345", "t=-1", 1)), arc.SealField, "t", at(sealValue, "t=")},
		{"cv= unknown", parseSeal(strings.Replace(sealValue, "cv=pass", "cv=maybe", 1)), arc.SealField, "cv", at(sealValue, "cv=")},
		{"seal with h=", parseSeal(sealValue + "; h=from"), arc.SealField, "h", end},
		{"seal without cv=", parseSeal(strings.Replace(sealValue, "cv=pass; ", "", 1)), arc.SealField, "cv", -1},
		{"ams too long", parseAMS(long), arc.MessageSigField, "", arc.MaxFieldLength},
		{"ams common tag", parseAMS(strings.Replace(amsValue, "i=2", "i=x", 1)), arc.MessageSigField, "i", 0},
		{"bh= not base64", parseAMS(strings.Replace(amsValue, "bh=AAAA", "bh=", 1)), arc.MessageSigField, "bh", at(amsValue, "bh=")},
		{"c= unknown", parseAMS(strings.Replace(amsValue, "c=relaxed/simple", "c=fancy", 1)), arc.MessageSigField, "c", at(amsValue, "c=")},
		{"h= names ARC-Seal", parseAMS(strings.Replace(amsValue, "h=from : to", "h=from : arc-seal", 1)), arc.MessageSigField, "h", at(amsValue, "h=")},
		{"x= not a number", parseAMS(amsValue + "; x=1.5"), arc.MessageSigField, "x", amsEnd},
		{"l= not a number", parseAMS(amsValue + "; l=x"), arc.MessageSigField, "l", amsEnd},
		{"ams without bh=", parseAMS(strings.Replace(amsValue, "; bh=AAAA", "", 1)), arc.MessageSigField, "bh", -1},
		{"aar too long", parseAAR(long), arc.AuthResultsField, "", arc.MaxFieldLength},
		{"aar not i= first", parseAAR(" x=1; mx.example"), arc.AuthResultsField, "i", 1},
		{"aar i without =", parseAAR(" i 1; mx.example"), arc.AuthResultsField, "i", 1},
		{"aar bad instance", parseAAR("i= 0; mx.example"), arc.AuthResultsField, "i", 3},
		{"aar no semicolon", parseAAR("i=1 mx.example"), arc.AuthResultsField, "i", 4},
	}
}

// TestErrorPrefixOnce builds every kind of syntax error from a real
// malformed field and checks its text: "arc: " once, at the start, then
// the field, the tag and the offset when known, then the reason.
func TestErrorPrefixOnce(t *testing.T) {
	for _, c := range arcSyntaxCases() {
		if c.err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		msg := c.err.Error()
		want := "arc: " + c.field
		if c.tag != "" {
			want += " tag " + c.tag + "="
		}
		if c.offset >= 0 {
			want += fmt.Sprintf(" at offset %d", c.offset)
		}
		want += ": "
		if !strings.HasPrefix(msg, want) || strings.Count(msg, "arc:") != 1 || len(msg) == len(want) {
			t.Errorf("%s: %q, want %q once, at the start, and a reason", c.name, msg, want)
		}
		// A reason found by dkim's parsers is said in arc's words alone.
		if strings.Contains(msg, "dkim:") {
			t.Errorf("%s: %q names another package", c.name, msg)
		}
	}
}

// TestSyntaxErrorMatches: every parse failure is a *SyntaxError with the
// right Field, Tag and Offset that matches ErrSyntax; and the other way
// round, a chain failing on a syntax error has a *SyntaxError in its
// reason, not only ErrSyntax.
func TestSyntaxErrorMatches(t *testing.T) {
	for _, c := range arcSyntaxCases() {
		var se *arc.SyntaxError
		if !errors.As(c.err, &se) || !errors.Is(c.err, arc.ErrSyntax) {
			t.Errorf("%s: %v (%T) is not a *SyntaxError matching ErrSyntax", c.name, c.err, c.err)
			continue
		}
		if se.Field != c.field || se.Tag != c.tag || se.Offset != c.offset {
			t.Errorf("%s: Field %q Tag %q Offset %d, want %q %q %d", c.name, se.Field, se.Tag, se.Offset, c.field, c.tag, c.offset)
		}
	}
	// The Is method, not only the wrapped sentinel, makes the match.
	if err := (&arc.SyntaxError{Field: arc.SealField, Offset: -1, Err: errors.New("x")}); !errors.Is(err, arc.ErrSyntax) || errors.Is(err, arc.ErrStructure) {
		t.Errorf("%v: matches ErrSyntax %v, ErrStructure %v", err, errors.Is(err, arc.ErrSyntax), errors.Is(err, arc.ErrStructure))
	}
}

// TestKeyNameTooLongIsSyntaxError: d= and s= each valid but making a key
// name over 253 octets fail the AMS with a *SyntaxError on s=, and the
// reason names each package once at most.
func TestKeyNameTooLongIsSyntaxError(t *testing.T) {
	d := strings.Repeat("d", 60) + "." + strings.Repeat("e", 60) + "." + strings.Repeat("f", 60) + ".example"
	s := strings.Repeat("s", 60)
	set := strings.ReplaceAll(strings.ReplaceAll(arcSet(1), "d=example.org", "d="+d), "s=dummy", "s="+s)
	v := arc.Verifier{Resolver: suiteDNS(t, nil)}
	r := verifyStatus(t, &v, set+plainMessage)
	var se *arc.SyntaxError
	if r.Status != arc.Fail || !errors.As(r.Err, &se) || !errors.Is(r.Err, arc.ErrMessageSignature) {
		t.Fatalf("%s %v, want a SyntaxError of the key name", r.Status, r.Err)
	}
	if se.Field != arc.MessageSigField || se.Tag != "s" || se.Offset != -1 {
		t.Errorf("Field %q Tag %q Offset %d, want %s s= -1", se.Field, se.Tag, se.Offset, arc.MessageSigField)
	}
	// The reason names the instance whose AMS failed, then the field.
	if msg := r.Err.Error(); strings.Count(msg, "arc:") != 1 || strings.Contains(msg, "dkim:") || !strings.HasPrefix(msg, "instance 1: ") || !strings.Contains(msg, "arc: "+arc.MessageSigField+" tag s=: ") {
		t.Errorf("%q: want instance 1, one %q and no dkim:", msg, "arc: "+arc.MessageSigField+" tag s=: ")
	}
}
