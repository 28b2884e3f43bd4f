package records

import (
	"fmt"
	"strings"
)

// maxTemplate bounds the length of one template; real ones are short.
const maxTemplate = 1024

// segment is a piece of a parsed template: literal text or a variable.
type segment struct {
	text     string
	variable bool
}

// parseTemplate splits a template into literal and variable segments.
func parseTemplate(field, tmpl string) ([]segment, error) {
	if len(tmpl) > maxTemplate {
		return nil, fieldErrf(field, "", ErrInvalid, "template longer than %d bytes", maxTemplate)
	}
	var segs []segment
	lit := 0
	for i := 0; i < len(tmpl); i++ {
		switch tmpl[i] {
		case '}':
			return nil, fieldErrf(field, tmpl, ErrInvalid, `"}" without "{" at offset %d`, i)
		case '{':
			end := strings.IndexByte(tmpl[i+1:], '}')
			if end < 0 {
				return nil, fieldErrf(field, tmpl, ErrInvalid, `"{" at offset %d is not closed`, i)
			}
			name := tmpl[i+1 : i+1+end]
			if !validVarName(name) {
				return nil, fieldErrf(field, tmpl, ErrInvalid, "bad variable name %q at offset %d (want lower-case letters, digits, _)", name, i)
			}
			if lit < i {
				segs = append(segs, segment{text: tmpl[lit:i]})
			}
			segs = append(segs, segment{text: name, variable: true})
			i += end + 1
			lit = i + 1
		}
	}
	if lit < len(tmpl) {
		segs = append(segs, segment{text: tmpl[lit:]})
	}
	return segs, nil
}

func validVarName(s string) bool {
	if s == "" || len(s) > 32 || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// expand fills the variables of tmpl from vars. A variable missing from vars
// is ErrUnknownVariable, naming the field.
func expand(field, tmpl string, vars map[string]string) (string, error) {
	return rewrite(field, tmpl, func(name string) (string, error) {
		v, ok := vars[name]
		if !ok {
			return "", fieldErrf(field, tmpl, ErrUnknownVariable, "{%s}", name)
		}
		return v, nil
	})
}

// rewrite returns tmpl with every variable replaced by f(name); used to turn
// templates into Domain Connect %variables%.
func rewrite(field, tmpl string, f func(name string) (string, error)) (string, error) {
	segs, err := parseTemplate(field, tmpl)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, s := range segs {
		if !s.variable {
			b.WriteString(s.text)
			continue
		}
		v, err := f(s.text)
		if err != nil {
			return "", err
		}
		b.WriteString(v)
	}
	return b.String(), nil
}

// uses reports whether tmpl refers to the variable name. Malformed templates
// report false; expand reports the error.
func uses(tmpl, name string) bool {
	segs, err := parseTemplate("", tmpl)
	if err != nil {
		return false
	}
	for _, s := range segs {
		if s.variable && s.text == name {
			return true
		}
	}
	return false
}

// checkLabelValue checks a value that will be substituted into a DNS name:
// one label's worth of letters, digits, hyphens and underscores.
func checkLabelValue(field, v string) error {
	if v == "" {
		return fieldErr(field, "", ErrRequired)
	}
	if len(v) > 63 {
		return fieldErrf(field, v, ErrInvalid, "%d bytes, a DNS label holds at most 63", len(v))
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return fieldErrf(field, v, ErrInvalid, "character %s at offset %d is not allowed in a DNS label", quoteByte(c), i)
		}
	}
	return nil
}

func quoteByte(c byte) string {
	if c >= 0x20 && c < 0x7f {
		return fmt.Sprintf("%q", rune(c))
	}
	return fmt.Sprintf("0x%02x", c)
}
