package knob

import (
	"testing"
	"time"
)

func TestOr(t *testing.T) {
	for _, c := range []struct{ v, def, want time.Duration }{
		{0, 5 * time.Second, 5 * time.Second},
		{-1, 5 * time.Second, 0},
		{-time.Hour, 5 * time.Second, 0},
		{1, 5 * time.Second, 1},
		{time.Minute, 5 * time.Second, time.Minute},
	} {
		if got := Or(c.v, c.def); got != c.want {
			t.Errorf("Or(%v, %v) = %v, want %v", c.v, c.def, got, c.want)
		}
	}
	if Or(0, 3) != 3 || Or(-2, 3) != 0 || Or(7, 3) != 7 {
		t.Error("Or on int")
	}
}
