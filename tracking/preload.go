package tracking

// preloadedTLDs are the top-level domains that browsers treat as HSTS hosts
// with includeSubDomains before any visit: an http:// link to any name under
// them is rewritten to https:// by the browser, so a tracking host there
// needs HTTPS.
//
// Source: Chromium net/http/transport_security_state_static.json, the entries
// under "gTLDs and eTLDs are welcome to preload if they are interested" with
// "policy": "public-suffix", "mode": "force-https", "include_subdomains": true.
// Firefox, Safari and Edge build their preload lists from the same file.
// Consulted 2026-11-23 (in a Chromium-derived source tree); registries add
// TLDs rarely, but check the file when a new brand or generic TLD launches.
// Only single-label (TLD) entries are kept; the few preloaded public
// suffixes below a TLD (now.sh, ...) are hosting platforms, not places for a
// customer's tracking CNAME.
var preloadedTLDs = map[string]string{
	// Google Registry (Charleston Road Registry).
	"android": "Google",
	"app":     "Google",
	"boo":     "Google",
	"channel": "Google",
	"chrome":  "Google",
	"dad":     "Google",
	"day":     "Google",
	"dev":     "Google",
	"eat":     "Google",
	"esq":     "Google",
	"fly":     "Google",
	"foo":     "Google",
	"gle":     "Google",
	"gmail":   "Google",
	"google":  "Google",
	"hangout": "Google",
	"ing":     "Google",
	"meet":    "Google",
	"meme":    "Google",
	"mov":     "Google",
	"new":     "Google",
	"nexus":   "Google",
	"page":    "Google",
	"phd":     "Google",
	"play":    "Google",
	"prof":    "Google",
	"rsvp":    "Google",
	"search":  "Google",
	"youtube": "Google",
	"zip":     "Google",
	// fTLD Registry Services (banks and insurers).
	"bank":      "fTLD",
	"insurance": "fTLD",
	// Microsoft.
	"azure":     "Microsoft",
	"bing":      "Microsoft",
	"hotmail":   "Microsoft",
	"microsoft": "Microsoft",
	"office":    "Microsoft",
	"skype":     "Microsoft",
	"windows":   "Microsoft",
	"xbox":      "Microsoft",
	// Amazon.
	"amazon":         "Amazon",
	"audible":        "Amazon",
	"fire":           "Amazon",
	"imdb":           "Amazon",
	"kindle":         "Amazon",
	"prime":          "Amazon",
	"silk":           "Amazon",
	"zappos":         "Amazon",
	"xn--cckwcxetd":  "Amazon", // アマゾン
	"xn--jlq480n2rg": "Amazon", // 亚马逊
	// Fujitsu.
	"fujitsu": "Fujitsu",
}

// PreloadedTLD reports whether the top-level domain of host is on the
// browsers' HSTS preload list with includeSubDomains, and returns that TLD
// (in A-label form). host must be normalised (lower case, A-labels, no
// trailing dot).
//
// The list is data compiled into the package, from Chromium's
// net/http/transport_security_state_static.json (the "gTLDs and eTLDs"
// entries with mode force-https and include_subdomains), consulted on
// 2026-11-23: Google's TLDs (.android, .app, .boo, .channel, .chrome,
// .dad, .day, .dev, .eat, .esq, .fly, .foo, .gle, .gmail, .google,
// .hangout, .ing, .meet, .meme, .mov, .new, .nexus, .page, .phd, .play,
// .prof, .rsvp, .search, .youtube, .zip), fTLD's .bank and .insurance, and
// the brand TLDs of Microsoft, Amazon and Fujitsu that asked for it.
func PreloadedTLD(host string) (tld string, ok bool) {
	tld = host
	for i := len(host) - 1; i >= 0; i-- {
		if host[i] == '.' {
			tld = host[i+1:]
			break
		}
	}
	if _, ok := preloadedTLDs[tld]; !ok {
		return "", false
	}
	return tld, true
}
