package verify

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/domainauth/domainauth/dkim"
	"github.com/domainauth/domainauth/finding"
	"github.com/domainauth/domainauth/internal/dnserr"
	"github.com/domainauth/domainauth/internal/tagvalue"
)

// dkim checks a DKIM key record by its public key bytes, not its text:
// tags may come in any order, with other spacing, and p= may be split.
func (k *check) dkim(ctx context.Context) {
	c := k.env.c
	want, err := dkim.ParseKey(k.rec.Values[0])
	if err != nil {
		k.fail(err)
		k.add(finding.CodeRecordUnsupported, finding.Warning, "the expected DKIM key does not parse: "+err.Error(), "")
		return
	}
	txts, err := c.txt(ctx, k.fqdn)
	if err != nil {
		if dnserr.IsNotFound(err) {
			k.dkimAbsent(ctx, want)
		} else {
			k.temporary(err)
		}
		return
	}
	k.res.Found = limit(txts)
	k.res.Status = Mismatch
	wantP := pValue(k.rec.Values[0])
	type verdict struct {
		code finding.Code
		msg  string
		fix  string
	}
	var best *verdict
	consider := func(v verdict) {
		if best == nil || rank(v.code) > rank(best.code) {
			best = &v
		}
	}
	for _, t := range k.res.Found {
		key, err := dkim.ParseKey(t)
		if err == nil {
			switch {
			case key.SamePublicKey(want):
				k.res.Status = Found
			case key.Revoked():
				consider(verdict{finding.CodeDKIMKeyMismatch, fmt.Sprintf("the DKIM key at %s is revoked (empty p=)", k.res.FQDN), ""})
			case truncatedKey(wantP, pValue(t)):
				consider(verdict{finding.CodeDKIMKeyTruncated, fmt.Sprintf("the DKIM key at %s is cut off after %d of %d key characters", k.res.FQDN, len(pValue(t)), len(wantP)), ""})
			default:
				consider(verdict{finding.CodeDKIMKeyMismatch, fmt.Sprintf("the DKIM key at %s is not this account's key (an older key, or another sender's)", k.res.FQDN), ""})
			}
			continue
		}
		// The record does not parse: find out which publishing mistake.
		repaired, _ := repairDKIM(t)
		rkey, rerr := dkim.ParseKey(repaired)
		sameKey := rerr == nil && rkey.SamePublicKey(want)
		keyNote := ""
		if sameKey {
			keyNote = " (the key itself is right)"
		}
		switch {
		case errors.Is(err, dkim.ErrKeyQuoted) || quoted(t):
			consider(verdict{finding.CodeDKIMQuotes, fmt.Sprintf("the DKIM record at %s contains literal quote characters%s", k.res.FQDN, keyNote),
				fmt.Sprintf("Edit the TXT record at host %q and remove the quote characters (\"): paste only the text between them. "+
					"Hosts that show TXT values in quotes add them themselves.", k.host())})
		case errors.Is(err, dkim.ErrKeyEscapedSemicolon) || strings.Contains(t, `\;`):
			consider(verdict{finding.CodeDKIMEscapedSemicolon, fmt.Sprintf(`the DKIM record at %s contains "\;": the backslashes were published literally%s`, k.res.FQDN, keyNote),
				fmt.Sprintf(`Your DNS host stores the value as typed: replace each \; with a plain ; in the TXT record at host %q. `+
					`Only hosts that reject plain semicolons need the \; form.`, k.host())})
		case errors.Is(err, dkim.ErrKeyTruncated) || truncatedKey(wantP, pValue(t)):
			consider(verdict{finding.CodeDKIMKeyTruncated, fmt.Sprintf("the DKIM key at %s is cut off after %d of %d key characters", k.res.FQDN, len(pValue(t)), len(wantP)), ""})
		default:
			consider(verdict{finding.CodeDKIMKeyInvalid, fmt.Sprintf("the DKIM record at %s does not parse: %v", k.res.FQDN, err),
				fmt.Sprintf("Replace the value of the TXT record at host %q with: %s", k.host(), k.rec.Values[0])})
		}
	}
	if k.res.Status != Found && len(k.res.Found) > 1 {
		// A long key pasted as several TXT records instead of one record
		// of several strings.
		joined := strings.Join(k.res.Found, "")
		if key, err := dkim.ParseKey(joined); err == nil && key.SamePublicKey(want) {
			best = &verdict{finding.CodeDKIMKeyTruncated, fmt.Sprintf("the DKIM key at %s is split over %d separate TXT records; receivers read each on its own", k.res.FQDN, len(k.res.Found)), ""}
		}
	}
	if k.res.Status == Found {
		if len(k.res.Found) > 1 {
			k.add(finding.CodeDKIMMultiple, finding.Warning,
				fmt.Sprintf("%d TXT records at %s; receivers may pick any of them", len(k.res.Found), k.res.FQDN),
				fmt.Sprintf("Keep only the record with this account's key at host %q.", k.host()))
		}
		return
	}
	if best == nil {
		return
	}
	fix := best.fix
	if fix == "" {
		fix = fmt.Sprintf("Replace the value of the TXT record at host %q with the key shown, in one record: %s. "+
			"If your DNS host limits a value to 255 characters, enter it as several quoted strings in the same record (\"first part\" \"second part\"), not as separate records.",
			k.host(), k.rec.Values[0])
	}
	k.add(best.code, finding.Error, best.msg, fix)
}

// rank orders DKIM verdicts: the most specific explanation wins when a
// name holds several broken records.
func rank(c finding.Code) int {
	switch c {
	case finding.CodeDKIMKeyMismatch:
		return 1
	case finding.CodeDKIMKeyInvalid:
		return 2
	}
	return 3
}

// repairDKIM undoes the usual publishing mistakes (quotes, "\;").
func repairDKIM(t string) (string, bool) {
	r := unquote(t)
	r = strings.ReplaceAll(r, `\;`, ";")
	return r, r != t
}

// pValue is the p= text of a key record with white space removed, or "".
func pValue(txt string) string {
	r, _ := repairDKIM(txt)
	l, err := tagvalue.Parse(r)
	if err != nil && l == nil {
		return ""
	}
	p, _ := l.Get("p")
	return strings.Join(strings.Fields(p), "")
}

// dkimAbsent explains a missing DKIM record.
func (k *check) dkimAbsent(ctx context.Context, want *dkim.Key) {
	c := k.env.c
	present := func(ctx context.Context, name string) bool {
		txts, err := c.txt(ctx, name)
		return err == nil && len(txts) > 0
	}
	atApex := func(ctx context.Context, name string) bool {
		txts, err := c.txt(ctx, name)
		if err != nil {
			return false
		}
		for _, t := range limit(txts) {
			if key, err := dkim.ParseKey(t); err == nil && key.SamePublicKey(want) {
				return true
			}
		}
		return false
	}
	k.absent(ctx, present, atApex)
}

// truncatedKey reports whether the published p= text is a strict prefix of
// the expected one: the key was cut off.
func truncatedKey(want, got string) bool {
	return got != "" && len(got) < len(want) && strings.HasPrefix(want, got)
}
