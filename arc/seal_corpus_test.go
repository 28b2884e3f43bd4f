package arc_test

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/domainauth/domainauth/arc"
)

// tagSet is how the suite's runner compares header values: all white
// space removed, split at ';', as a set.
func tagSet(v string) []string {
	v = strings.Join(strings.Fields(v), "")
	var out []string
	for _, p := range strings.Split(v, ";") {
		if p != "" {
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out
}

func fieldValueOf(field string) string {
	_, v, _ := strings.Cut(field, ":")
	return v
}

func TestSuiteSigning(t *testing.T) {
	n := 0
	for _, sc := range loadSuite(t, "arc-draft-sign-tests.yml") {
		block, _ := pem.Decode([]byte(sc.PrivateKey))
		if block == nil {
			t.Fatalf("%s: no PEM key", sc.Description)
		}
		key, err := x509.ParsePKCS1PrivateKey(block.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		res := suiteDNS(t, sc.TXT)
		for _, tt := range sc.Tests {
			n++
			t.Run(tt.Name, func(t *testing.T) {
				s := arc.Sealer{
					Domain: sc.Domain, Selector: sc.Sel, Key: key, AuthServID: tt.SrvID,
					Headers:  strings.Split(tt.SigHeaders, ":"),
					Verifier: arc.Verifier{Resolver: res},
					Now:      func() time.Time { return time.Unix(tt.T, 0) },
				}
				got, err := s.Seal(context.Background(), strings.NewReader(tt.Message))
				if tt.AS == "" {
					if !errors.Is(err, arc.ErrChainFailed) {
						t.Fatalf("%s: %v, want ErrChainFailed (no set may be added)", tt.Description, err)
					}
					return
				}
				if err != nil {
					t.Fatalf("%s: %v", tt.Description, err)
				}
				for _, c := range []struct{ what, got, want string }{
					{"AAR", fieldValueOf(got.AuthResults), tt.AAR},
					{"AMS", fieldValueOf(got.MessageSignature), tt.AMS},
					{"AS", fieldValueOf(got.Seal), tt.AS},
				} {
					if g, w := strings.Join(tagSet(c.got), "; "), strings.Join(tagSet(c.want), "; "); g != w {
						t.Errorf("%s %s:\n got %s\nwant %s", tt.Description, c.what, g, w)
					}
				}
				// Interop the other way: the sealed message validates.
				sealed := got.HeaderFields() + tt.Message
				r, err := arc.Verify(context.Background(), res, strings.NewReader(sealed))
				if err != nil {
					t.Fatal(err)
				}
				want := arc.Pass
				if got.ChainValidation == arc.Fail {
					want = arc.Fail
				}
				if r.Status != want {
					t.Errorf("sealed message (cv=%s) validates as %s (%v), want %s", got.ChainValidation, r.Status, r.Err, want)
				}
			})
		}
	}
	if n != 17 {
		t.Errorf("read %d signing tests, the suite has 17", n)
	}
}
