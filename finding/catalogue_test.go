package finding_test

import (
	"bytes"
	"flag"
	"fmt"
	"go/ast"
	"go/constant"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/finding"
)

var update = flag.Bool("update", false, "rewrite ../docs/FINDINGS.md from the catalogue")

// codeConstants reads the package's source and returns every constant of
// type Code, by name, with its value: the test then needs no list of its
// own that could fall behind.
func codeConstants(t *testing.T) map[string]finding.Code {
	t.Helper()
	fset := token.NewFileSet()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]finding.Code{}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok || gd.Tok != token.CONST {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != "Code" {
					continue
				}
				for i, n := range vs.Names {
					lit, ok := vs.Values[i].(*ast.BasicLit)
					if !ok || lit.Kind != token.STRING {
						t.Fatalf("%s: constant %s is not a string literal", fset.Position(n.Pos()), n.Name)
					}
					out[n.Name] = finding.Code(constant.StringVal(constant.MakeFromLiteral(lit.Value, lit.Kind, 0)))
				}
			}
		}
	}
	return out
}

// TestCatalogueCoversCodes: every Code constant has exactly one catalogue
// entry, every entry a constant, and no two constants share a string.
func TestCatalogueCoversCodes(t *testing.T) {
	consts := codeConstants(t)
	if len(consts) < 60 {
		t.Fatalf("found %d Code constants in the source; the parser missed some", len(consts))
	}
	byValue := map[finding.Code]string{}
	for name, c := range consts {
		if other, dup := byValue[c]; dup {
			t.Errorf("%s and %s are both %q: codes must be unique", name, other, c)
		}
		byValue[c] = name
	}
	entries := map[finding.Code]int{}
	for _, e := range finding.Catalogue() {
		entries[e.Code]++
	}
	for c, n := range entries {
		if n > 1 {
			t.Errorf("%q has %d catalogue entries, want 1", c, n)
		}
		if _, ok := byValue[c]; !ok {
			t.Errorf("catalogue entry %q has no Code constant", c)
		}
	}
	for name, c := range consts {
		if entries[c] == 0 {
			t.Errorf("%s (%q) has no catalogue entry", name, c)
		}
		if _, ok := finding.Lookup(c); !ok {
			t.Errorf("Lookup(%q) found nothing", c)
		}
	}
}

// TestCatalogueEntries: every entry is complete enough to be a help page.
func TestCatalogueEntries(t *testing.T) {
	known := []string{"verify", "spf", "dmarc", "records", "tracking"}
	for _, e := range finding.Catalogue() {
		if !e.Severity.Valid() {
			t.Errorf("%s: severity %v", e.Code, e.Severity)
		}
		if len(e.Producers) == 0 {
			t.Errorf("%s: no producer", e.Code)
		}
		for _, p := range e.Producers {
			if !slices.Contains(known, p) {
				t.Errorf("%s: unknown producer %q", e.Code, p)
			}
		}
		if e.Meaning == "" || e.Fix == "" {
			t.Errorf("%s: meaning or fix empty", e.Code)
		}
		for _, q := range e.Questions {
			if !strings.HasSuffix(q, "?") && !strings.HasSuffix(q, ".") && !strings.HasSuffix(q, ")") {
				t.Errorf("%s: question %q is not a sentence", e.Code, q)
			}
		}
	}
	if _, ok := finding.Lookup("no-such-code"); ok {
		t.Error("Lookup of an unknown code succeeded")
	}
}

// TestCatalogueIsACopy: a caller that edits what Catalogue or Lookup
// returned does not change the catalogue.
func TestCatalogueIsACopy(t *testing.T) {
	c := finding.Catalogue()
	c[0].Code = "changed"
	c[0].Producers[0] = "changed"
	c[0].Questions[0] = "changed"
	e, _ := finding.Lookup(finding.CodeRecordMissing)
	e.Producers[0] = "changed"
	e.Questions[1] = "changed"
	for _, got := range []finding.Entry{finding.Catalogue()[0], func() finding.Entry { e, _ := finding.Lookup(finding.CodeRecordMissing); return e }()} {
		if got.Code != finding.CodeRecordMissing || got.Producers[0] != "verify" || slices.Contains(got.Questions, "changed") {
			t.Errorf("the catalogue changed through a returned copy: %+v", got)
		}
	}
}

// md escapes the characters of catalogue text that Markdown would read as
// markup: a backslash (\; must show as typed), underscores (_dmarc) and
// angle brackets (<domain>).
var md = strings.NewReplacer(`\`, `\\`, `_`, `\_`, `<`, `&lt;`, `*`, `\*`).Replace

// markdown renders the catalogue as docs/FINDINGS.md.
func markdown() []byte {
	var b bytes.Buffer
	b.WriteString("<!-- Generated from finding/catalogue.go by `go test ./finding -update`. DO NOT EDIT. -->\n\n")
	b.WriteString("# Finding codes\n\n")
	b.WriteString("Every problem the module reports is a `finding.Finding` with one of these codes. Codes are\n")
	b.WriteString("stable (store them, count them, map them to help pages); severities are `info` < `warning` <\n")
	b.WriteString("`error`. The severity shown is the usual one: a producer may report a milder or worse case at\n")
	b.WriteString("another, as the meaning says. Each finding's own `fix` names the record, host and value.\n\n")
	b.WriteString("| Code | Severity | Reported by |\n|---|---|---|\n")
	cat := finding.Catalogue()
	for _, e := range cat {
		fmt.Fprintf(&b, "| [`%s`](#%s) | %s | %s |\n", e.Code, e.Code, e.Severity, strings.Join(e.Producers, ", "))
	}
	for _, e := range cat {
		fmt.Fprintf(&b, "\n## %s\n\n", e.Code)
		fmt.Fprintf(&b, "Severity: %s. Reported by: %s.\n\n", e.Severity, strings.Join(e.Producers, ", "))
		fmt.Fprintf(&b, "%s\n\n**Fix:** %s\n", md(e.Meaning), md(e.Fix))
		if len(e.Questions) > 0 {
			b.WriteString("\nAnswers the customer question")
			if len(e.Questions) > 1 {
				b.WriteString("s")
			}
			b.WriteString(":\n\n")
			for _, q := range e.Questions {
				fmt.Fprintf(&b, "- %s\n", md(q))
			}
		}
	}
	return b.Bytes()
}

// TestFindingsDoc: docs/FINDINGS.md is the catalogue, rendered. Run
// go test ./finding -update after changing the catalogue.
func TestFindingsDoc(t *testing.T) {
	const path = "../docs/FINDINGS.md"
	want := markdown()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./finding -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the catalogue; run go test ./finding -update", path)
	}
}
