package records

import (
	"fmt"
	"strings"

	"github.com/domainauth/domainauth/dkim"
)

// dkimValue returns the TXT value of the account's DKIM key record, checked
// with dkim.ParseKey (the publishing mistakes it names, such as pasted
// quotes, an escaped semicolon, PEM armour or a truncated key, are refused
// here before a customer copies them), or made from the public key.
func dkimValue(a Account) (string, error) {
	txt := strings.TrimSpace(a.DKIMKey)
	switch {
	case txt != "" && a.DKIMPublicKey != nil:
		return "", fieldErrf("Account.DKIMKey", "", ErrInvalid, "give DKIMKey or DKIMPublicKey, not both")
	case txt != "":
		k, err := dkim.ParseKey(txt)
		if err != nil {
			return "", fieldErr("Account.DKIMKey", abbreviate(txt), fmt.Errorf("%w: %w", ErrInvalid, err))
		}
		if k.Revoked() {
			return "", fieldErrf("Account.DKIMKey", abbreviate(txt), ErrInvalid, "empty p= revokes the key; give the account's public key")
		}
		// The account's text is kept as given (after trimming) so that it
		// matches what the account's signer was configured with; it is
		// known to parse.
		return txt, nil
	case a.DKIMPublicKey != nil:
		k, err := dkim.NewKey(a.DKIMPublicKey)
		if err != nil {
			return "", fieldErr("Account.DKIMPublicKey", "", fmt.Errorf("%w: %w", ErrInvalid, err))
		}
		return k.String(), nil
	}
	return "", fieldErrf("Account.DKIMKey", "", ErrRequired, "the provider publishes a DKIM key record; give DKIMKey or DKIMPublicKey")
}

// abbreviate shortens a long value for an error message.
func abbreviate(s string) string {
	if len(s) <= 48 {
		return s
	}
	return s[:40] + "..." + s[len(s)-5:]
}
