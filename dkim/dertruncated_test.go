package dkim_test

import (
	"encoding/base64"
	"errors"
	"testing"

	"github.com/domainauth/domainauth/dkim"
)

// keyError parses an RSA key record whose p= holds der and returns the
// error, from ParseKey or from decoding the public key.
func keyError(der []byte) error {
	k, err := dkim.ParseKey("v=DKIM1; k=rsa; p=" + base64.StdEncoding.EncodeToString(der))
	if err != nil {
		return err
	}
	_, err = k.PublicKey()
	return err
}

// TestKeyDERLengthForms: a key whose DER SEQUENCE announces more bytes
// than are present is reported as truncated (ErrKeyTruncated: the
// customer pasted part of the key), for every form of the DER length
// (X.690 section 8.1.3: short form, long form with 1 to 3 length bytes,
// the length bytes themselves cut off). A SEQUENCE whose length cannot
// be a key's (indefinite length, not DER; 4 or more length bytes) is bad
// key data, not a cut-off key.
func TestKeyDERLengthForms(t *testing.T) {
	pad := func(b []byte, n int) []byte { return append(b, make([]byte, n)...) }
	tests := []struct {
		name string
		der  []byte
		want error
	}{
		{"short form, content cut", pad([]byte{0x30, 0x40}, 10), dkim.ErrKeyTruncated},
		{"1 length byte, content cut", pad([]byte{0x30, 0x81, 0x90}, 10), dkim.ErrKeyTruncated},
		{"2 length bytes, content cut", pad([]byte{0x30, 0x82, 0x01, 0x22}, 100), dkim.ErrKeyTruncated},
		{"2 length bytes, no content", []byte{0x30, 0x82, 0x01, 0x00}, dkim.ErrKeyTruncated},
		{"3 length bytes, content cut", pad([]byte{0x30, 0x83, 0x01, 0x00, 0x00}, 10), dkim.ErrKeyTruncated},
		{"length bytes cut", []byte{0x30, 0x82, 0x01}, dkim.ErrKeyTruncated},
		{"length bytes cut after one", []byte{0x30, 0x83, 0x01, 0x00}, dkim.ErrKeyTruncated},
		{"indefinite length", pad([]byte{0x30, 0x80}, 10), dkim.ErrKeyData},
		{"4 length bytes", pad([]byte{0x30, 0x84, 0x7f, 0xff, 0xff, 0xff}, 10), dkim.ErrKeyData},
		{"not a SEQUENCE", pad([]byte{0x31, 0x82, 0x01, 0x22}, 10), dkim.ErrKeyData},
		// At the boundary: exactly the announced content is there (bad
		// data, not a cut-off key), or one byte of it is missing. The
		// long form is read big-endian, eight bits per length byte.
		{"2 length bytes, all content there", pad([]byte{0x30, 0x82, 0x01, 0x00}, 0x100), dkim.ErrKeyData},
		{"2 length bytes, one byte short", pad([]byte{0x30, 0x82, 0x01, 0x00}, 0xff), dkim.ErrKeyTruncated},
		{"3 length bytes, all content there", pad([]byte{0x30, 0x83, 0x00, 0x01, 0x02}, 0x102), dkim.ErrKeyData},
		{"3 length bytes, one byte short", pad([]byte{0x30, 0x83, 0x00, 0x01, 0x02}, 0x101), dkim.ErrKeyTruncated},
		{"short form, all content there", pad([]byte{0x30, 0x10}, 0x10), dkim.ErrKeyData},
		{"short form, one byte short", pad([]byte{0x30, 0x10}, 0x0f), dkim.ErrKeyTruncated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := keyError(tt.der)
			if !errors.Is(err, tt.want) {
				t.Errorf("DER % x…: %v, want %v", tt.der[:min(len(tt.der), 6)], err, tt.want)
			}
			other := dkim.ErrKeyData
			if tt.want == dkim.ErrKeyData {
				other = dkim.ErrKeyTruncated
			}
			if errors.Is(err, other) {
				t.Errorf("DER % x…: %v is also %v", tt.der[:min(len(tt.der), 6)], err, other)
			}
		})
	}
}
