package dmarc

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/mail"
	"strings"

	"github.com/domainauth/domainauth/internal/dnsname"
)

// Errors of FromDomain. RFC 7489 section 6.6.1 leaves such messages to
// local policy; most receivers reject them, since a message whose author
// domain cannot be determined cannot be checked against any policy.
var (
	// ErrNoFrom: the message has no From header field (RFC 5322 requires
	// exactly one).
	ErrNoFrom = errors.New("no From header field")
	// ErrMultipleFrom: the message has more than one From header field.
	ErrMultipleFrom = errors.New("more than one From header field")
	// ErrMultipleFromDomains: the From field lists authors at different
	// domains, so no single policy applies.
	//lint:ignore ST1005 "From" is the name of the header field, spelled as RFC 5322 spells it.
	ErrMultipleFromDomains = errors.New("From addresses in different domains")
	// ErrBadFrom: the From field cannot be parsed, has no address, or an
	// address has no valid domain.
	ErrBadFrom = errors.New("invalid From header field")
)

// maxFromAddresses bounds the addresses read from one From field, and
// maxFromBytes its length (RFC 5322 section 2.1.1 limits a line to 998
// characters; a folded field may have several).
const (
	maxFromAddresses = 100
	maxFromBytes     = 8192
)

// fromParser reads From fields. Display names are not used, so an
// encoded word in any character set is accepted as it is: without a
// CharsetReader, net/mail refuses every character set but UTF-8, ASCII
// and Latin-1, and with them ordinary Japanese, Chinese or Windows mail.
var fromParser = mail.AddressParser{WordDecoder: &mime.WordDecoder{
	CharsetReader: func(_ string, r io.Reader) (io.Reader, error) { return r, nil },
}}

// FromDomain returns the RFC5322.From domain that DMARC evaluates: the
// domain of the author address in the message's From header field.
// fields are the values of every From field of the message, unfolded or
// not, as net/mail's Header["From"] holds them (pass all of them: a
// message with two From fields is an error, not a choice). Display
// names, comments, quoted local parts and RFC 2047 encoded words are
// handled by net/mail; the domain is returned normalized (lower case,
// A-labels for an internationalized name).
//
// A From field may list several authors (RFC 5322 section 3.6.2); when
// they share one domain that domain is returned, otherwise
// ErrMultipleFromDomains (RFC 7489 section 6.6.1 and RFC 9989 leave this
// to the receiver; evaluating only one of them would let a sender pick
// the policy). Errors wrap one of ErrNoFrom, ErrMultipleFrom,
// ErrMultipleFromDomains and ErrBadFrom and say what is wrong.
func FromDomain(fields []string) (string, error) {
	d, err := fromDomain(fields)
	if err != nil {
		return "", fmt.Errorf("dmarc: %w", err)
	}
	return d, nil
}

// fromDomain is FromDomain without the package name on its errors.
func fromDomain(fields []string) (string, error) {
	switch len(fields) {
	case 0:
		return "", ErrNoFrom
	case 1:
	default:
		return "", fmt.Errorf("%w: %d of them", ErrMultipleFrom, len(fields))
	}
	if len(fields[0]) > maxFromBytes {
		return "", fmt.Errorf("%w: %d bytes, more than %d", ErrBadFrom, len(fields[0]), maxFromBytes)
	}
	v := strings.TrimSpace(unfold(fields[0]))
	if v == "" {
		return "", fmt.Errorf("%w: empty", ErrBadFrom)
	}
	if n := strings.Count(v, "@"); n > maxFromAddresses {
		return "", fmt.Errorf("%w: %d addresses, more than %d", ErrBadFrom, n, maxFromAddresses)
	}
	addrs, err := fromParser.ParseList(v)
	if err != nil {
		return "", fmt.Errorf("%w: %q: %v", ErrBadFrom, clip(v), err)
	}
	if len(addrs) == 0 {
		return "", fmt.Errorf("%w: %q has no address", ErrBadFrom, clip(v))
	}
	domain := ""
	for _, a := range addrs {
		at := strings.LastIndexByte(a.Address, '@')
		if at < 0 {
			return "", fmt.Errorf("%w: address %q has no domain", ErrBadFrom, a.Address)
		}
		raw := a.Address[at+1:]
		if strings.HasPrefix(raw, "[") {
			return "", fmt.Errorf("%w: address %q has an address literal, not a domain name", ErrBadFrom, a.Address)
		}
		d, err := dnsname.Normalize(raw)
		if err != nil || !strings.Contains(d, ".") {
			if err == nil {
				err = errors.New("a single label is not a mail domain")
			}
			return "", fmt.Errorf("%w: domain %q of %q: %v", ErrBadFrom, raw, a.Address, err)
		}
		switch {
		case domain == "":
			domain = d
		case d != domain:
			return "", fmt.Errorf("%w: %s and %s", ErrMultipleFromDomains, domain, d)
		}
	}
	return domain, nil
}

// unfold removes the line breaks of folded header lines: a CRLF (or a
// bare LF) followed by white space, which stays, as RFC 5322 section
// 2.2.3 says. Any other CR or LF is left for the parser to refuse: taking
// it out would join "a@exa", LF, "mple.com" into an address that other
// parsers do not see.
func unfold(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	blank := func(i int) bool { return i < len(s) && (s[i] == ' ' || s[i] == '\t') }
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '\r' && i+1 < len(s) && s[i+1] == '\n' && blank(i+2):
			i++ // the CRLF goes; the white space after it stays
		case s[i] == '\n' && blank(i+1):
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// clip shortens s for an error message.
func clip(s string) string {
	const max = 100
	if len(s) <= max {
		return s
	}
	return s[:max] + "..."
}
