package spf

// isMacroLetter reports whether c (lower case) is a macro letter, and
// whether it is one of c, r, t that only explanations may use
// (RFC 7208 section 7.2).
func isMacroLetter(c byte) (ok, expOnly bool) {
	switch c | 0x20 {
	case 's', 'l', 'o', 'd', 'i', 'p', 'h', 'v':
		return true, false
	case 'c', 'r', 't':
		return true, true
	}
	return false, false
}

func isDelimiter(c byte) bool {
	switch c {
	case '.', '-', '+', ',', '/', '_', '=':
		return true
	}
	return false
}

// scanMacro checks a macro-string (RFC 7208 section 7.1):
//
//	macro-string = *( macro-expand / macro-literal )
//	macro-expand = ( "%{" macro-letter transformers *delimiter "}" )
//	               / "%%" / "%_" / "%-"
//	transformers = *DIGIT [ "r" ]
//
// With allLetters the letters c, r and t are allowed; with spaces, SP is
// allowed between (explain-string). It reports whether the string ends with
// a macro-expand, and on error the offset of the bad macro.
func scanMacro(s string, spaces, allLetters bool) (endsExpand bool, at int, err error) {
	for i := 0; i < len(s); {
		c := s[i]
		if c != '%' {
			if c < 0x21 || c > 0x7e {
				if !(c == ' ' && spaces) {
					return false, i, ErrNonASCII
				}
			}
			endsExpand = false
			i++
			continue
		}
		if i+1 >= len(s) {
			return false, i, ErrBadMacro
		}
		switch s[i+1] {
		case '%', '_', '-':
			i += 2
			endsExpand = true
			continue
		case '{':
		default:
			return false, i, ErrBadMacro
		}
		j := i + 2
		if j >= len(s) {
			return false, i, ErrBadMacro
		}
		ok, expOnly := isMacroLetter(s[j])
		if !ok || expOnly && !allLetters {
			return false, i, ErrBadMacro
		}
		j++
		digits, zero := 0, true
		for j < len(s) && isDigit(s[j]) {
			if s[j] != '0' {
				zero = false
			}
			digits++
			j++
		}
		if digits > 0 && zero {
			return false, i, ErrBadMacro // RFC 7208 section 7.3: the number must be nonzero
		}
		if j < len(s) && s[j]|0x20 == 'r' {
			j++
		}
		for j < len(s) && isDelimiter(s[j]) {
			j++
		}
		if j >= len(s) || s[j] != '}' {
			return false, i, ErrBadMacro
		}
		i = j + 1
		endsExpand = true
	}
	return endsExpand, 0, nil
}
