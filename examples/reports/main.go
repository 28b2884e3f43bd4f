// Command reports reads DMARC aggregate, DMARC failure and SMTP TLS
// reports from files, directories, mbox files and maildirs, and prints a
// summary per domain, or the flattened rows as JSON lines or CSV with
// parsedmarc's column names.
//
//	go run ./examples/reports [-json | -csv] [-period 24h] PATH...
//
// A PATH is a report file (XML, .xml.gz, .zip, JSON, an e-mail), a
// directory of them, a maildir (a directory with cur/ and new/), or an
// mbox file. Files that cannot be read are listed on stderr and make the
// exit status 1; the others are still summarized.
package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/domainauth/domainauth/reports"
)

func main() {
	jsonOut := flag.Bool("json", false, "print one JSON object per aggregate record, failure report and TLS failure detail")
	csvOut := flag.Bool("csv", false, "print CSV rows (aggregate records; with -kind, failure or TLS rows)")
	kind := flag.String("kind", "aggregate", "with -csv or -json: which rows, aggregate, failure or smtp_tls")
	period := flag.Duration("period", 0, "summarize per period (e.g. 24h) instead of over all time")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: reports [-json | -csv] [-kind aggregate|failure|smtp_tls] [-period 24h] PATH...\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() == 0 {
		flag.Usage()
		os.Exit(2)
	}
	a := &app{period: *period}
	a.sum.Period = *period
	if *jsonOut || *csvOut {
		format := reports.JSONL
		if *csvOut {
			format = reports.CSV
		}
		var k reports.Kind
		switch *kind {
		case "aggregate":
			k = reports.KindAggregate
		case "failure":
			k = reports.KindFailure
		case "smtp_tls":
			k = reports.KindTLS
		default:
			fmt.Fprintf(os.Stderr, "reports: unknown -kind %q\n", *kind)
			os.Exit(2)
		}
		rw, err := reports.NewRowWriter(os.Stdout, format, k)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		a.rows, a.rowKind = rw, k
	}
	for _, path := range flag.Args() {
		a.walk(path)
	}
	if a.rows != nil {
		if err := a.rows.Flush(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	} else {
		a.print(os.Stdout)
	}
	if a.failed > 0 {
		fmt.Fprintf(os.Stderr, "%d of %d inputs could not be read\n", a.failed, a.inputs)
		os.Exit(1)
	}
}

type app struct {
	parser   reports.Parser
	period   time.Duration
	sum      reports.Summarizer
	rows     *reports.RowWriter
	rowKind  reports.Kind
	failures []*reports.FailureReport
	tls      []*reports.TLSReport
	inputs   int
	failed   int
	reports  int
}

// walk reads a path: a file, an mbox, a maildir or a directory. Folders
// are listed with os.ReadDir, never a glob: report names hold [ ] and !.
func (a *app) walk(path string) {
	st, err := os.Stat(path)
	if err != nil {
		a.fail(path, err)
		return
	}
	if !st.IsDir() {
		a.file(path)
		return
	}
	entries, err := os.ReadDir(path)
	if err != nil {
		a.fail(path, err)
		return
	}
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") || name == "tmp" && isMaildir(path) {
			continue
		}
		p := filepath.Join(path, name)
		if e.IsDir() {
			a.walk(p)
		} else if e.Type().IsRegular() {
			a.file(p)
		}
	}
}

func isMaildir(dir string) bool {
	for _, sub := range []string{"cur", "new"} {
		if st, err := os.Stat(filepath.Join(dir, sub)); err != nil || !st.IsDir() {
			return false
		}
	}
	return true
}

func (a *app) fail(name string, err error) {
	a.failed++
	fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
}

// file reads one file: an mbox is split into its messages.
func (a *app) file(path string) {
	f, err := os.Open(path)
	if err != nil {
		a.inputs++
		a.fail(path, err)
		return
	}
	defer f.Close()
	br := bufio.NewReader(f)
	head, _ := br.Peek(5)
	if string(head) == "From " {
		a.mbox(path, br)
		return
	}
	a.inputs++
	if err := a.parser.Read(br, a.report); err != nil {
		a.fail(path, err)
	}
}

// mbox splits an mbox file at its "From " lines (mboxrd: a quoted
// ">From " in a body is unquoted).
func (a *app) mbox(path string, r *bufio.Reader) {
	var msg bytes.Buffer
	n := 0
	flush := func() {
		if msg.Len() == 0 {
			return
		}
		n++
		a.inputs++
		if err := a.parser.Read(bytes.NewReader(msg.Bytes()), a.report); err != nil {
			a.fail(fmt.Sprintf("%s message %d", path, n), err)
		}
		msg.Reset()
	}
	for {
		line, err := r.ReadBytes('\n')
		if bytes.HasPrefix(line, []byte("From ")) {
			flush()
			msg.Write(line) // the parser skips the From line itself
		} else if len(line) > 0 {
			if bytes.HasPrefix(bytes.TrimLeft(line, ">"), []byte("From ")) && line[0] == '>' {
				line = line[1:]
			}
			if int64(msg.Len()+len(line)) > reports.DefaultMaxInput {
				a.fail(fmt.Sprintf("%s message %d", path, n+1), errors.New("message larger than the input limit"))
				msg.Reset()
				continue
			}
			msg.Write(line)
		}
		if err != nil {
			if err != io.EOF {
				a.fail(path, err)
			}
			break
		}
	}
	flush()
}

// report handles one report: rows, or material for the summary. An
// aggregate report counts only once it was read to its end without error:
// its records go to a summarizer (or row buffer) of its own first.
func (a *app) report(r *reports.Report) error {
	a.reports++
	switch r.Kind {
	case reports.KindAggregate:
		ar := r.Aggregate
		var one reports.Summarizer
		one.Period = a.period
		var rows [][]string
		for rec := range ar.Records() {
			if a.rows != nil {
				if a.rowKind == reports.KindAggregate {
					rows = append(rows, reports.AggregateRow(ar.Report(), rec, ""))
				}
				continue
			}
			one.Add(ar.Report(), rec)
		}
		if err := ar.Err(); err != nil {
			a.reports--
			return err
		}
		a.sum.Merge(&one)
		for _, row := range rows {
			if err := a.rows.Write(row); err != nil {
				return err
			}
		}
		return nil
	case reports.KindFailure:
		if a.rows != nil {
			if a.rowKind == reports.KindFailure {
				return a.rows.Write(reports.FailureRow(r.Failure, ""))
			}
			return nil
		}
		a.failures = append(a.failures, r.Failure)
	case reports.KindTLS:
		if a.rows != nil {
			if a.rowKind == reports.KindTLS {
				for _, row := range reports.TLSRows(r.TLS) {
					if err := a.rows.Write(row); err != nil {
						return err
					}
				}
			}
			return nil
		}
		a.tls = append(a.tls, r.TLS)
	}
	return nil
}

func (a *app) print(w io.Writer) {
	for _, s := range a.sum.Summaries() {
		fmt.Fprintf(w, "%s  %s to %s\n", s.Domain, s.Begin.Format(time.DateOnly), s.End.Format(time.DateOnly))
		fmt.Fprintf(w, "  messages %d, DMARC pass %.1f%%: aligned %d, override %d, failing %d\n",
			s.Messages, 100*s.PassRate(), s.Aligned, s.Override, s.Failing)
		fmt.Fprintf(w, "  sources (%d):\n", len(s.Sources))
		for i, src := range s.Sources {
			if i == 10 {
				fmt.Fprintf(w, "    ... %d more\n", len(s.Sources)-10)
				break
			}
			fmt.Fprintf(w, "    %-40s %6d messages: %d aligned, %d override, %d failing\n", src.IP, src.Messages, src.Aligned, src.Override, src.Failing)
		}
		if len(s.TopFailing) > 0 {
			fmt.Fprintf(w, "  top failing:\n")
			for _, src := range s.TopFailing {
				fmt.Fprintf(w, "    %-40s %6d failing\n", src.IP, src.Failing)
			}
		}
		fmt.Fprintf(w, "  reporters:\n")
		for _, rep := range s.Reporters {
			fmt.Fprintf(w, "    %s <%s>: %d reports, %d messages\n", rep.OrgName, rep.Email, rep.Reports, rep.Messages)
		}
	}
	if len(a.failures) > 0 {
		by := map[string]int{}
		for _, f := range a.failures {
			by[f.ReportedDomain]++
		}
		fmt.Fprintf(w, "failure reports: %d\n", len(a.failures))
		var doms []string
		for d := range by {
			doms = append(doms, d)
		}
		sort.Strings(doms)
		for _, d := range doms {
			fmt.Fprintf(w, "  %s: %d\n", d, by[d])
		}
	}
	if len(a.tls) > 0 {
		fmt.Fprintf(w, "SMTP TLS reports: %d\n", len(a.tls))
		for _, t := range a.tls {
			for _, p := range t.Policies {
				fmt.Fprintf(w, "  %s %s (%s): %d successful, %d failed sessions\n", t.OrganizationName, p.Domain, p.Type, p.Successful, p.Failed)
			}
		}
	}
	fmt.Fprintf(w, "%d reports from %d inputs\n", a.reports, a.inputs)
}
