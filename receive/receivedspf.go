package receive

import (
	"strings"

	"github.com/domainauth/domainauth/spf"
)

// receivedSPF writes the Received-SPF field of RFC 7208 section 9.1: the
// result, a comment for people, and the key-value pairs for programs
// (client-ip, envelope-from, helo, receiver, identity, mechanism, problem).
func receivedSPF(o spf.Outcome, env Envelope, identity, receiver string) string {
	sender := env.MailFrom
	if identity == "helo" {
		sender = "postmaster@" + env.HELO
	}
	ip := "unknown"
	if env.IP.IsValid() {
		ip = env.IP.Unmap().String()
	}
	var comment string
	switch o.Result {
	case spf.Pass:
		comment = "domain of " + sender + " designates " + ip + " as permitted sender"
	case spf.Fail:
		comment = "domain of " + sender + " does not designate " + ip + " as permitted sender"
	case spf.SoftFail:
		comment = "domain of transitioning " + sender + " does not designate " + ip + " as permitted sender"
	case spf.Neutral:
		comment = ip + " is neither permitted nor denied by domain of " + sender
	case spf.None:
		comment = "domain of " + sender + " does not publish an SPF policy"
	case spf.TempError:
		comment = "temporary error checking the SPF policy of " + sender
	default:
		comment = "permanent error in the SPF policy of " + sender
	}
	var b strings.Builder
	b.WriteString("Received-SPF: ")
	b.WriteString(o.Result.String())
	b.WriteString(" (")
	b.WriteString(commentText(receiver + ": " + comment))
	b.WriteString(")")
	kv := func(k, v string) {
		b.WriteString("\r\n\t")
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(dotAtomOrQuoted(v))
		b.WriteByte(';')
	}
	if env.IP.IsValid() {
		kv("client-ip", ip)
	}
	if env.MailFrom != "" {
		kv("envelope-from", env.MailFrom)
	}
	if env.HELO != "" {
		kv("helo", env.HELO)
	}
	if receiver != "" {
		kv("receiver", receiver)
	}
	kv("identity", identity)
	if o.Term != nil {
		kv("mechanism", o.Term.String())
	}
	if o.Err != nil {
		kv("problem", o.Err.Error())
	}
	s := strings.TrimSuffix(b.String(), ";")
	return s + "\r\n"
}

// commentText makes s safe inside a comment: parentheses and backslashes
// become quoted-pairs, control characters spaces.
func commentText(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '(' || c == ')' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20 || c == 0x7f:
			b.WriteByte(' ')
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// dotAtomOrQuoted writes v as a dot-atom when it is one (RFC 5322 section
// 3.2.3), else as a quoted-string.
func dotAtomOrQuoted(v string) string {
	if isDotAtom(v) {
		return v
	}
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20 || c == 0x7f:
			b.WriteByte(' ')
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func isDotAtom(v string) bool {
	if v == "" || v[0] == '.' || v[len(v)-1] == '.' || strings.Contains(v, "..") {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == '.' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$%&'*+-/=?^_`{|}~", c) >= 0 {
			continue
		}
		return false
	}
	return true
}
