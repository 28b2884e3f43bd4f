package dkim

import (
	"fmt"
	"testing"
)

// TestDecodeQPEveryOctet decodes "=XX" for every octet, with upper- and
// lower-case hex digits, so that every digit of both ranges is taken, and
// checks that the bytes just outside those ranges are not hex digits.
func TestDecodeQPEveryOctet(t *testing.T) {
	for v := range 256 {
		for _, format := range []string{"a=%02Xb", "a=%02xb"} {
			in := fmt.Sprintf(format, v)
			got, err := decodeQP(in)
			if want := "a" + string([]byte{byte(v)}) + "b"; err != nil || got != want {
				t.Fatalf("decodeQP(%q) = %q, %v; want %q", in, got, err, want)
			}
		}
	}
	for _, c := range "/:@G`g" {
		in := "=4" + string(c)
		if got, err := decodeQP(in); err == nil {
			t.Errorf("decodeQP(%q) = %q; want an error: %q is no hex digit", in, got, c)
		}
	}
}
