package reports

import (
	"net/netip"
	"time"

	"github.com/domainauth/domainauth/dmarc"
)

// Namespace9990 is the XML namespace of the RFC 9990 aggregate report
// schema. RFC 7489 Appendix C declares http://dmarc.org/dmarc-xml/0.1,
// which almost no reporter writes; most reports carry no namespace at all.
const Namespace9990 = "urn:ietf:params:xml:ns:dmarc-2.0"

// Namespace7489 is the target namespace of the RFC 7489 Appendix C schema.
const Namespace7489 = "http://dmarc.org/dmarc-xml/0.1"

// Aggregate is everything in a DMARC aggregate report except its records:
// who reports, for which period, and the policy they found.
//
//	<feedback>
//	  <report_metadata>
//	    <org_name>google.com</org_name>
//	    <email>noreply-dmarc-support@google.com</email>
//	    <report_id>949348866075514174</report_id>
//	    <date_range><begin>1549929600</begin><end>1550015999</end></date_range>
//	  </report_metadata>
//	  <policy_published><domain>borschow.com</domain><p>none</p>...</policy_published>
//	  <record>...</record>
//	</feedback>
type Aggregate struct {
	// Namespace is the namespace of <feedback>: Namespace9990,
	// Namespace7489 or "" (the usual case, even for RFC 9990 reports).
	Namespace string
	// Version is the <version> text, "" when absent (RFC 7489 reports
	// usually have none; RFC 9990 requires it but its example says 1.0).
	Version  string
	Metadata Metadata
	Policy   PolicyPublished
	// Warnings lists the deviations the parser read past, at most
	// Parser.MaxWarnings; WarningsDropped counts the others.
	Warnings        []Warning
	WarningsDropped int
}

// Metadata is <report_metadata>: the reporting organization and the
// period covered.
type Metadata struct {
	OrgName          string    // <org_name>, trimmed; may be empty in real reports
	Email            string    // <email>: the reporter's contact address
	ExtraContactInfo string    // <extra_contact_info>, optional
	ReportID         string    // <report_id>: unique per reporter
	Begin            time.Time // <date_range><begin>, UTC, from Unix seconds
	End              time.Time // <date_range><end>, UTC
	Errors           []string  // <error> elements: problems the reporter met
	Generator        string    // <generator> (RFC 9990), optional
}

// PolicyPublished is <policy_published>: the DMARC record the reporter
// found. Fields are empty when the element is absent; enumerated values
// are lower case.
type PolicyPublished struct {
	Domain          string              // <domain>: where the record was found
	ADKIM           dmarc.AlignmentMode // <adkim>: "r" or "s"; "" when absent (relaxed)
	ASPF            dmarc.AlignmentMode // <aspf>
	P               dmarc.Policy        // <p>
	SP              dmarc.Policy        // <sp>; "" when absent (p applies)
	NP              dmarc.Policy        // <np> (RFC 9990); "" when absent
	Percent         int                 // <pct> (RFC 7489), valid when HasPercent
	HasPercent      bool                // whether <pct> was present
	FO              string              // <fo>: failure reporting options as written, e.g. "0" or "1:d"
	Testing         string              // <testing> (RFC 9990): "y" or "n"; "" when absent
	DiscoveryMethod string              // <discovery_method> (RFC 9990): "psl" or "treewalk"
}

// Record is one <record>: the messages from one source IP with the same
// identifiers and results, and how many there were.
type Record struct {
	SourceIP    netip.Addr   // <source_ip>
	Count       int64        // <count>: number of messages
	Disposition dmarc.Policy // <disposition>: what the receiver did: none, quarantine, reject
	DKIM        Verdict      // <policy_evaluated><dkim>: aligned DKIM pass or fail
	SPF         Verdict      // <policy_evaluated><spf>
	Reasons     []Reason     // <reason>: why the disposition differs from the policy
	HeaderFrom  string       // <identifiers><header_from>
	// EnvelopeFrom and EnvelopeTo are the RFC5321 MAIL FROM domain and the
	// recipient domain; "" when absent.
	EnvelopeFrom string
	EnvelopeTo   string
	AuthDKIM     []DKIMAuth // <auth_results><dkim>, one per signature
	AuthSPF      []SPFAuth  // <auth_results><spf>
}

// Verdict is a DMARC alignment verdict of <policy_evaluated>.
type Verdict string

// Verdicts. The schema allows only these two.
const (
	VerdictPass Verdict = "pass"
	VerdictFail Verdict = "fail"
)

// Override is a <reason><type>: why the receiver applied something else
// than the published policy.
type Override string

// Override reasons of RFC 7489 Appendix C and RFC 9990.
const (
	OverrideForwarded        Override = "forwarded"
	OverrideSampledOut       Override = "sampled_out"
	OverrideTrustedForwarder Override = "trusted_forwarder"
	OverrideMailingList      Override = "mailing_list"
	OverrideLocalPolicy      Override = "local_policy"
	OverridePolicyTestMode   Override = "policy_test_mode" // RFC 9990
	OverrideOther            Override = "other"
)

// Reason is one <reason>: the override type and a free comment such as
// "arc=pass".
type Reason struct {
	Type    Override
	Comment string
}

// DKIMAuth is one DKIM result of <auth_results>, aligned or not.
type DKIMAuth struct {
	Domain      string           // <domain>: the d= of the signature
	Selector    string           // <selector>: the s=; "" when absent (optional in RFC 7489)
	Result      dmarc.AuthResult // <result>, lower case
	HumanResult string           // <human_result>, optional
}

// SPFAuth is one SPF result of <auth_results>.
type SPFAuth struct {
	Domain      string           // <domain>: the MAIL FROM or HELO domain checked
	Scope       string           // <scope>: "mfrom" or "helo"; "" when absent
	Result      dmarc.AuthResult // <result>, lower case
	HumanResult string           // <human_result>, optional
}

// AggregateReport is an aggregate report held in memory: its header and
// all its records. Parser.ParseAggregate builds it; for large reports
// prefer Parser.NewAggregateReader, which reads one record at a time.
type AggregateReport struct {
	Aggregate
	Records []Record
}

// Clone returns a deep copy of r, for keeping a record that
// AggregateReader.Record returned beyond the next call of Next.
func (r *Record) Clone() Record {
	c := *r
	c.Reasons = append([]Reason(nil), r.Reasons...)
	c.AuthDKIM = append([]DKIMAuth(nil), r.AuthDKIM...)
	c.AuthSPF = append([]SPFAuth(nil), r.AuthSPF...)
	return c
}

// MessagesPassed reports whether the record's messages passed DMARC: an
// aligned DKIM or SPF pass.
func (r *Record) MessagesPassed() bool { return r.DKIM == VerdictPass || r.SPF == VerdictPass }
