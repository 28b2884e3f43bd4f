package dnsname

import (
	"bufio"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestNormalize(t *testing.T) {
	long63 := strings.Repeat("a", 63)
	tests := []struct {
		in, want string
		err      error
	}{
		{"example.com", "example.com", nil},
		{"Example.COM.", "example.com", nil},
		{"_dmarc.example.com", "_dmarc.example.com", nil},
		{"krs._domainkey.cio123.example.com", "krs._domainkey.cio123.example.com", nil},
		{"bücher.example", "xn--bcher-kva.example", nil},
		{"BÜCHER.example", "xn--bcher-kva.example", nil}, // mapped to lower case first
		{"xn--bcher-kva.example", "xn--bcher-kva.example", nil},
		{"*.example.com", "*.example.com", nil},
		{long63 + ".com", long63 + ".com", nil},
		{"", "", ErrEmpty},
		{".", "", ErrEmpty},
		{"a..b", "", ErrEmptyLabel},
		{".example.com", "", ErrEmptyLabel},
		{long63 + "a.com", "", ErrLabelTooLong},
		{strings.Repeat("abcdefghi.", 26) + "com", "", ErrNameTooLong},
		{"exa mple.com", "", ErrInvalidChar},
		{"example.com/x", "", ErrInvalidChar},
		{"-example.com", "", ErrHyphen},
		{"example-.com", "", ErrHyphen},
		{"a*b.example.com", "", ErrInvalidChar},
		{"xn--a.com", "", ErrIDNA},    // punycode that decodes to nothing valid
		{"XN--A.com", "", ErrIDNA},    // checked after case folding
		{"a\u202eb.com", "", ErrIDNA}, // bidi override
	}
	for _, tt := range tests {
		got, err := Normalize(tt.in)
		if tt.err != nil {
			var ne *Error
			if !errors.Is(err, tt.err) || !errors.As(err, &ne) || ne.Name != tt.in {
				t.Errorf("Normalize(%q) error = %v, want %v naming the input", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("Normalize(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestErrorNamesOffset(t *testing.T) {
	_, err := Normalize("mail.exa mple.com")
	var ne *Error
	if !errors.As(err, &ne) || ne.Offset != 8 {
		t.Fatalf("got %v, want offset 8", err)
	}
	if !strings.Contains(err.Error(), `"mail.exa mple.com"`) || !strings.Contains(err.Error(), "offset 8") {
		t.Errorf("message %q does not name the input and the offset", err)
	}
}

func TestToUnicode(t *testing.T) {
	if got := ToUnicode("xn--bcher-kva.example"); got != "bücher.example" {
		t.Errorf("ToUnicode = %q", got)
	}
	if got := ToUnicode("example.com"); got != "example.com" {
		t.Errorf("ToUnicode = %q", got)
	}
}

func TestRelations(t *testing.T) {
	if !IsSubdomain("a.example.com", "example.com") || !IsSubdomain("example.com", "example.com") {
		t.Error("IsSubdomain: a.example.com is under example.com")
	}
	if IsSubdomain("badexample.com", "example.com") || IsSubdomain("com", "example.com") {
		t.Error("IsSubdomain must compare whole labels")
	}
	for _, tt := range []struct{ name, zone, rel string }{
		{"cio1.example.com", "example.com", "cio1"},
		{"example.com", "example.com", "@"},
		{"krs._domainkey.cio1.example.com", "example.com", "krs._domainkey.cio1"},
	} {
		if got, ok := Relative(tt.name, tt.zone); !ok || got != tt.rel {
			t.Errorf("Relative(%q, %q) = %q, %v", tt.name, tt.zone, got, ok)
		}
	}
	if _, ok := Relative("example.org", "example.com"); ok {
		t.Error("Relative: example.org is not in example.com")
	}
	if Parent("a.b.c") != "b.c" || Parent("c") != "" || CountLabels("a.b.c") != 3 || CountLabels("") != 0 {
		t.Error("Parent/CountLabels")
	}
	if !Equal("Example.COM.", "example.com") || Equal("example.com", "example.org") {
		t.Error("Equal")
	}
}

func TestOrgDomain(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"mail.example.com", "example.com"},
		{"example.com", "example.com"},
		{"a.b.example.co.uk", "example.co.uk"},
		{"co.uk", "co.uk"}, // a public suffix is its own organizational domain
		{"com", "com"},
		{"a.example.invalid", "example.invalid"}, // default rule: unlisted TLD
	} {
		if got := OrgDomain(tt.in); got != tt.want {
			t.Errorf("OrgDomain(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if !IsPublicSuffix("co.uk") || IsPublicSuffix("example.co.uk") {
		t.Error("IsPublicSuffix")
	}
}

// TestPSLCorpus runs the public suffix list's own test cases
// (checkPublicSuffix(input, registrable domain)) through Registrable.
func TestPSLCorpus(t *testing.T) {
	path := filepath.Join("..", "..", "..", "shared", "corpus", "psl", "tests.txt")
	f, err := os.Open(path)
	if err != nil {
		t.Skipf("PSL conformance cases not available (%v): they live in ../shared/corpus beside a developer checkout", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	pass, n := 0, 0
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "//") {
			continue
		}
		fields := strings.Fields(line)
		if len(fields) != 2 {
			t.Fatalf("malformed case %q", line)
		}
		in, want := fields[0], fields[1]
		n++
		var got string
		if in != "null" {
			if r, err := Registrable(in); err == nil {
				got = r
			}
		}
		if want == "null" {
			want = ""
		}
		// The list's registrable domains are given in U-labels where the
		// input is; compare in A-labels.
		if want != "" {
			var err error
			if want, err = Normalize(want); err != nil {
				t.Fatal(err)
			}
		}
		if got != want {
			t.Errorf("Registrable(%q) = %q, want %q", in, got, want)
			continue
		}
		pass++
	}
	if n == 0 {
		t.Fatal("no cases read")
	}
	t.Logf("PSL corpus: %d/%d cases pass", pass, n)
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"example.com", "Bücher.Example.", "a..b", "_dmarc.x.y", "xn--bcher-kva.example", "*.a.b", strings.Repeat("a.", 130)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := Normalize(s)
		if err != nil {
			var ne *Error
			if !errors.As(err, &ne) {
				t.Fatalf("error %v is not *Error", err)
			}
			return
		}
		// The canonical form is a fixed point and within the limits.
		n2, err := Normalize(n)
		if err != nil || n2 != n {
			t.Fatalf("Normalize(%q) = %q, then %q, %v", s, n, n2, err)
		}
		if len(n) > MaxNameLength || strings.ToLower(n) != n || strings.HasSuffix(n, ".") {
			t.Fatalf("Normalize(%q) = %q breaks the canonical form", s, n)
		}
	})
}

func TestTreeWalk(t *testing.T) {
	for _, tc := range []struct {
		name string
		want []string
	}{
		{"com", []string{"com"}},
		{"news.example.com", []string{"news.example.com", "example.com", "com"}},
		{"a.b.c.d.e.f.g.h.i.j.example.com", []string{"a.b.c.d.e.f.g.h.i.j.example.com",
			"f.g.h.i.j.example.com", "g.h.i.j.example.com", "h.i.j.example.com", "i.j.example.com",
			"j.example.com", "example.com", "com"}},
	} {
		if got := TreeWalk(tc.name, 8); !slices.Equal(got, tc.want) {
			t.Errorf("TreeWalk(%q, 8) = %q, want %q", tc.name, got, tc.want)
		}
	}
}
