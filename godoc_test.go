package domainauth_test

import (
	"go/ast"
	"go/doc"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// godocRule is a pattern that godoc must not contain, and why.
type godocRule struct {
	re  *regexp.Regexp
	why string
	// allow, when set, excuses a match whose sentence it matches.
	allow *regexp.Regexp
	// pkgDocOnly limits the rule to package doc comments.
	pkgDocOnly bool
}

// godocRules are the references a user reading godoc cannot follow, and
// the figures that belong in internal/bench/RESULTS.md.
var godocRules = []godocRule{
	{re: regexp.MustCompile(`(?i)\bDESIGN\.md\b`),
		why: "DESIGN.md is not in the repository: say the reason in the comment itself"},
	{re: regexp.MustCompile(`(?i)\bDNS-PITFALLS\.md\b`),
		why: "DNS-PITFALLS.md is not in the repository: say the pitfall in the comment itself"},
	{re: regexp.MustCompile(`(?i)\bissues? #?\d+`),
		why: `"issue N" points into a tracker users cannot see: say what the issue was`},
	{re: regexp.MustCompile(`(?i)\bseeds?\b`),
		why: `"the seed" (the documents the project started from) is not public: name the public source or say it`,
		// The seed of an Ed25519 key (RFC 8032 section 5.1.5) is key material, not a document.
		allow: regexp.MustCompile(`(?i)\b(Ed25519|RFC 8032)\b`)},
	{re: regexp.MustCompile(`(?i)\bcustomer ?gauge\b`),
		why: "a customer's product name: the library serves every user, so say what the behaviour is for"},
	{re: regexp.MustCompile(`(?i)\d\s*[GMKT]i?B/s\b`),
		why: "throughput figures change with the hardware and each release: they live in internal/bench/RESULTS.md"},
	{re: regexp.MustCompile(`(?i)\b(AVX[-0-9]*|SSS?E[0-9.]*|VBMI2?|BMI[12]|SHA-NI|SHA extensions|NEON|POPCNT)\b`),
		why:        "a package doc is for users, not for CPU instructions: one line pointing to internal/bench/RESULTS.md is enough",
		pkgDocOnly: true},
}

// godocViolations returns the rules that text breaks, one line each.
func godocViolations(text string, pkgDoc bool) []string {
	var out []string
	for _, r := range godocRules {
		if r.pkgDocOnly && !pkgDoc {
			continue
		}
		for _, loc := range r.re.FindAllStringIndex(text, -1) {
			if r.allow != nil && r.allow.MatchString(sentence(text, loc[0], loc[1])) {
				continue
			}
			out = append(out, strings.TrimSpace(sentence(text, loc[0], loc[1]))+"\n\t\t"+r.why)
		}
	}
	return out
}

// sentence returns the sentence of text around text[i:j]: from the end of
// the previous sentence or paragraph to the end of this one.
func sentence(text string, i, j int) string {
	start := 0
	for _, sep := range []string{". ", ".\n", "\n\n"} {
		if k := strings.LastIndex(text[:i], sep); k >= 0 && k+len(sep) > start {
			start = k + len(sep)
		}
	}
	end := len(text)
	for _, sep := range []string{". ", ".\n", "\n\n"} {
		if k := strings.Index(text[j:], sep); k >= 0 && j+k+1 < end {
			end = j + k + 1
		}
	}
	return strings.Join(strings.Fields(text[start:end]), " ")
}

func TestGodocRules(t *testing.T) {
	for text, want := range map[string]bool{
		"See DESIGN.md for why.":                         true,
		"the list in dns-pitfalls.md":                    true,
		"Fixed in issue 17, item 8.":                     true,
		"see issue #22":                                  true,
		"The first seed document says so.":               true,
		"As the SES seed's guide shows.":                 true,
		"CustomerGauge's green state.":                   true,
		"It runs at 2.5 GB/s on one core.":               true,
		"Ed25519 keys: its first 32 bytes are the seed.": false,
		"A 32-byte RFC 8032 seed.":                       false,
		"Seeds are public. Ed25519 is a curve.":          true, // the excuse is in another sentence
		"the 72 hours most providers give":               false,
		"Speed: see internal/bench/RESULTS.md.":          false,
		"The AVX2 scan.":                                 false, // not a package doc
		"This issue of the header is 5 ms per 1 KiB.":    false,
	} {
		if got := len(godocViolations(text, false)) > 0; got != want {
			t.Errorf("%q: violation %v, want %v (%q)", text, got, want, godocViolations(text, false))
		}
	}
	for _, text := range []string{"uses AVX-512 kernels", "VBMI2 and the SHA extensions", "SSE4.1", "with AVX2."} {
		if len(godocViolations(text, true)) == 0 {
			t.Errorf("package doc %q passed", text)
		}
	}
}

// TestGodocSpeaksToUsers reads the doc comments of every package of the
// module, as godoc shows them (the package doc, every exported
// declaration, its exported fields and methods, and the examples with
// their comments), and fails on the references of godocRules: documents
// users cannot see, a customer's name, CPU instructions and speed figures
// in a package doc.
func TestGodocSpeaksToUsers(t *testing.T) {
	dirs := map[string][]string{}
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if path != "." && (name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				return filepath.SkipDir
			}
			if _, err := os.Stat(filepath.Join(path, "go.mod")); path != "." && err == nil {
				return filepath.SkipDir // another module (internal/bench)
			}
			return nil
		}
		if strings.HasSuffix(path, ".go") {
			dirs[filepath.Dir(path)] = append(dirs[filepath.Dir(path)], path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) < 10 {
		t.Fatalf("found %d package directories; the walk is broken", len(dirs))
	}
	var keys []string
	for dir := range dirs {
		keys = append(keys, dir)
	}
	sort.Strings(keys)
	for _, dir := range keys {
		fset := token.NewFileSet()
		var files []*ast.File
		for _, path := range dirs[dir] {
			f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
			if err != nil {
				t.Fatal(err)
			}
			files = append(files, f)
		}
		pkg, err := doc.NewFromFiles(fset, files, "github.com/domainauth/domainauth/"+filepath.ToSlash(dir))
		if err != nil {
			t.Errorf("%s: %v", dir, err)
			continue
		}
		seen := map[string]bool{} // a whole-file example repeats the file's comments
		check := func(where, text string, pkgDoc bool) {
			for _, v := range godocViolations(text, pkgDoc) {
				if !seen[v] {
					seen[v] = true
					t.Errorf("%s: %s:\n\t%s", dir, where, v)
				}
			}
		}
		check("package doc", pkg.Doc, true)
		decl := func(where string, n ast.Node) {
			if n == nil {
				return
			}
			// Field and const/var spec comments, which godoc prints with
			// the declaration.
			ast.Inspect(n, func(n ast.Node) bool {
				if cg, ok := n.(*ast.CommentGroup); ok {
					check(where, cg.Text(), false)
				}
				return true
			})
		}
		values := func(vs []*doc.Value) {
			for _, v := range vs {
				where := strings.Join(v.Names, ", ")
				check(where, v.Doc, false)
				decl(where, v.Decl)
			}
		}
		funcs := func(fs []*doc.Func) {
			for _, f := range fs {
				where := f.Name
				if f.Recv != "" {
					where = "(" + f.Recv + ")." + f.Name
				}
				check(where, f.Doc, false)
				examples(t, dir, where, f.Examples, check)
			}
		}
		values(pkg.Consts)
		values(pkg.Vars)
		funcs(pkg.Funcs)
		for _, typ := range pkg.Types {
			check(typ.Name, typ.Doc, false)
			decl(typ.Name, typ.Decl)
			values(typ.Consts)
			values(typ.Vars)
			funcs(typ.Funcs)
			funcs(typ.Methods)
			examples(t, dir, typ.Name, typ.Examples, check)
		}
		examples(t, dir, "package", pkg.Examples, check)
	}
}

// examples checks the doc and the comments of each example, which godoc
// shows with its code.
func examples(t *testing.T, dir, of string, exs []*doc.Example, check func(where, text string, pkgDoc bool)) {
	t.Helper()
	for _, ex := range exs {
		where := "example of " + of
		if ex.Suffix != "" {
			where += " (" + ex.Suffix + ")"
		}
		check(where, ex.Doc, false)
		for _, cg := range ex.Comments {
			check(where, cg.Text(), false)
		}
	}
}
