package reports

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func parseCorpusFile(t *testing.T, name string) collected {
	t.Helper()
	f, err := os.Open(filepath.Join(corpusDir, name))
	if err != nil {
		t.Skipf("corpus not available: %v", err)
	}
	defer f.Close()
	got, err := readAll(&Parser{}, f)
	if err != nil || len(got) != 1 {
		t.Fatalf("%s: %v (%d reports)", name, err, len(got))
	}
	return got[0]
}

// TestAggregateRowParsedmarc: the dmarc.org wiki sample gives the row
// parsedmarc's documentation shows for it (docs/source/output.md), with
// the geolocation columns empty.
func TestAggregateRowParsedmarc(t *testing.T) {
	c := parseCorpusFile(t, "aggregate/old_draft_from_wiki.xml")
	// parsedmarc's documented row, with its source_country "US" emptied
	// and the three AS columns its sample row lacks added empty.
	want := "draft,acme.com,noreply-dmarc-support@acme.com,http://acme.com/dmarc/support,9391651994964116463,2012-04-28 00:00:00,2012-04-28 23:59:59,False,,example.com,r,r,none,none,100,0,72.150.241.94,,,,,,,,,2,True,False,True,none,,,example.com,example.com,,example.com,none,fail,example.com,mfrom,pass"
	row := AggregateRow(&c.agg.Aggregate, &c.agg.Records[0], "")
	var buf bytes.Buffer
	rw, err := NewRowWriter(&buf, CSV, KindAggregate)
	if err != nil {
		t.Fatal(err)
	}
	if err := rw.Write(row); err != nil {
		t.Fatal(err)
	}
	rw.Flush()
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if lines[0] != strings.Join(AggregateColumns, ",") {
		t.Errorf("header %q", lines[0])
	}
	if lines[1] != want {
		t.Errorf("row\n got %s\nwant %s", lines[1], want)
	}
	// Override reasons and comments, one entry per <reason>.
	rr := Record{SourceIP: c.agg.Records[0].SourceIP, Reasons: []Reason{{Type: OverrideLocalPolicy, Comment: "arc=pass"}, {Type: OverrideMailingList}}}
	row = AggregateRow(&c.agg.Aggregate, &rr, "")
	for i, col := range AggregateColumns {
		switch col {
		case "policy_override_reasons":
			if row[i] != "local_policy,mailing_list" {
				t.Errorf("%s = %q", col, row[i])
			}
		case "policy_override_comments":
			if row[i] != "arc=pass," {
				t.Errorf("%s = %q", col, row[i])
			}
		}
	}
	// The empty org_name falls back to the domain of email, as in
	// parsedmarc.
	c2 := parseCorpusFile(t, "aggregate/!example.com!1538204542!1538463818.xml")
	if got := AggregateRow(&c2.agg.Aggregate, &c2.agg.Records[0], "")[1]; got != "accurateplastics.com" {
		t.Errorf("org_name %q, want accurateplastics.com", got)
	}
}

// TestFailureRowParsedmarc: the domain.de sample gives the row of
// parsedmarc's documentation.
func TestFailureRowParsedmarc(t *testing.T) {
	c := parseCorpusFile(t, "failure/DMARC Failure Report for domain.de (mail-from=sharepoint@domain.de, ip=10.10.10.10).eml")
	want := `auth-failure,Lua/1.0,1.0,,sharepoint@domain.de,peter.pan@domain.de,"Mon, 01 Oct 2018 11:20:27 +0200",2018-10-01 09:20:27,Subject,<38.E7.30937.BD6E1BB5@ mailrelay.de>,"dmarc=fail (p=none, dis=none) header.from=domain.de",,10.10.10.10,,,,,,,,,policy,dmarc,domain.de,,False`
	var buf bytes.Buffer
	rw, _ := NewRowWriter(&buf, CSV, KindFailure)
	if err := rw.Write(FailureRow(c.failure, "")); err != nil {
		t.Fatal(err)
	}
	rw.Flush()
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if lines[0] != strings.Join(FailureColumns, ",") {
		t.Errorf("header %q", lines[0])
	}
	if lines[1] != want {
		t.Errorf("row\n got %s\nwant %s", lines[1], want)
	}
	for in, want := range map[string]string{"": "", "delivered": "delivered", "smg-policy-action": "policy", "Spam": "spam", "rejected": "reject", "discarded": "other"} {
		if got := DeliveryResult(in); got != want {
			t.Errorf("DeliveryResult(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestTLSRows: one row per failure detail; a policy without details
// gives one row.
func TestTLSRows(t *testing.T) {
	c := parseCorpusFile(t, "smtp_tls/rfc8460.json")
	rows := TLSRows(c.tls)
	if len(rows) != 3 {
		t.Fatalf("%d rows, want 3 (one per failure detail)", len(rows))
	}
	col := func(name string) int {
		for i, c := range TLSColumns {
			if c == name {
				return i
			}
		}
		t.Fatalf("no column %s", name)
		return -1
	}
	r := rows[0]
	if r[col("policy_domain")] != "company-y.example" || r[col("successful_session_count")] != "5326" || r[col("failed_session_count")] != "303" || r[col("begin_date")] != "2016-04-01T00:00:00Z" {
		t.Errorf("row %v", r)
	}
	// The non-canonical 2001:db8:abcd:0012::1 comes out canonical.
	found := false
	for _, r := range rows {
		if r[col("sending_mta_ip")] == "2001:db8:abcd:12::1" {
			found = true
		}
	}
	if !found {
		t.Errorf("no canonical sending_mta_ip in %v", rows)
	}
	noDetails := &TLSReport{Policies: []TLSPolicy{{Domain: "example.com", Type: "sts", Successful: 4}}}
	if rows := TLSRows(noDetails); len(rows) != 1 || len(rows[0]) != len(TLSColumns) || rows[0][col("result_type")] != "" {
		t.Errorf("rows without details: %v", rows)
	}
}

// TestRowWriterJSON: JSON lines with typed values, keys in column order.
func TestRowWriterJSON(t *testing.T) {
	c := parseCorpusFile(t, "aggregate/old_draft_from_wiki.xml")
	var buf bytes.Buffer
	rw, err := NewRowWriter(&buf, JSONL, KindAggregate)
	if err != nil {
		t.Fatal(err)
	}
	for i := range c.agg.Records {
		if err := rw.Write(AggregateRow(&c.agg.Aggregate, &c.agg.Records[i], "mail.example.com")); err != nil {
			t.Fatal(err)
		}
	}
	rw.Flush()
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != len(c.agg.Records) {
		t.Fatalf("%d lines for %d records", len(lines), len(c.agg.Records))
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &m); err != nil {
		t.Fatal(err)
	}
	if m["count"] != float64(2) || m["dmarc_aligned"] != true || m["dkim_aligned"] != false || m["source_country"] != nil ||
		m["source_reverse_dns"] != "mail.example.com" || m["org_name"] != "acme.com" || len(m) != len(AggregateColumns) {
		t.Errorf("row %v", m)
	}
	if !strings.HasPrefix(lines[0], `{"xml_schema":"draft","org_name":"acme.com",`) {
		t.Errorf("keys out of column order: %s", lines[0][:60])
	}
	if err := rw.Write([]string{"x"}); err == nil {
		t.Error("a short row was written")
	}
	if _, err := NewRowWriter(&buf, CSV, Kind(0)); err == nil {
		t.Error("rows of no kind")
	}
	if _, err := NewRowWriter(&buf, RowFormat(0), KindAggregate); err == nil {
		t.Error("rows of no format")
	}
	// CSV quoting of commas survives a round trip through encoding/csv.
	var cb bytes.Buffer
	cw, _ := NewRowWriter(&cb, CSV, KindFailure)
	fr := &FailureReport{AuthenticationResults: "a, b; \"c\"", OriginalSubject: "line\nbreak"}
	cw.Write(FailureRow(fr, ""))
	cw.Flush()
	recs, err := csv.NewReader(&cb).ReadAll()
	if err != nil || len(recs) != 2 || recs[1][10] != fr.AuthenticationResults || recs[1][8] != fr.OriginalSubject {
		t.Errorf("csv round trip: %v %q", err, recs)
	}
}

// TestAggregateRowCount: the message count is written in decimal, also
// when it has more than one digit.
func TestAggregateRowCount(t *testing.T) {
	agg := &Aggregate{Policy: PolicyPublished{Domain: "example.com", P: "none"}}
	rec := &Record{SourceIP: netip.MustParseAddr("192.0.2.1"), Count: 1234567}
	row := AggregateRow(agg, rec, "")
	found := false
	for i, col := range AggregateColumns {
		if col == "count" {
			found = true
			if row[i] != "1234567" {
				t.Errorf("count = %q, want 1234567", row[i])
			}
		}
	}
	if !found {
		t.Error("no count column")
	}
}
