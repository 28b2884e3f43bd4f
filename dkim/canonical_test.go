package dkim_test

import (
	"bytes"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"hash"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/dkim"
)

type canonVectors struct {
	SimpleBody    []bodyVector   `json:"simple_body"`
	RelaxedBody   []bodyVector   `json:"relaxed_body"`
	SimpleHeader  []headerVector `json:"simple_header"`
	RelaxedHeader []headerVector `json:"relaxed_header"`
	CTag          []struct {
		Source string
		C      *string
		Header string
		Body   string
		Valid  *bool
	} `json:"c_tag"`
	BodyHash []struct {
		Input     string `json:"input"`
		InputFile string `json:"input_file"`
		Canon     string `json:"canon"`
		Alg       string `json:"alg"`
		L         *int64 `json:"l"`
		BH        string `json:"bh"`
	} `json:"body_hash"`
}

type bodyVector struct {
	Source      string
	Input       string
	InputChunks []string `json:"input_chunks"`
	Canonical   string
}

type headerVector struct {
	Source          string
	Input           string
	InputFields     [][2]string `json:"input_fields"`
	Canonical       string
	CanonicalFields [][2]string `json:"canonical_fields"`
}

func loadCanonVectors(t *testing.T) canonVectors {
	dir := corpusDir(t)
	data, err := os.ReadFile(filepath.Join(dir, "canonicalization.json"))
	if err != nil {
		t.Fatal(err)
	}
	var v canonVectors
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func canonBody(c dkim.Canonicalization, limit int64, chunks ...string) string {
	var out bytes.Buffer
	w := dkim.NewBodyCanonicalizer(&out, c, limit)
	for _, ch := range chunks {
		w.Write([]byte(ch))
	}
	w.Close()
	return out.String()
}

func TestCanonicalizationCorpus(t *testing.T) {
	v := loadCanonVectors(t)
	n := 0
	for name, c := range map[string]struct {
		vec []bodyVector
		alg dkim.Canonicalization
	}{"simple": {v.SimpleBody, dkim.Simple}, "relaxed": {v.RelaxedBody, dkim.Relaxed}} {
		for i, bv := range c.vec {
			chunks := bv.InputChunks
			if chunks == nil {
				chunks = []string{bv.Input}
			}
			n++
			if got := canonBody(c.alg, -1, chunks...); got != bv.Canonical {
				t.Errorf("%s body #%d (%s) %q: got %q, want %q", name, i, bv.Source, chunks, got, bv.Canonical)
			}
			// Byte-at-a-time writes must give the same result.
			all := strings.Join(chunks, "")
			var bytewise []string
			for j := range len(all) {
				bytewise = append(bytewise, all[j:j+1])
			}
			if got := canonBody(c.alg, -1, bytewise...); got != bv.Canonical {
				t.Errorf("%s body #%d bytewise %q: got %q, want %q", name, i, all, got, bv.Canonical)
			}
		}
	}
	for name, c := range map[string]struct {
		vec []headerVector
		alg dkim.Canonicalization
	}{"simple": {v.SimpleHeader, dkim.Simple}, "relaxed": {v.RelaxedHeader, dkim.Relaxed}} {
		for i, hv := range c.vec {
			var in, want []string
			if hv.InputFields != nil {
				for j, f := range hv.InputFields {
					in = append(in, f[0]+":"+f[1])
					want = append(want, hv.CanonicalFields[j][0]+":"+hv.CanonicalFields[j][1])
				}
			} else {
				in, want = []string{hv.Input}, []string{hv.Canonical}
			}
			n++
			for j := range in {
				if got := string(dkim.CanonicalizeHeader(nil, in[j], c.alg)); got != want[j] {
					t.Errorf("%s header #%d (%s) %q: got %q, want %q", name, i, hv.Source, in[j], got, want[j])
				}
			}
		}
	}
	for _, ct := range v.CTag {
		n++
		if ct.C == nil {
			continue // absent c=: the signature parser's default, tested there
		}
		h, b, err := dkim.ParseCanonicalization(*ct.C)
		if ct.Valid != nil && !*ct.Valid {
			if err == nil {
				t.Errorf("c=%q accepted as %s/%s", *ct.C, h, b)
			}
			continue
		}
		if err != nil || string(h) != ct.Header || string(b) != ct.Body {
			t.Errorf("c=%q: %s/%s, %v; want %s/%s", *ct.C, h, b, err, ct.Header, ct.Body)
		}
	}
	msg1 := ""
	for _, bh := range v.BodyHash {
		n++
		input := bh.Input
		if bh.InputFile != "" {
			if msg1 == "" {
				data, err := os.ReadFile(filepath.Join(corpusDir(t), "mailauth-message1.eml"))
				if err != nil {
					t.Fatal(err)
				}
				s := strings.ReplaceAll(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n", "\r\n")
				_, msg1, _ = strings.Cut(s, "\r\n\r\n")
			}
			input = msg1
		}
		var h hash.Hash
		switch bh.Alg {
		case "sha256":
			h = sha256.New()
		case "sha1":
			h = sha1.New()
		}
		limit := int64(-1)
		if bh.L != nil {
			limit = *bh.L
		}
		w := dkim.NewBodyCanonicalizer(h, dkim.Canonicalization(bh.Canon), limit)
		w.Write([]byte(input))
		w.Close()
		if got := base64.StdEncoding.EncodeToString(h.Sum(nil)); got != bh.BH {
			t.Errorf("body hash %s/%s l=%v of %.40q: %s, want %s", bh.Canon, bh.Alg, bh.L, input, got, bh.BH)
		}
	}
	if n != 61 {
		t.Errorf("ran %d canonicalization vectors, the corpus has 61", n)
	}
}
