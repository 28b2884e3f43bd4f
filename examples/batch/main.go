// Command batch verifies many sending domains at once, the way an ESP
// re-checks its customers' DNS every night: bounded concurrency, one shared
// cache of DNS answers for the run, a progress line on stderr and one JSON
// report per domain on stdout (JSON lines), in completion order.
//
//	go run ./examples/batch -demo 500              # 500 generated domains on a loopback DNS server
//	go run ./examples/batch sets.jsonl             # record sets (records.Set JSON, one per line), real DNS
//	go run ./examples/batch -server 127.0.0.1:5353 sets.jsonl
//	go run ./examples/batch -previous last.jsonl sets.jsonl > today.jsonl   # nightly re-verification
//	go run ./examples/batch -demo 500 -reverify    # the same, with DKIM records removed between two runs
//
// Re-verification: with -previous, each domain's report is compared with
// the one of the last run (verify.Compare) and every change is printed on
// stderr: records removed or changed, findings new or resolved, and the
// domains that were verified and are not any more ("regressed": their
// mail may bounce or land in spam until the records are back).
//
// Input lines are the JSON form of records.Set (what records' Set.JSON
// writes), so the sets an ESP stores can be fed in as they are. The exit
// status is 0 when every domain is Verified (and, with -previous, none
// regressed), 1 otherwise, 2 on bad usage or input. The demo leaves the MX of every tenth domain out on
// purpose; it exits 0 when exactly those come out pending and the rest
// verified, and 1 otherwise.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/domainauth/domainauth"
	"github.com/domainauth/domainauth/records"
	"github.com/domainauth/domainauth/verify"
)

// maxLine bounds one input line (a Set with a 4096-bit DKIM key is ~3 KB).
const maxLine = 1 << 20

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("batch", flag.ContinueOnError)
	fs.SetOutput(stderr)
	server := fs.String("server", "", "query this DNS server (host:port) instead of the system's")
	demo := fs.Int("demo", 0, "verify this many generated domains against a loopback DNS server instead of reading a file")
	reverify := fs.Bool("reverify", false, "with -demo: verify, remove the DKIM records of every 25th domain, verify again and print the regressions")
	previous := fs.String("previous", "", "the reports of the last run (this program's JSON lines): print what changed since, and exit 1 on any regression")
	concurrency := fs.Int("concurrency", 64, "domains verified at once")
	timeout := fs.Duration("timeout", 5*time.Minute, "time allowed for the whole batch")
	lookupTimeout := fs.Duration("lookup-timeout", 3*time.Second, "time allowed for one DNS lookup")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: batch [-server host:port] [-concurrency n] [-previous last.jsonl] sets.jsonl | batch -demo n [-reverify]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *reverify && *demo == 0 {
		fs.Usage()
		return 2
	}

	var prev map[string]*verify.Report
	if *previous != "" {
		f, err := os.Open(*previous)
		if err != nil {
			fmt.Fprintln(stderr, "batch:", err)
			return 2
		}
		prev, err = readReports(f)
		f.Close()
		if err != nil {
			fmt.Fprintf(stderr, "batch: %s: %v\n", *previous, err)
			return 2
		}
	}

	var sets []records.Set
	var r domainauth.Resolver
	var fake *domainauth.FakeResolver
	switch {
	case *demo > 0:
		if fs.NArg() != 0 {
			fs.Usage()
			return 2
		}
		var zone string
		var err error
		sets, zone, err = demoSets(*demo)
		if err != nil {
			fmt.Fprintln(stderr, "batch:", err)
			return 2
		}
		fake, err = domainauth.NewFakeResolver(zone)
		if err != nil {
			fmt.Fprintln(stderr, "batch:", err)
			return 2
		}
		srv, err := fake.Serve()
		if err != nil {
			fmt.Fprintln(stderr, "batch:", err)
			return 2
		}
		defer srv.Close()
		r = &domainauth.StubResolver{Servers: []string{srv.Addr()}}
	case fs.NArg() == 1:
		f, err := os.Open(fs.Arg(0))
		if err != nil {
			fmt.Fprintln(stderr, "batch:", err)
			return 2
		}
		sets, err = readSets(f)
		f.Close()
		if err != nil {
			fmt.Fprintf(stderr, "batch: %s: %v\n", fs.Arg(0), err)
			return 2
		}
		if *server != "" {
			r = &domainauth.StubResolver{Servers: []string{*server}}
		} else {
			r = &domainauth.StubResolver{}
		}
	default:
		fs.Usage()
		return 2
	}

	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	v := &verify.Verifier{Resolver: r, Concurrency: *concurrency, LookupTimeout: *lookupTimeout}
	out := bufio.NewWriter(stdout)
	defer out.Flush()

	if *reverify {
		// The first run is the state at the last check; its reports are
		// what a service would have stored. Then customers edit their
		// DNS, and the nightly run compares.
		first, _, err := verifyAll(ctx, v, sets, io.Discard, stderr)
		if err != nil {
			fmt.Fprintln(stderr, "batch: stopped early:", err)
			return 1
		}
		prev = first
		for i := range sets {
			if i%25 != 24 {
				continue
			}
			for _, rec := range sets[i].Records {
				if rec.Purpose == records.PurposeDKIM {
					fake.Remove(rec.FQDN, domainauth.AllTypes)
				}
			}
		}
	}

	reports, counts, err := verifyAll(ctx, v, sets, out, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "batch: stopped early:", err)
		return 1
	}
	regressed := 0
	if prev != nil {
		regressed = printChanges(stderr, sets, prev, reports)
	}
	switch {
	case *reverify:
		// Every 25th domain lost its DKIM records: exactly those of them
		// that were verified regress (the every-tenth ones that never had
		// their MX were pending already).
		want := 0
		for i := range sets {
			if i%25 == 24 && i%10 != 9 {
				want++
			}
		}
		if regressed != want {
			fmt.Fprintf(stderr, "batch: demo: %d domains regressed, want %d\n", regressed, want)
			return 1
		}
		return 0
	case *demo > 0:
		// The demo zone leaves the MX of every tenth domain out on
		// purpose: the run succeeded when exactly those are pending and
		// every other domain is verified.
		wantPending := *demo / 10
		if counts[verify.Verified] != len(sets)-wantPending || counts[verify.Pending] != wantPending {
			fmt.Fprintf(stderr, "batch: demo: want %d verified and %d pending\n", len(sets)-wantPending, wantPending)
			return 1
		}
		return 0
	}
	if counts[verify.Verified] != len(sets) || regressed > 0 {
		return 1
	}
	return 0
}

// verifyAll verifies every set, writes one JSON report per domain to out
// in completion order and a progress line to stderr, and returns the
// reports by domain with the count of each status.
func verifyAll(ctx context.Context, v *verify.Verifier, sets []records.Set, out, stderr io.Writer) (map[string]*verify.Report, map[verify.Status]int, error) {
	enc := json.NewEncoder(out)
	counts := map[verify.Status]int{}
	reports := make(map[string]*verify.Report, len(sets))
	done := 0
	start := time.Now()
	stats, err := v.VerifyAll(ctx, sets, func(i int, rep *verify.Report, err error) {
		done++
		if err != nil {
			enc.Encode(map[string]string{"domain": sets[i].Domain, "error": err.Error()})
			counts[verify.Undetermined]++
		} else {
			enc.Encode(rep)
			counts[rep.Status]++
			reports[rep.Domain] = rep
		}
		if done%100 == 0 || done == len(sets) {
			fmt.Fprintf(stderr, "\r%d/%d domains  verified %d  pending %d  failed %d  undetermined %d  ",
				done, len(sets), counts[verify.Verified], counts[verify.Pending], counts[verify.Failed], counts[verify.Undetermined])
		}
	})
	fmt.Fprintln(stderr)
	if err != nil {
		return nil, nil, err
	}
	elapsed := time.Since(start)
	fmt.Fprintf(stderr, "%d domains in %v (%.0f/s); %d lookups, %d answered from the run's cache\n",
		stats.Domains, elapsed.Round(time.Millisecond), float64(stats.Domains)/elapsed.Seconds(), stats.Lookups, stats.CacheHits)
	return reports, counts, nil
}

// printChanges compares each domain's report with its previous one and
// writes, in input order, every domain that changed: regressions first
// in the summary line. It returns how many domains regressed.
func printChanges(w io.Writer, sets []records.Set, prev, cur map[string]*verify.Report) int {
	regressed, recovered, changed := 0, 0, 0
	for _, s := range sets {
		p, c := prev[s.Domain], cur[s.Domain]
		if p == nil || c == nil {
			continue
		}
		cmp := verify.Compare(p, c)
		if len(cmp.Changes) == 0 && cmp.Before == cmp.After {
			continue
		}
		changed++
		switch {
		case cmp.Regressed():
			regressed++
		case cmp.Before != verify.Verified && cmp.After == verify.Verified:
			recovered++
		}
		cmp.WriteText(w)
	}
	fmt.Fprintf(w, "since the last run: %d domains changed, %d regressed, %d newly verified\n", changed, regressed, recovered)
	return regressed
}

// readSets reads one records.Set JSON object per line; blank lines and
// lines starting with # are skipped.
func readSets(r io.Reader) ([]records.Set, error) {
	var sets []records.Set
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), maxLine)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		var s records.Set
		if err := json.Unmarshal([]byte(text), &s); err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		sets = append(sets, s)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("line %d: %w", line+1, err)
	}
	return sets, nil
}

// readReports reads the JSON reports of an earlier run, one per line, by
// domain; lines for domains that could not be checked ({"error": ...})
// are skipped.
func readReports(r io.Reader) (map[string]*verify.Report, error) {
	out := map[string]*verify.Report{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), maxLine)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" {
			continue
		}
		var rep verify.Report
		if err := json.Unmarshal([]byte(text), &rep); err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		if rep.Domain != "" && rep.Records != nil {
			out[rep.Domain] = &rep
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("line %d: %w", line+1, err)
	}
	return out, nil
}

// demoSets generates n accounts on SES-style DKIM CNAMEs (no keys to make)
// and a zone where every tenth domain has forgotten its MAIL FROM MX.
func demoSets(n int) ([]records.Set, string, error) {
	var zone strings.Builder
	zone.WriteString("amazonses.com. 300 TXT \"v=spf1 ip4:199.255.192.0/22 ~all\"\n")
	sets := make([]records.Set, 0, n)
	for i := range n {
		domain := fmt.Sprintf("customer%d.example", i)
		set, err := records.Generate(records.SESStyle(), records.Account{
			Domain:        domain,
			ID:            fmt.Sprint(i),
			Region:        "us-east-1",
			DKIMSelectors: []string{fmt.Sprintf("tok%da", i), fmt.Sprintf("tok%db", i), fmt.Sprintf("tok%dc", i)},
			AddedAt:       time.Now().Add(-time.Hour),
		})
		if err != nil {
			return nil, "", err
		}
		sets = append(sets, *set)
		// Publish the required records, leaving out the MX of every tenth.
		for _, rec := range set.Records {
			if !rec.Required || i%10 == 9 && rec.Type == records.TypeMX {
				continue
			}
			for _, v := range rec.Values {
				switch rec.Type {
				case records.TypeMX:
					fmt.Fprintf(&zone, "%s. 300 MX %d %s.\n", rec.FQDN, rec.Priority, v)
				case records.TypeCNAME:
					fmt.Fprintf(&zone, "%s. 300 CNAME %s.\n", rec.FQDN, v)
				case records.TypeTXT:
					fmt.Fprintf(&zone, "%s. 300 TXT %q\n", rec.FQDN, v)
				}
			}
		}
	}
	return sets, zone.String(), nil
}
