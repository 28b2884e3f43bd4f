package verify

import "strings"

// Providers with regions (Amazon SES, or an ESP with US and EU accounts)
// publish one set of hosts per region, whose names differ in one label:
// feedback-smtp.us-east-1.amazonses.com and
// feedback-smtp.eu-west-1.amazonses.com, e.customeriomail.com and
// e-eu.customeriomail.com. A customer who copies the records of another
// region (or of an old account) publishes a host that is valid for the
// provider but not for this account: regionSwap recognises it, so the
// advice can say "wrong region" instead of "missing" and "extra".

// regionSwap reports whether got is the provider's counterpart of want in
// another region: both names have the same labels except one, and that
// label of got names a region that the one of want does not (or another
// one). It returns got's region, "" when got's label names none (the
// provider's default region, as e.customeriomail.com is to
// e-eu.customeriomail.com). A typo or another host of the same
// region (mxa/mxb) is not a swap.
func regionSwap(want, got string) (region string, ok bool) {
	wl, gl := strings.Split(want, "."), strings.Split(got, ".")
	if len(wl) != len(gl) || len(wl) < 2 {
		return "", false
	}
	diff := -1
	for i := range wl {
		if wl[i] != gl[i] {
			if diff >= 0 {
				return "", false
			}
			diff = i
		}
	}
	if diff < 0 {
		return "", false
	}
	gr, wr := regionIn(gl[diff]), regionIn(wl[diff])
	if gr == wr {
		return "", false
	}
	if gr == "" {
		// The provider's unnamed (default) region: got must be want's
		// label without its region part ("e" for "e-eu"), not any label.
		w := wl[diff]
		if strings.ReplaceAll(w, "-"+wr, "") != gl[diff] && strings.ReplaceAll(w, wr+"-", "") != gl[diff] {
			return "", false
		}
	}
	return gr, true
}

// regionPhrase names got's region in a message: "region eu-west-1", or
// "another region" for a name without one.
func regionPhrase(region string) string {
	if region == "" {
		return "another region"
	}
	return "region " + region
}

// regionIn returns the region named in a DNS label, or "": an AWS-style
// region ("us-east-1", "ap-southeast-2") anywhere in the label, or a
// short region word ("eu", "us") as a whole dash-separated part ("e-eu").
func regionIn(label string) string {
	parts := strings.Split(label, "-")
	for i := 0; i+2 < len(parts); i++ {
		if isAWSArea(parts[i]) && isLetters(parts[i+1]) && isDigits(parts[i+2]) {
			return parts[i] + "-" + parts[i+1] + "-" + parts[i+2]
		}
	}
	for _, p := range parts {
		switch p {
		case "us", "eu", "uk", "au", "ca", "jp", "ap":
			return p
		}
	}
	return ""
}

// isAWSArea reports whether s is the first part of an AWS region name.
func isAWSArea(s string) bool {
	switch s {
	case "us", "eu", "ap", "ca", "sa", "me", "af", "il", "mx", "cn":
		return true
	}
	return false
}

func isLetters(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return true
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
