package reports_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/reports"
)

// RowWriter.Write takes rows a caller may build or edit itself. In JSON
// lines a count column is written unquoted, as a number: a value that is
// not a whole number ("n/a", or `1,"x":2` or a line break from a report
// or a form) made a line that is not JSON, or one with a key of its own.
// Write refuses it, naming the column; every other value is a JSON
// string that decodes back to itself.
func TestRowWriterJSONHostileValues(t *testing.T) {
	base := func() []string {
		v := make([]string, len(reports.TLSColumns))
		v[8], v[9] = "5326", "303"
		return v
	}
	tests := []struct {
		name   string
		col    int
		value  string
		refuse bool
	}{
		{"count ok", 8, "0", false},
		{"count injects a key", 8, `1,"evil":2`, true},
		{"count injects a line", 9, "1}\n{\"evil\":1", true},
		{"count not a number", 17, "n/a", true},
		{"count with space", 9, " 5", true},
		{"count negative", 9, "-1", false},
		{"count with plus", 9, "+5", false},
		{"count with leading zeros", 9, "007", false},
		{"domain with quote and line break", 4, "evil\"}\n{\"x\":\"y", false},
		{"mx hosts with comma", 7, "a.example,b.example\u202e", false},
		{"failure detail with NUL", 16, "https://x.example/\x00<script>", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			rw, err := reports.NewRowWriter(&out, reports.JSONL, reports.KindTLS)
			if err != nil {
				t.Fatal(err)
			}
			row := base()
			row[tt.col] = tt.value
			err = rw.Write(row)
			if tt.refuse {
				if !errors.Is(err, reports.ErrWrite) || !strings.Contains(err.Error(), reports.TLSColumns[tt.col]) {
					t.Errorf("Write: %v, want ErrWrite naming column %s; wrote %q", err, reports.TLSColumns[tt.col], out.String())
				}
				return
			}
			if err != nil {
				t.Fatalf("Write: %v", err)
			}
			if n := strings.Count(out.String(), "\n"); n != 1 {
				t.Fatalf("%d lines, want 1: %q", n, out.String())
			}
			var m map[string]any
			if err := json.Unmarshal(out.Bytes(), &m); err != nil {
				t.Fatalf("not JSON: %v: %q", err, out.String())
			}
			if len(m) != len(reports.TLSColumns) {
				t.Errorf("%d keys, want %d", len(m), len(reports.TLSColumns))
			}
			got := m[reports.TLSColumns[tt.col]]
			if s, ok := got.(string); ok && s != tt.value {
				t.Errorf("%s = %q, want %q", reports.TLSColumns[tt.col], s, tt.value)
			}
		})
	}
}
