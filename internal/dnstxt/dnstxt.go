// Package dnstxt turns the character-strings of a TXT record, as
// github.com/miekg/dns holds them, into the bytes a publisher put on the
// wire: the one conversion the root resolvers' LookupTXT and dkim's key
// cache (which reads raw answers for their TTL) must make alike.
package dnstxt

import "strings"

// Join returns the character-strings of one TXT record joined, as
// net.Resolver.LookupTXT returns them, with the zone-file escapes that
// miekg/dns keeps (RFC 1035 section 5.1: \DDD is the byte of decimal
// value DDD up to 255, \X is X) undone.
func Join(parts []string) string {
	if len(parts) == 1 && !strings.Contains(parts[0], `\`) {
		return parts[0]
	}
	var b strings.Builder
	for _, p := range parts {
		unescape(&b, p)
	}
	return b.String()
}

// unescape writes s without its escapes; a backslash at the very end
// stands for itself, and \DDD above 255 is no escape (the digits stand
// for themselves).
func unescape(b *strings.Builder, s string) {
	if !strings.Contains(s, `\`) {
		b.WriteString(s)
		return
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 == len(s) {
			b.WriteByte(c)
			continue
		}
		if i+3 < len(s) && isDigit(s[i+1]) && isDigit(s[i+2]) && isDigit(s[i+3]) {
			if n := int(s[i+1]-'0')*100 + int(s[i+2]-'0')*10 + int(s[i+3]-'0'); n <= 255 {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i+1])
		i++
	}
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
