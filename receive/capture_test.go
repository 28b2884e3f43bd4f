package receive

import (
	"strings"
	"testing"
)

// The capture keeps the header section and nothing after it, however the
// message is cut into writes.
func TestHeaderCapture(t *testing.T) {
	for _, tc := range []struct{ msg, header string }{
		{"From: a@example.com\r\nTo: b\r\n\r\nbody\r\nFrom: c@example.org\r\n", "From: a@example.com\r\nTo: b\r\n"},
		{"From: a@example.com\nTo: b\n\nbody\n", "From: a@example.com\nTo: b\n"},
		{"\r\nFrom: body@example.org\r\n", ""},
	} {
		for cut := 0; cut <= len(tc.msg); cut++ {
			for cut2 := cut; cut2 <= len(tc.msg); cut2 += 3 {
				h := headerCapture{max: 1 << 10, maxFields: 100}
				h.Write([]byte(tc.msg[:cut]))
				h.Write([]byte(tc.msg[cut:cut2]))
				h.Write([]byte(tc.msg[cut2:]))
				if got := string(h.buf); !strings.HasPrefix(got, tc.header) || strings.Contains(got, "body") {
					t.Fatalf("%q cut at %d, %d: captured %q, want %q", tc.msg, cut, cut2, got, tc.header)
				}
				from := h.fromFields()
				if tc.header == "" && len(from) != 0 || tc.header != "" && (len(from) != 1 || from[0] != " a@example.com\r\n" && from[0] != " a@example.com\n") {
					t.Fatalf("%q cut at %d, %d: From fields %q", tc.msg, cut, cut2, from)
				}
			}
		}
	}
	// Over the limit: capture stops, and the header reads as unusable.
	h := headerCapture{max: 10, maxFields: 100}
	h.Write([]byte("From: a@example.com\r\nTo: b\r\n\r\n"))
	if len(h.buf) > 14 || !h.done || h.fromFields() != nil {
		t.Errorf("over the limit: %q, done %v", h.buf, h.done)
	}
	h = headerCapture{max: 1 << 10, maxFields: 1}
	h.Write([]byte("From: a@example.com\r\nTo: b\r\n\r\n"))
	if h.fromFields() != nil {
		t.Errorf("over the field limit: From read anyway")
	}
}
