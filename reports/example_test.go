package reports_test

import (
	"fmt"
	"strings"

	"github.com/domainauth/domainauth/reports"
)

const exampleReport = `<?xml version="1.0"?>
<feedback>
  <report_metadata>
    <org_name>google.com</org_name><email>noreply-dmarc-support@google.com</email>
    <report_id>949348866075514174</report_id>
    <date_range><begin>1549929600</begin><end>1550015999</end></date_range>
  </report_metadata>
  <policy_published><domain>example.com</domain><p>none</p></policy_published>
  <record>
    <row><source_ip>192.0.2.1</source_ip><count>120</count>
      <policy_evaluated><disposition>none</disposition><dkim>pass</dkim><spf>pass</spf></policy_evaluated></row>
    <identifiers><header_from>example.com</header_from></identifiers>
    <auth_results><dkim><domain>example.com</domain><selector>s1</selector><result>pass</result></dkim>
      <spf><domain>example.com</domain><result>pass</result></spf></auth_results>
  </record>
  <record>
    <row><source_ip>198.51.100.7</source_ip><count>3</count>
      <policy_evaluated><disposition>none</disposition><dkim>FAIL</dkim><spf>fail</spf>
        <reason><type>local_policy</type><comment>arc=pass</comment></reason></policy_evaluated></row>
    <identifiers><header_from>example.com</header_from></identifiers>
    <auth_results><spf><domain>lists.example.org</domain><result>pass</result></spf></auth_results>
  </record>
</feedback>`

// Read a report (XML, .xml.gz, .zip or a whole report e-mail) one record
// at a time and summarize it for the domain's owner.
func Example() {
	var p reports.Parser // zero value: default limits
	var sum reports.Summarizer
	err := p.Read(strings.NewReader(exampleReport), func(r *reports.Report) error {
		for rec := range r.Aggregate.Records() {
			sum.Add(r.Aggregate.Report(), rec)
		}
		for _, w := range r.Aggregate.Report().Warnings {
			fmt.Println("warning:", w)
		}
		return r.Aggregate.Err()
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range sum.Summaries() {
		fmt.Printf("%s: %d messages, %.1f%% pass, %d by override, %d failing\n", s.Domain, s.Messages, 100*s.PassRate(), s.Override, s.Failing)
	}
	// Output:
	// warning: line 18: record/row/policy_evaluated/dkim: "FAIL" read as "fail"
	// example.com: 123 messages, 97.6% pass, 3 by override, 0 failing
}
