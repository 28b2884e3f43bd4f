// Command table reads the output of `go test -bench` (several -count runs)
// and prints one Markdown table: per workload and library the median
// ns/op, B/op and allocs/op, and for domainauth the ratio to the best other
// library and to the floor. Below the table it checks the targets of
// issue 11.
//
// Benchmark names must end in /<library>; the rest of the name, without
// the Benchmark prefix and the -GOMAXPROCS suffix, is the workload.
//
// Usage:
//
//	go test -run '^$' -bench . -count 5 | go run ./cmd/table
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

const (
	ours  = "domainauth"
	floor = "floor"
)

// sample is one benchmark line.
type sample struct{ ns, bytes, allocs float64 }

// row is one workload and library, with all its samples.
type row struct {
	workload, lib string
	samples       []sample
}

// stats are the medians of a row.
type stats struct {
	ns, bytes, allocs float64
	n                 int
	hasMem            bool
}

var procSuffix = regexp.MustCompile(`-\d+$`)

func main() {
	targets := flag.Bool("targets", true, "check the targets of issue 11 below the table")
	flag.Parse()
	rows, err := parse(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "table:", err)
		os.Exit(1)
	}
	if len(rows) == 0 {
		fmt.Fprintln(os.Stderr, "table: no benchmark lines on standard input")
		os.Exit(1)
	}
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	printTable(w, rows)
	if *targets {
		fmt.Fprintln(w)
		printTargets(w, rows)
	}
}

// parse reads benchmark lines; other lines are ignored.
func parse(r io.Reader) ([]*row, error) {
	var rows []*row
	index := map[string]*row{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		name := procSuffix.ReplaceAllString(strings.TrimPrefix(f[0], "Benchmark"), "")
		i := strings.LastIndexByte(name, '/')
		if i < 0 {
			continue
		}
		s := sample{bytes: -1, allocs: -1}
		ok := false
		for j := 2; j+1 < len(f); j += 2 {
			v, err := strconv.ParseFloat(f[j], 64)
			if err != nil {
				break
			}
			switch f[j+1] {
			case "ns/op":
				s.ns, ok = v, true
			case "B/op":
				s.bytes = v
			case "allocs/op":
				s.allocs = v
			}
		}
		if !ok {
			continue
		}
		rw := index[name]
		if rw == nil {
			rw = &row{workload: name[:i], lib: name[i+1:]}
			index[name] = rw
			rows = append(rows, rw)
		}
		rw.samples = append(rw.samples, s)
	}
	return rows, sc.Err()
}

func median(v []float64) float64 {
	v = slices.Clone(v)
	slices.Sort(v)
	n := len(v)
	if n%2 == 1 {
		return v[n/2]
	}
	return (v[n/2-1] + v[n/2]) / 2
}

func (r *row) stats() stats {
	var ns, b, a []float64
	for _, s := range r.samples {
		ns = append(ns, s.ns)
		if s.bytes >= 0 {
			b = append(b, s.bytes)
		}
		if s.allocs >= 0 {
			a = append(a, s.allocs)
		}
	}
	st := stats{ns: median(ns), n: len(ns)}
	if len(b) > 0 && len(a) > 0 {
		st.bytes, st.allocs, st.hasMem = median(b), median(a), true
	}
	return st
}

// workload groups the rows of one workload in input order.
type workload struct {
	name string
	libs []*row
}

func group(rows []*row) []*workload {
	var out []*workload
	index := map[string]*workload{}
	for _, r := range rows {
		w := index[r.workload]
		if w == nil {
			w = &workload{name: r.workload}
			index[r.workload] = w
			out = append(out, w)
		}
		w.libs = append(w.libs, r)
	}
	return out
}

func (w *workload) get(lib string) (stats, bool) {
	for _, r := range w.libs {
		if r.lib == lib {
			return r.stats(), true
		}
	}
	return stats{}, false
}

// best returns the fastest library other than ours and the floor.
func (w *workload) best() (string, stats, bool) {
	var name string
	var b stats
	found := false
	for _, r := range w.libs {
		if r.lib == ours || r.lib == floor {
			continue
		}
		if s := r.stats(); !found || s.ns < b.ns {
			name, b, found = r.lib, s, true
		}
	}
	return name, b, found
}

func fmtNs(ns float64) string {
	switch {
	case ns >= 1e6:
		return fmt.Sprintf("%.2f ms", ns/1e6)
	case ns >= 1e3:
		return fmt.Sprintf("%.1f µs", ns/1e3)
	}
	return fmt.Sprintf("%.0f ns", ns)
}

func fmtBytes(b float64) string {
	switch {
	case b >= 1<<20:
		return fmt.Sprintf("%.2f MiB", b/(1<<20))
	case b >= 1<<10:
		return fmt.Sprintf("%.1f KiB", b/(1<<10))
	}
	return fmt.Sprintf("%.0f B", b)
}

func printTable(w io.Writer, rows []*row) {
	fmt.Fprintln(w, "| workload | library | ns/op | B/op | allocs/op | n | vs best other (time, allocs) | vs floor |")
	fmt.Fprintln(w, "|---|---|--:|--:|--:|--:|---|--:|")
	for _, wl := range group(rows) {
		bestName, best, hasBest := wl.best()
		fl, hasFloor := wl.get(floor)
		for _, r := range wl.libs {
			s := r.stats()
			mem, allocs := "-", "-"
			if s.hasMem {
				mem, allocs = fmtBytes(s.bytes), strconv.FormatFloat(s.allocs, 'f', 0, 64)
			}
			vsBest, vsFloor := "", ""
			if r.lib == ours && hasBest {
				vsBest = fmt.Sprintf("%.2fx time, %s allocs (best: %s)", s.ns/best.ns, ratio(s.allocs, best.allocs), bestName)
			}
			if r.lib != floor && hasFloor {
				vsFloor = fmt.Sprintf("%.2fx", s.ns/fl.ns)
			}
			lib := r.lib
			if lib == ours {
				lib = "**" + lib + "**"
			}
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %d | %s | %s |\n", wl.name, lib, fmtNs(s.ns), mem, allocs, s.n, vsBest, vsFloor)
		}
	}
}

func ratio(a, b float64) string {
	if b == 0 {
		if a == 0 {
			return "1.00x"
		}
		return "inf"
	}
	return fmt.Sprintf("%.2fx", a/b)
}

// printTargets checks the targets of issue 11 on the medians.
func printTargets(w io.Writer, rows []*row) {
	fmt.Fprintln(w, "Targets of issue 11 (medians of this run):")
	wls := group(rows)
	byName := map[string]*workload{}
	for _, wl := range wls {
		byName[wl.name] = wl
	}
	mark := func(ok bool) string {
		if ok {
			return "MET   "
		}
		return "MISSED"
	}
	for _, wl := range wls {
		o, hasOurs := wl.get(ours)
		if !hasOurs {
			continue
		}
		bestName, best, hasBest := wl.best()
		fl, hasFloor := wl.get(floor)
		switch {
		case strings.HasSuffix(wl.name, "Parse") || strings.HasPrefix(wl.name, "DKIMKeyParse"):
			if hasBest {
				ok := o.ns*3 <= best.ns && o.allocs*3 <= best.allocs
				fmt.Fprintf(w, "- %s %s: >=3x faster and <=1/3 allocs than best other (%s): %.2fx faster, %s allocs\n",
					mark(ok), wl.name, bestName, best.ns/o.ns, ratio(o.allocs, best.allocs))
			}
		case wl.name == "SPFCheckHost":
			if hasBest {
				fmt.Fprintf(w, "- %s %s: >=2x faster than best other (%s): %.2fx\n", mark(o.ns*2 <= best.ns), wl.name, bestName, best.ns/o.ns)
			}
		case strings.HasPrefix(wl.name, "DKIMSign/") || strings.HasPrefix(wl.name, "DKIMVerify/"):
			switch {
			case (strings.HasSuffix(wl.name, "/1MB") || strings.HasSuffix(wl.name, "/1MB-b64")) && hasFloor:
				fmt.Fprintf(w, "- %s %s: within 1.15x of floor: %.2fx\n", mark(o.ns <= 1.15*fl.ns), wl.name, o.ns/fl.ns)
			case strings.HasSuffix(wl.name, "/4KB") && hasBest:
				fmt.Fprintf(w, "- %s %s: faster than every other (best %s): %.2fx of its time\n", mark(o.ns < best.ns), wl.name, bestName, o.ns/best.ns)
			case strings.HasSuffix(wl.name, "/10MB"):
				one, ok := byName[strings.TrimSuffix(wl.name, "10MB")+"1MB"]
				if !ok {
					break
				}
				o1, ok := one.get(ours)
				if !ok || !o.hasMem || !o1.hasMem {
					break
				}
				const slack = 8 << 10
				fmt.Fprintf(w, "- %s %s: B/op <= 1MB's + 8 KiB: %s vs %s\n", mark(o.bytes <= o1.bytes+slack), wl.name, fmtBytes(o.bytes), fmtBytes(o1.bytes))
			}
		}
	}
}
