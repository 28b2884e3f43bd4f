package records

// Provider describes an email service provider's sending infrastructure: the
// part of the records that is the same for every customer. Names and values
// are templates (see the variables listed in the package documentation);
// host names in Host fields are relative to the customer's sending domain,
// "@" meaning the sending domain itself.
//
// A Provider is plain data: define your own, or start from a preset
// ([MailgunStyle], [SESStyle], [SendGridStyle]) and change fields. Generate
// validates it together with the account.
type Provider struct {
	// Name identifies the provider in the Set (Set.Provider), e.g.
	// "mailgun-style".
	Name string
	// TTL of every record; 0 means 3600 seconds.
	TTL uint32
	// AccountLabel is the account label scheme: the template of the
	// account-specific subdomain label, e.g. "cio{account}". Its expansion is
	// the {label} variable. Empty when the provider uses none.
	AccountLabel string
	// Regions lists the regions the provider has, the first being the
	// default for accounts without a Region. Empty: any region name the
	// account gives is accepted (and required only when a template uses
	// {region}).
	Regions []string
	// Defaults gives values for template variables the account may leave
	// out of Account.Vars, e.g. {"mailfrom": "mail"}.
	Defaults map[string]string

	ReturnPath ReturnPath // the bounce domain's MX or CNAME record; zero means none
	SPF        SPF        // the SPF record; no Includes and no Mechanisms means none
	DKIM       DKIM       // the DKIM key records or delegations; zero means none
	Tracking   Tracking   // the link-tracking CNAME targets; zero means no tracking host
}

// ReturnPath is the bounce (MAIL FROM, RFC 5321 envelope sender) domain: the
// provider receives bounces and complaints there, and because it is a
// subdomain of the customer's domain, SPF passes in alignment with the From
// domain under relaxed DMARC alignment. Either MX or CNAME is set, not both.
type ReturnPath struct {
	// Host is the return-path name relative to the sending domain, e.g.
	// "{label}" or "{mailfrom}". Empty: the set has no return-path record.
	Host string
	// MX lists the provider's bounce-processing hosts (templates), published
	// as MX records at Host, e.g. "mxa.mailgun.org".
	MX []string
	// Priority is the MX preference of every MX host.
	Priority uint16
	// CNAME delegates the whole return-path name to the provider (which then
	// also serves its MX and SPF records), e.g. "u{user}.wl{wl}.sendgrid.net".
	CNAME string
}

// SPF is the SPF record (RFC 7208) that authorises the provider's servers.
type SPF struct {
	// Host is where the record goes, relative to the sending domain; empty
	// means ReturnPath.Host (SPF is checked against the MAIL FROM domain).
	Host string
	// Includes are domains for include: mechanisms, e.g. "mailgun.org".
	Includes []string
	// Mechanisms are other mechanisms, written as in the record (for example
	// "ip4:192.0.2.0/24"); they are added before the includes.
	Mechanisms []string
	// All is the closing all mechanism with its qualifier; empty means
	// "~all".
	All string
}

// DKIM describes the DKIM records (RFC 6376 section 3.6.2): either a TXT key
// record the customer publishes with the account's public key, or a CNAME
// per selector that delegates the key to the provider (which can then rotate
// keys without the customer).
type DKIM struct {
	// Host is the template of the record name relative to the sending
	// domain; it must contain {selector}, e.g. "{selector}._domainkey" or
	// "{selector}._domainkey.{label}". Empty: no DKIM records.
	Host string
	// Selectors are the provider's fixed selectors (templates), e.g. "krs",
	// "s1", "s2" or "acme{account}".
	Selectors []string
	// AccountSelectors is the number of selectors each account supplies in
	// Account.DKIMSelectors (Amazon SES's three tokens); 0 when the provider
	// uses only fixed selectors.
	AccountSelectors int
	// CNAME, when set, is the delegation target per selector, e.g.
	// "{selector}.dkim.amazonses.com"; when empty the record is a TXT key
	// record made from the account's public key.
	CNAME string
}

// Tracking is the link-tracking (click and open) host: a customer host name
// aliased by CNAME to the provider's tracking servers.
type Tracking struct {
	// Targets maps a region to the CNAME target (a template); the key ""
	// applies to every region without its own entry. Empty: the provider
	// offers no custom tracking domain.
	Targets map[string]string
}

// MailgunStyle returns the pattern of an ESP that sends through Mailgun:
// everything lives on an account subdomain cio<account id>, so the
// customer's own MX, SPF and DKIM stay untouched.
// For the account ID 12345 on example.com, region "us", it produces
//
//	cio12345.example.com.                 MX    10 mxa.mailgun.org.
//	cio12345.example.com.                 MX    10 mxb.mailgun.org.
//	cio12345.example.com.                 TXT   "v=spf1 include:mailgun.org ~all"
//	krs._domainkey.cio12345.example.com.  TXT   "v=DKIM1; k=rsa; p=<account key>"
//	_dmarc.example.com.                   TXT   "v=DMARC1; p=none"          (only if none exists)
//	<tracking host>                       CNAME e.customeriomail.com.   (region "eu": e-eu.customeriomail.com.)
//
// The return-path MX, SPF and DKIM records are required; DMARC and tracking
// are advice.
func MailgunStyle() Provider {
	return Provider{
		Name:         "mailgun-style",
		TTL:          3600,
		AccountLabel: "cio{account}",
		Regions:      []string{"us", "eu"},
		ReturnPath: ReturnPath{
			Host:     "{label}",
			MX:       []string{"mxa.mailgun.org", "mxb.mailgun.org"},
			Priority: 10,
		},
		SPF: SPF{Includes: []string{"mailgun.org"}, All: "~all"},
		DKIM: DKIM{
			Host:      "{selector}._domainkey.{label}",
			Selectors: []string{"krs"},
		},
		Tracking: Tracking{Targets: map[string]string{
			"us": "e.customeriomail.com",
			"eu": "e-eu.customeriomail.com",
		}},
	}
}

// SESStyle returns the Amazon SES pattern (Easy DKIM and a custom MAIL FROM
// domain). The account supplies its region
// (Account.Region, e.g. "us-east-1") and the three DKIM tokens SES gave it
// (Account.DKIMSelectors); the MAIL FROM label is Account.Vars["mailfrom"],
// "mail" by default. For example.com it produces
//
//	<token1>._domainkey.example.com.  CNAME <token1>.dkim.amazonses.com.
//	<token2>._domainkey.example.com.  CNAME <token2>.dkim.amazonses.com.
//	<token3>._domainkey.example.com.  CNAME <token3>.dkim.amazonses.com.
//	mail.example.com.                 MX    10 feedback-smtp.us-east-1.amazonses.com.
//	mail.example.com.                 TXT   "v=spf1 include:amazonses.com ~all"
//	_dmarc.example.com.               TXT   "v=DMARC1; p=none"      (only if none exists)
//	<tracking host>                   CNAME r.us-east-1.awstrack.me.
//
// The tracking target is the SES custom redirect domain of the region.
func SESStyle() Provider {
	return Provider{
		Name:     "ses-style",
		TTL:      1800,
		Defaults: map[string]string{"mailfrom": "mail"},
		ReturnPath: ReturnPath{
			Host:     "{mailfrom}",
			MX:       []string{"feedback-smtp.{region}.amazonses.com"},
			Priority: 10,
		},
		SPF: SPF{Includes: []string{"amazonses.com"}, All: "~all"},
		DKIM: DKIM{
			Host:             "{selector}._domainkey",
			AccountSelectors: 3,
			CNAME:            "{selector}.dkim.amazonses.com",
		},
		Tracking: Tracking{Targets: map[string]string{"": "r.{region}.awstrack.me"}},
	}
}

// SendGridStyle returns the SendGrid domain-authentication pattern: every
// record is a CNAME into SendGrid's zone, so SendGrid serves the return-path
// MX and SPF and rotates the DKIM keys itself. Account.ID is the em<id>
// number; Account.Vars must give "user" (the SendGrid user id) and "wl" (the
// white-label number). For ID 1234, user 5678, wl 1 on example.com:
//
//	em1234.example.com.          CNAME u5678.wl1.sendgrid.net.
//	s1._domainkey.example.com.   CNAME s1.domainkey.u5678.wl1.sendgrid.net.
//	s2._domainkey.example.com.   CNAME s2.domainkey.u5678.wl1.sendgrid.net.
//	_dmarc.example.com.          TXT   "v=DMARC1; p=none"    (only if none exists)
//	<tracking host>              CNAME sendgrid.net.
//
// No SPF record is needed: the em<id> CNAME makes SendGrid's own SPF record
// apply to the return path.
func SendGridStyle() Provider {
	return Provider{
		Name:         "sendgrid-style",
		TTL:          3600,
		AccountLabel: "em{account}",
		ReturnPath: ReturnPath{
			Host:  "{label}",
			CNAME: "u{user}.wl{wl}.sendgrid.net",
		},
		DKIM: DKIM{
			Host:      "{selector}._domainkey",
			Selectors: []string{"s1", "s2"},
			CNAME:     "{selector}.domainkey.u{user}.wl{wl}.sendgrid.net",
		},
		Tracking: Tracking{Targets: map[string]string{"": "sendgrid.net"}},
	}
}
