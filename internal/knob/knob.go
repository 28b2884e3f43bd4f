// Package knob reads the library's zero-value configuration fields one
// way: zero means the package's default, a negative value means none
// (no bound, or nothing allowed, as the field documents).
package knob

// Or returns def when v is zero, zero when v is negative, and v otherwise.
func Or[T ~int | ~int64](v, def T) T {
	switch {
	case v == 0:
		return def
	case v < 0:
		return 0
	}
	return v
}
