package enumtext

import (
	"strings"
	"testing"
)

type color int

var colorNames = []string{"red", "", "blue"} // 1 has no name

func TestRoundTrip(t *testing.T) {
	for _, c := range []color{0, 2} {
		b, err := Marshal(c, colorNames, "unknown color")
		if err != nil || String(c, colorNames, "color") != string(b) {
			t.Fatalf("%d: %q %v", c, b, err)
		}
		var back color = 7
		if err := Unmarshal(&back, b, colorNames, "unknown color"); err != nil || back != c {
			t.Errorf("%q read back as %d, %v", b, back, err)
		}
	}
	for _, c := range []color{-1, 1, 3} {
		if _, err := Marshal(c, colorNames, "unknown color"); err == nil {
			t.Errorf("Marshal(%d) accepted a value without a name", c)
		}
		if got, want := String(c, colorNames, "color"), "color("+string(rune('0'+int(c)))+")"; c >= 0 && got != want {
			t.Errorf("String(%d) = %q, want %q", c, got, want)
		}
	}
	if String(color(-1), colorNames, "color") != "color(-1)" {
		t.Error("String(-1)")
	}
	var c color
	if err := Unmarshal(&c, []byte(""), colorNames, "unknown color"); err == nil {
		t.Error("the empty name of an unnamed value was accepted")
	}
	if err := Unmarshal(&c, []byte("green"), colorNames, "unknown color"); err == nil || err.Error() != `unknown color "green" (want red or blue)` {
		t.Errorf("unknown name: %v", err)
	}
}

// Every integer type works, and values outside the table (negative, past
// the end, or past the range of int on the way to an index) never index
// it.
func TestIntegerTypes(t *testing.T) {
	names := []string{"zero", "one"}
	if got := String(uint8(1), names, "U8"); got != "one" {
		t.Errorf("uint8: %q", got)
	}
	if got := String(uint8(255), names, "U8"); got != "U8(255)" {
		t.Errorf("uint8 255: %q", got)
	}
	if got := String(int8(-128), names, "I8"); got != "I8(-128)" {
		t.Errorf("int8 -128: %q", got)
	}
	if got := String(int64(-1)<<63, names, "I64"); got != "I64(-9223372036854775808)" {
		t.Errorf("int64 min: %q", got)
	}
	if got := String(^uint64(0), names, "U64"); got != "U64(18446744073709551615)" {
		t.Errorf("uint64 max: %q", got)
	}
	// 1<<32 + 1 would index names[1] if it were truncated to 32 bits.
	if got := String(uint64(1)<<32+1, names, "U64"); got != "U64(4294967297)" {
		t.Errorf("uint64 1<<32+1: %q", got)
	}
	if got := String(uintptr(0), names, "P"); got != "zero" {
		t.Errorf("uintptr: %q", got)
	}
	var u uint16 = 9
	if err := Unmarshal(&u, []byte("one"), names, "unknown u16"); err != nil || u != 1 {
		t.Errorf("uint16 Unmarshal: %d %v", u, err)
	}
	if b, err := Marshal(int32(-1), names, "unknown i32"); err == nil || b != nil || err.Error() != "unknown i32 -1 (want zero or one)" {
		t.Errorf("int32 Marshal(-1): %q %v", b, err)
	}
}

func TestStringOr(t *testing.T) {
	for v, want := range map[color]string{0: "red", 1: "none", 2: "blue", 3: "none", -1: "none"} {
		if got := StringOr(v, colorNames, "none"); got != want {
			t.Errorf("StringOr(%d) = %q, want %q", int(v), got, want)
		}
	}
}

func TestUnmarshalFold(t *testing.T) {
	names := []string{"", "rfc9989", "rfc7489"}
	for in, want := range map[string]uint8{"rfc9989": 1, "RFC9989": 1, "Rfc7489": 2, "rFC7489": 2} {
		var m uint8
		if err := UnmarshalFold(&m, []byte(in), names, "unknown mode"); err != nil || m != want {
			t.Errorf("UnmarshalFold(%q) = %d, %v; want %d", in, m, err, want)
		}
	}
	kelvin := []string{"ok"}
	for _, in := range []string{"", "rfc998", "rfc99899", "rfc9989 ", "xfc9989", "RFC998X", "\u212a", "o\u212a", "OK\x00"} {
		var m uint8 = 7
		err := UnmarshalFold(&m, []byte(in), names, "unknown mode")
		if err == nil || m != 7 {
			t.Errorf("UnmarshalFold(%q) = %d, %v; want an error and no change", in, m, err)
		}
		if err2 := UnmarshalFold(&m, []byte(in), kelvin, "unknown"); err2 == nil || m != 7 {
			t.Errorf("UnmarshalFold(%q) matched %q", in, kelvin)
		}
	}
	// The ends of the ASCII letters fold; the bytes beside them do not
	// ('@' and '[' are not '`' and '{').
	edges := []string{"", "a-z", "`{"}
	for in, want := range map[string]int{"A-Z": 1, "a-Z": 1, "A-z": 1, "@[": -1, "@{": -1, "`[": -1} {
		v := -1
		if err := UnmarshalFold(&v, []byte(in), edges, "unknown"); v != want || (err == nil) != (want >= 0) {
			t.Errorf("UnmarshalFold(%q) = %d, %v; want %d", in, v, err, want)
		}
	}
	var m uint8
	err := UnmarshalFold(&m, []byte("x"), names, "dmarc: unknown mode")
	if err == nil || err.Error() != `dmarc: unknown mode "x" (want rfc9989 or rfc7489)` {
		t.Errorf("error text: %v", err)
	}
	// Case matters to Unmarshal.
	if err := Unmarshal(&m, []byte("RFC9989"), names, "unknown mode"); err == nil {
		t.Error(`Unmarshal accepted "RFC9989"`)
	}
}

func TestErrorText(t *testing.T) {
	for _, c := range []struct {
		names []string
		want  string
	}{
		{nil, `bad "x"`},
		{[]string{"", ""}, `bad "x"`},
		{[]string{"", "a"}, `bad "x" (want a)`},
		{[]string{"a", "", "b"}, `bad "x" (want a or b)`},
		{[]string{"a", "b", "", "c", "d"}, `bad "x" (want a, b, c or d)`},
	} {
		var v int
		err := Unmarshal(&v, []byte("x"), c.names, "bad")
		if err == nil || err.Error() != c.want {
			t.Errorf("%q: %v, want %s", c.names, err, c.want)
		}
	}
	var v int
	if err := Unmarshal(&v, []byte("a\"\n"), []string{"a"}, "bad"); err == nil || err.Error() != `bad "a\"\n" (want a)` {
		t.Errorf("quoting: %v", err)
	}
}

// FuzzUnmarshal checks the round trip: whatever text Unmarshal (or
// UnmarshalFold) accepts marshals back to the name it matched, which is
// the text itself (or the text in another ASCII case), and String agrees;
// text it refuses leaves the value alone.
func FuzzUnmarshal(f *testing.F) {
	names := []string{"", "pass", "fail", "softfail", "temperror", "rfc9989", "wrong-target", "+", "an e-mail"}
	for _, n := range names {
		f.Add([]byte(n), false)
		f.Add([]byte(n), true)
	}
	f.Fuzz(func(t *testing.T, b []byte, fold bool) {
		const unset = uint16(0xbeef)
		v := unset
		var err error
		if fold {
			err = UnmarshalFold(&v, b, names, "unknown")
		} else {
			err = Unmarshal(&v, b, names, "unknown")
		}
		if err != nil {
			if v != unset {
				t.Fatalf("%q refused (%v) but the value changed to %d", b, err, v)
			}
			for _, n := range names {
				if n != "" && (n == string(b) || fold && len(n) == len(b) && strings.EqualFold(n, string(b))) {
					t.Fatalf("%q refused (%v), but it is the name %q", b, err, n)
				}
			}
			return
		}
		out, err := Marshal(v, names, "unknown")
		if err != nil {
			t.Fatalf("%q read as %d, which does not marshal: %v", b, v, err)
		}
		if String(v, names, "T") != string(out) {
			t.Fatalf("String(%d) = %q, Marshal = %q", v, String(v, names, "T"), out)
		}
		if !fold && string(out) != string(b) {
			t.Fatalf("%q read as %d, marshals as %q", b, v, out)
		}
		if fold && (len(out) != len(b) || !strings.EqualFold(string(out), string(b))) {
			t.Fatalf("%q read as %d, marshals as %q", b, v, out)
		}
		var back uint16
		if err := Unmarshal(&back, out, names, "unknown"); err != nil || back != v {
			t.Fatalf("%q read back as %d, %v; want %d", out, back, err, v)
		}
	})
}
