package domainauth_test

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// snippet marks a README code block cut from a file of Example functions.
var snippet = regexp.MustCompile("(?s)<!-- snippet: (\\S+) -->\n```go\n(.*?)```")

// TestReadmeSnippets keeps the README's samples true: every line of a
// marked code block must appear in the Example file it was taken from,
// whose Examples run as tests with their output checked.
func TestReadmeSnippets(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := snippet.FindAllStringSubmatch(string(readme), -1)
	if len(blocks) < 7 {
		t.Fatalf("found %d marked snippets in README.md, want one per package and the fake resolver", len(blocks))
	}
	for _, b := range blocks {
		path, code := b[1], b[2]
		src, err := os.ReadFile(path)
		if err != nil {
			t.Errorf("README snippet from %s: %v", path, err)
			continue
		}
		have := map[string]bool{}
		for _, l := range strings.Split(string(src), "\n") {
			have[strings.TrimSpace(l)] = true
		}
		for _, l := range strings.Split(code, "\n") {
			l = strings.TrimSpace(l)
			if l == "" || l == "}" {
				continue
			}
			if !have[l] {
				t.Errorf("README snippet from %s: line %q is not in that file", path, l)
			}
		}
	}
}
