package enumtext

import "testing"

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
	if err := Unmarshal(&c, []byte("green"), colorNames, "unknown color"); err == nil || err.Error() != `unknown color "green"` {
		t.Errorf("unknown name: %v", err)
	}
}
