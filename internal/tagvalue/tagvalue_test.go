package tagvalue

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want List
	}{
		{"v=DKIM1; k=rsa; p=MIGf", List{{"v", "DKIM1", 0}, {"k", "rsa", 9}, {"p", "MIGf", 16}}},
		{"v=DMARC1;p=none;", List{{"v", "DMARC1", 0}, {"p", "none", 9}}},              // trailing ';' is an empty last tag
		{"v=DMARC1; p=none; ", List{{"v", "DMARC1", 0}, {"p", "none", 10}}},           // and may be followed by space
		{" v = DKIM1 ;\r\n\tp = ab cd ", List{{"v", "DKIM1", 1}, {"p", "ab cd", 15}}}, // FWS around names, "=", values; inner space kept
		{"n=", List{{"n", "", 0}}}, // empty value
		{"", List{}},
		{"x_1=a=b", List{{"x_1", "a=b", 0}}}, // '=' is a value character
		{" a9 = x ;\tz0=y", List{{"a9", "x", 1}, {"z0", "y", 10}}}, // digits in names, on the path that trims FWS too
	}
	for _, tt := range tests {
		got, err := Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Parse(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		in     string
		err    error
		offset int
		tag    string
	}{
		{"v=DKIM1; k", ErrMissingEquals, 9, "k"},
		{"v=1;;p=x", ErrEmptyTag, 4, ""},
		{"1v=x", ErrBadName, 0, "1v"},
		{"v=1; =x", ErrBadName, 5, ""}, // an "=" with no name before it
		{"v=1; p-x=y", ErrBadName, 5, "p-x"},
		{"v=a\x01b", ErrBadValue, 3, "v"},
		{"p=\"quoted\";x=\x80", ErrBadValue, 13, "x"},
		{"v=1; b=abc\x7fdef", ErrBadValue, 10, "b"}, // DEL is not visible
		{"v=1; b=abcdefgh~ijklmnopq\x7f", ErrBadValue, 25, "b"},
		{"v=1; p=a; v=2", ErrDuplicateTag, 10, "v"},
	}
	for _, tt := range tests {
		_, err := Parse(tt.in)
		var se *SyntaxError
		if !errors.Is(err, tt.err) || !errors.As(err, &se) || se.Offset != tt.offset || se.Tag != tt.tag {
			t.Errorf("Parse(%q) = %v, want %v at %d (tag %q)", tt.in, err, tt.err, tt.offset, tt.tag)
		}
	}
}

// TestSyntaxErrorText: the message names the tag, when there is one, the
// offset and the problem.
func TestSyntaxErrorText(t *testing.T) {
	for in, want := range map[string]string{
		"v=1; p-x=y": `tag "p-x" at offset 5: invalid tag name`,
		"v=1;;p=x":   `offset 4: empty tag`,
	} {
		if _, err := Parse(in); err == nil || err.Error() != want {
			t.Errorf("Parse(%q): %v; want %s", in, err, want)
		}
	}
}

func TestDuplicateKeepsList(t *testing.T) {
	l, err := Parse("p=none; p=reject")
	if !errors.Is(err, ErrDuplicateTag) || len(l) != 2 {
		t.Fatalf("got %v, %v", l, err)
	}
	if v, _ := l.Get("p"); v != "none" {
		t.Errorf("Get returns the first occurrence, got %q", v)
	}
}

func TestTagLimit(t *testing.T) {
	var b strings.Builder
	for i := range MaxTags + 1 {
		b.WriteString("a")
		b.WriteString(strings.Repeat("b", i%5))
		b.WriteString(string(rune('a' + i%26)))
		b.WriteString("=1;")
	}
	if _, err := Parse(b.String()); err == nil {
		t.Error("a list longer than MaxTags must be refused")
	}
}

// scanAll reads s with a Scanner into a List, the way Parse does without its
// duplicate check; slow uses only the general path of Next.
func scanAll(s string, slow bool) (List, error) {
	var l List
	sc := NewScanner(s)
	for slow && sc.next() || !slow && sc.Next() {
		l = append(l, sc.Tag())
	}
	return l, sc.Err()
}

// checkAgree asserts that a Scanner yields the tags Parse returns, and
// stops with Parse's error, except that it does not report duplicates; and
// that Next's one-pass path reads what the general path reads.
func checkAgree(t *testing.T, s string) {
	t.Helper()
	checkDuplicates(t, s)
	want, werr := Parse(s)
	if errors.Is(werr, ErrDuplicateTag) {
		werr = nil
	}
	for _, slow := range []bool{false, true} {
		got, gerr := scanAll(s, slow)
		if len(want) != len(got) || (len(want) > 0 && !cmp.Equal(want, got)) {
			t.Fatalf("Scanner(%q) (slow %v) tags differ from Parse (-parse +scanner):\n%s", s, slow, cmp.Diff(want, got))
		}
		if (werr == nil) != (gerr == nil) || werr != nil && werr.Error() != gerr.Error() {
			t.Fatalf("Scanner(%q) (slow %v) error %v, Parse %v", s, slow, gerr, werr)
		}
		if gerr != nil {
			var se *SyntaxError
			if !errors.As(gerr, &se) {
				t.Fatalf("Scanner(%q) error %T is not a *SyntaxError", s, gerr)
			}
		}
	}
	checkResume(t, s)
}

// checkResume asserts that Resume reads on like Parse of the text after
// the malformed tag's ';' would, with offsets in the whole text.
func checkResume(t *testing.T, s string) {
	t.Helper()
	sc := NewScanner(s)
	base := 0
	for round := 0; ; round++ {
		want, werr := Parse(s[base:])
		if errors.Is(werr, ErrDuplicateTag) {
			werr = nil
		}
		var got List
		for sc.Next() {
			got = append(got, sc.Tag())
		}
		if len(got) != len(want) {
			t.Fatalf("round %d of %q after offset %d: %d tags, Parse gives %d", round, s, base, len(got), len(want))
		}
		for i := range got {
			if w := want[i]; got[i] != (Tag{w.Name, w.Value, w.Offset + base}) {
				t.Fatalf("round %d of %q: tag %+v, Parse gives %+v at +%d", round, s, got[i], w, base)
			}
		}
		var se *SyntaxError
		if werr == nil {
			if sc.Err() != nil || sc.Resume() {
				t.Fatalf("round %d of %q: error %v at the end, or Resume true", round, s, sc.Err())
			}
			return
		}
		if !errors.As(sc.Err(), &se) || !errors.As(werr, new(*SyntaxError)) {
			t.Fatalf("round %d of %q: error %v, Parse %v", round, s, sc.Err(), werr)
		}
		k := strings.IndexByte(s[se.Offset:], ';')
		if sc.Resume() != (k >= 0) {
			t.Fatalf("round %d of %q: Resume after %v must be %v", round, s, se, k >= 0)
		}
		if k < 0 {
			return
		}
		if sc.Err() != nil {
			t.Fatalf("Err after Resume: %v", sc.Err())
		}
		base = se.Offset + k + 1
	}
}

func TestScannerAgreesWithParse(t *testing.T) {
	var long strings.Builder
	for i := range MaxTags + 3 {
		long.WriteString("t" + strings.Repeat("x", i) + "=1;")
	}
	for _, s := range []string{
		"v=DKIM1; k=rsa; p=MIGf", "v=DMARC1;p=none;", "v=DMARC1; p=none; ", " v = DKIM1 ;\r\n\tp = ab cd ",
		"n=", "", ";", " ; ", "x_1=a=b", "v=DKIM1; k", "v=1;;p=x", "1v=x", "v=1; p-x=y", "v=a\x01b",
		"p=\"quoted\";x=\x80", "v=1; p=a; v=2", "a=1;a=2;b", "=x", "a =", long.String(), long.String()[:len(long.String())-1],
	} {
		checkAgree(t, s)
	}
}

func TestScannerSteps(t *testing.T) {
	sc := NewScanner("a=1; b = 2 ;c")
	if !sc.Next() || sc.Tag() != (Tag{"a", "1", 0}) {
		t.Fatalf("first tag: %+v", sc.Tag())
	}
	if !sc.Next() || sc.Tag() != (Tag{"b", "2", 5}) {
		t.Fatalf("second tag: %+v", sc.Tag())
	}
	if sc.Err() != nil {
		t.Fatalf("error before the end: %v", sc.Err())
	}
	if sc.Next() {
		t.Fatalf("third tag %+v has no '='", sc.Tag())
	}
	if !errors.Is(sc.Err(), ErrMissingEquals) {
		t.Fatalf("got %v, want ErrMissingEquals", sc.Err())
	}
	if sc.Next() {
		t.Fatal("Next after an error must stay false")
	}
	if sc.Resume() {
		t.Fatal("Resume after the last tag-spec must be false")
	}
	sc = NewScanner("a=1; b; c=3;; d=4")
	var got []string
	var errs []error
	for {
		for sc.Next() {
			got = append(got, sc.Tag().Name)
		}
		if sc.Err() == nil {
			break
		}
		errs = append(errs, sc.Err())
		if !sc.Resume() {
			break
		}
	}
	if strings.Join(got, ",") != "a,c,d" || len(errs) != 2 || !errors.Is(errs[0], ErrMissingEquals) || !errors.Is(errs[1], ErrEmptyTag) {
		t.Fatalf("resumed scan: tags %v, errors %v; want a,c,d and missing '=', empty tag", got, errs)
	}
	// Duplicates are the caller's business.
	sc = NewScanner("a=1;a=2")
	n := 0
	for sc.Next() {
		n++
	}
	if n != 2 || sc.Err() != nil {
		t.Fatalf("got %d tags, %v; want 2, nil", n, sc.Err())
	}
}

func TestScannerDoesNotAllocate(t *testing.T) {
	const rec = "v=DMARC1; p=reject; sp=quarantine; pct=100; rua=mailto:a@example.com; adkim=r; aspf=r; fo=1"
	n := testing.AllocsPerRun(100, func() {
		sc := NewScanner(rec)
		for sc.Next() {
		}
		if sc.Err() != nil {
			t.Fatal(sc.Err())
		}
	})
	if n != 0 {
		t.Errorf("Scanner allocates %v times per list, want 0", n)
	}
}

func BenchmarkScanner(b *testing.B) {
	const rec = "v=DMARC1; p=reject; sp=quarantine; pct=100; rua=mailto:a@example.com; adkim=r; aspf=r; fo=1"
	b.ReportAllocs()
	for b.Loop() {
		sc := NewScanner(rec)
		for sc.Next() {
		}
		if sc.Err() != nil {
			b.Fatal(sc.Err())
		}
	}
}

func BenchmarkParse(b *testing.B) {
	const rec = "v=DMARC1; p=reject; sp=quarantine; pct=100; rua=mailto:a@example.com; adkim=r; aspf=r; fo=1"
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(rec); err != nil {
			b.Fatal(err)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"v=DKIM1; k=rsa; p=MIGf", "v=DMARC1;p=none;", " a = b ;\r\n c=d", "k", ";;", "a=1;a=2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkAgree(t, s)
		l, err := Parse(s)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) || se.Offset < 0 || se.Offset > len(s) {
				t.Fatalf("bad error %v", err)
			}
			if !errors.Is(err, ErrDuplicateTag) {
				return
			}
		}
		// Every tag is a valid name whose value is re-parsed to itself.
		var b strings.Builder
		for i, tg := range l {
			if !validName(tg.Name) || s[tg.Offset:tg.Offset+len(tg.Name)] != tg.Name {
				t.Fatalf("tag %+v does not point into the input", tg)
			}
			if i > 0 {
				b.WriteString("; ")
			}
			b.WriteString(tg.Name + "=" + tg.Value)
		}
		l2, err2 := Parse(b.String())
		if err2 != nil && !errors.Is(err2, ErrDuplicateTag) {
			t.Fatalf("re-parse of %q: %v", b.String(), err2)
		}
		if len(l2) != len(l) {
			t.Fatalf("re-parse gives %d tags, want %d", len(l2), len(l))
		}
		for i := range l {
			if l[i].Name != l2[i].Name || l[i].Value != l2[i].Value {
				t.Fatalf("tag %d: %+v vs %+v", i, l[i], l2[i])
			}
		}
	})
}

// TestAppendParse: AppendParse appends what Parse returns, looks for
// duplicates among the new tags only, and allocates nothing when the list
// has room.
func TestAppendParse(t *testing.T) {
	const s = "v=1; a=b ;c= d"
	want, err := Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	prev := List{{Name: "v", Value: "0"}}
	got, err := AppendParse(prev, s)
	if err != nil {
		t.Fatalf("a tag named as one already in the list: %v", err)
	}
	if len(got) != 1+len(want) || got[0] != prev[0] {
		t.Fatalf("AppendParse = %v; want %v then %v", got, prev, want)
	}
	for i, tg := range want {
		if got[1+i] != tg {
			t.Errorf("tag %d = %+v; want %+v", i, got[1+i], tg)
		}
	}
	if _, err := AppendParse(nil, "a=1; b=2; a=3"); !errors.Is(err, ErrDuplicateTag) {
		t.Errorf("duplicate: %v; want ErrDuplicateTag", err)
	}
	var buf [8]Tag
	if n := testing.AllocsPerRun(100, func() { AppendParse(buf[:0], s) }); n != 0 {
		t.Errorf("%v allocations with room in the list; want 0", n)
	}
}

// TestIsValue checks the word-at-a-time value test against the byte
// table, with each byte value at each position of strings of 1 to 24
// bytes that are otherwise visible ASCII or white space.
func TestIsValue(t *testing.T) {
	for n := 1; n <= 24; n++ {
		for pos := range n {
			for c := range 256 {
				b := []byte(strings.Repeat("aZ9+/= \t", 3)[:n])
				b[pos] = byte(c)
				want := true
				for _, x := range b {
					if (x < 0x21 || x > 0x7e) && x != ' ' && x != '\t' && x != '\r' && x != '\n' {
						want = false
					}
				}
				if got := isValue(string(b)); got != want {
					t.Fatalf("isValue(%q) = %v; want %v", b, got, want)
				}
			}
		}
	}
}

// checkDuplicates holds AppendParse's duplicate check (a bit set for the
// names of one letter) to the plain one: every tag against every tag
// before it, the first duplicate reported.
func checkDuplicates(t *testing.T, s string) {
	t.Helper()
	got, err := AppendParse(nil, s)
	sc := NewScanner(s)
	var want List
	var wantErr error
	for sc.Next() {
		tg := sc.Tag()
		for _, u := range want {
			if wantErr == nil && u.Name == tg.Name {
				wantErr = &SyntaxError{Tag: tg.Name, Offset: tg.Offset, Err: ErrDuplicateTag}
			}
		}
		want = append(want, tg)
	}
	if sc.Err() != nil {
		wantErr = sc.Err()
	}
	if !cmp.Equal(got, want) || (err == nil) != (wantErr == nil) || err != nil && err.Error() != wantErr.Error() {
		t.Fatalf("AppendParse(%q) = %v, %v; the pairwise check gives %v, %v", s, got, err, want, wantErr)
	}
	var se, we *SyntaxError
	if errors.As(err, &se) && errors.As(wantErr, &we) && (se.Tag != we.Tag || se.Offset != we.Offset) {
		t.Fatalf("AppendParse(%q) duplicate %q at %d; the pairwise check gives %q at %d", s, se.Tag, se.Offset, we.Tag, we.Offset)
	}
}

// TestDuplicateBitSet: duplicates of one letter in either case (tag
// names are case-sensitive), of longer names, of a one-letter name after
// a longer one that starts with it, and names at both ends of the bit
// set ('A', 'z', '_' inside a name), found as the pairwise check finds
// them.
func TestDuplicateBitSet(t *testing.T) {
	for _, s := range []string{
		"v=1; v=2", "a=1; A=2; a=3", "bh=1; b=2; bh=3", "bh=1; BH=2; Bh=3; bh=4",
		"x_y=1; z=2; x_y=3", "z=1; zz=2; z=3", "A=1; z=2; Z=3; a=4; A=5", "z=1; y=2; z=3; y=4",
		"v=1; a=rsa-sha256; d=example.com; s=sel; h=From:To; bh=abc=; b=xyz", "v=1;; v=2", "v=1; =2; v=3",
	} {
		checkDuplicates(t, s)
	}
}

// TestTagTextNames: a tag name (letters, digits, '_', a letter first) is
// written as name=, anything else quoted.
func TestTagTextNames(t *testing.T) {
	for in, want := range map[string]string{"a9": "a9=", "x_0": "x_0=", "bh": "bh=", "9a": `"9a"`, "a-b": `"a-b"`, "": `""`} {
		if got := TagText(in); got != want {
			t.Errorf("TagText(%q) = %s, want %s", in, got, want)
		}
	}
}
