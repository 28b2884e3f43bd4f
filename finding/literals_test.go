package finding_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/finding"
)

// TestCodeLiterals: a code written as a string literal where the module
// asks for one (r.Has("..."), rep.HasCode("..."), f.Code == "...", a
// case of a switch on f.Code) must be a code of the catalogue. Code is a
// string type, so a literal left behind by a renamed code still compiles;
// this finds it.
func TestCodeLiterals(t *testing.T) {
	fset := token.NewFileSet()
	seen := 0
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if n := d.Name(); path != ".." && (strings.HasPrefix(n, ".") || n == "testdata" || n == "bench") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		check := func(e ast.Expr) {
			lit, ok := e.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return
			}
			s, _ := strconv.Unquote(lit.Value)
			seen++
			if _, ok := finding.Lookup(finding.Code(s)); !ok {
				t.Errorf("%s: %q is not a code of the catalogue", fset.Position(lit.Pos()), s)
			}
		}
		isCode := func(e ast.Expr) bool {
			sel, ok := e.(*ast.SelectorExpr)
			return ok && sel.Sel.Name == "Code"
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				if sel, ok := n.Fun.(*ast.SelectorExpr); ok && (sel.Sel.Name == "Has" || sel.Sel.Name == "HasCode") && len(n.Args) == 1 {
					check(n.Args[0])
				}
			case *ast.SwitchStmt:
				if n.Tag != nil && isCode(n.Tag) {
					for _, st := range n.Body.List {
						for _, e := range st.(*ast.CaseClause).List {
							check(e)
						}
					}
				}
			case *ast.BinaryExpr:
				if n.Op == token.EQL || n.Op == token.NEQ {
					if isCode(n.X) {
						check(n.Y)
					}
					if isCode(n.Y) {
						check(n.X)
					}
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if seen == 0 {
		t.Fatal("no code literal found in the module; the walk missed the sources")
	}
}
