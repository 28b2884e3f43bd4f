package dkim

import (
	"bytes"
	"testing"
)

// BenchmarkWordScan measures nextCandidateWords alone over 1 MiB with no
// candidate: letters only, text with single spaces (no line end until
// the last), and the same text in CRLF lines of 76 bytes (clean text,
// as base64 is).
func BenchmarkWordScan(b *testing.B) {
	line := "The quick brown fox jumps over the lazy dog. Pack my box with five dozen."
	for _, c := range []struct {
		name string
		p    []byte
	}{
		{"letters", bytes.Repeat([]byte("abcdefghijklmnopqrstuvwxyz"), 1<<20/26)},
		{"spaces", bytes.Repeat([]byte(line+"  "[:1]+"ab"), 1<<20/len(line))},
		{"lines", bytes.Repeat([]byte(line+"\r\n"), 1<<20/(len(line)+2))},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(c.p)))
			for b.Loop() {
				if j := nextCandidateWords(c.p, 1); j < len(c.p)-4 {
					b.Fatal(j)
				}
			}
		})
	}
}
