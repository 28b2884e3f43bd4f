package arc_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/arc"
)

func FuzzParseSeal(f *testing.F) {
	f.Add(sealValue)
	f.Add("i=1; a=ed25519-sha256; cv=none; d=example.org; s=s; b=AAAA;")
	f.Add("i=1; cv=Pass")
	f.Add("i=1;; a=x")
	f.Fuzz(func(t *testing.T, v string) {
		s, err := arc.ParseSeal(v)
		if err != nil {
			var fe *arc.SyntaxError
			if !errors.As(err, &fe) || !errors.Is(err, arc.ErrSyntax) || s != nil {
				t.Fatalf("ParseSeal(%q): %v (%T)", v, err, err)
			}
			return
		}
		if s.Instance < 1 || s.Domain == "" || s.Selector == "" || len(s.Signature) == 0 || s.ChainValidation.String() == "" {
			t.Fatalf("ParseSeal(%q) accepted %+v", v, s)
		}
	})
}

func FuzzParseMessageSignature(f *testing.F) {
	f.Add(amsValue)
	f.Add(amsValue + "; l=12; x=5")
	f.Add("i=1; h=;")
	f.Fuzz(func(t *testing.T, v string) {
		m, err := arc.ParseMessageSignature(v)
		if err != nil {
			var fe *arc.SyntaxError
			if !errors.As(err, &fe) || !errors.Is(err, arc.ErrSyntax) || m != nil {
				t.Fatalf("ParseMessageSignature(%q): %v (%T)", v, err, err)
			}
			return
		}
		if m.Instance < 1 || m.Domain == "" || len(m.BodyHash) == 0 || len(m.Signature) == 0 {
			t.Fatalf("ParseMessageSignature(%q) accepted %+v", v, m)
		}
		for _, h := range m.Headers {
			if strings.EqualFold(h, arc.SealField) {
				t.Fatalf("h= names ARC-Seal: %q", v)
			}
		}
	})
}

func FuzzParseAuthResults(f *testing.F) {
	f.Add("i=1; lists.example.org; spf=pass smtp.mfrom=jqd@d1.example")
	f.Add(" i = 2 ;x")
	f.Add("i=1 x;")
	f.Fuzz(func(t *testing.T, v string) {
		a, err := arc.ParseAuthResults(v)
		if err != nil {
			if !errors.Is(err, arc.ErrSyntax) || a != nil {
				t.Fatalf("ParseAuthResults(%q): %v", v, err)
			}
			return
		}
		if a.Instance < 1 || a.Instance > 999 || !strings.Contains(v, a.Results) {
			t.Fatalf("ParseAuthResults(%q) = %+v", v, a)
		}
	})
}

// FuzzVerify runs chain validation on arbitrary messages with the suite's
// keys: it must not panic, must finish, and must give a reason exactly
// when the chain fails.
func FuzzVerify(f *testing.F) {
	f.Add(arcSet(2) + arcSet(1) + plainMessage)
	f.Add(plainMessage)
	var txt map[string]string
	if sc := loadSuiteIfPresent(f); sc != nil {
		txt = sc[0].TXT
		for _, s := range sc {
			for _, tt := range s.Tests[:min(len(s.Tests), 4)] {
				f.Add(tt.Message)
			}
		}
	}
	res := suiteDNS(f, txt)
	f.Fuzz(func(t *testing.T, msg string) {
		v := arc.Verifier{Resolver: res}
		r, err := v.Verify(context.Background(), strings.NewReader(msg))
		if err != nil {
			return
		}
		switch r.Status {
		case arc.None:
			if r.Err != nil || len(r.Sets) != 0 {
				t.Fatalf("none with %v, %d sets", r.Err, len(r.Sets))
			}
		case arc.Pass:
			if r.Err != nil || len(r.Sets) == 0 || r.OldestPass > len(r.Sets) {
				t.Fatalf("pass with %v, %d sets, oldest-pass %d", r.Err, len(r.Sets), r.OldestPass)
			}
		case arc.Fail:
			if r.Err == nil {
				t.Fatal("fail without a reason")
			}
		default:
			t.Fatalf("status %v", r.Status)
		}
	})
}

// loadSuiteIfPresent is loadSuite for seeds: nil when the corpus is absent.
func loadSuiteIfPresent(f *testing.F) []suiteScenario {
	if _, err := os.Stat(filepath.Join("..", "..", "shared", "corpus", "arc")); err != nil {
		return nil
	}
	return loadSuite(f, "arc-draft-validation-tests.yml")
}
