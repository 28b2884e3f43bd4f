package dkim

import (
	"bufio"
	"bytes"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// headerLineWise feeds msg to a headerParser one line at a time, as
// readHeader did before it took the whole header in one write: the
// reading that takes no shortcut. It returns the header buffer, whether
// the header ended and how many bytes of msg it took.
func headerLineWise(msg []byte, maxBytes int) (buf []byte, done bool, used int, err error) {
	h := headerParser{maxBytes: maxBytes, maxFields: DefaultMaxHeaderFields}
	for len(msg) > 0 {
		line := msg
		if i := bytes.IndexByte(msg, '\n'); i >= 0 {
			line = msg[:i+1]
		}
		msg = msg[len(line):]
		n, err := h.write(line)
		used += n
		if err != nil {
			return nil, false, used, err
		}
		if h.done {
			break
		}
	}
	return h.buf, h.done, used, nil
}

// headerEnd is the reference for splitHeader's end and blank: it returns the length of the header section at the start of p,
// when p holds the empty line that ends it, and the length of that line
// (1 for LF, 2 for CRLF); -1 and 0 when it does not, or when p starts
// with CR or LF (an empty header, or a line that only a byte-wise
// reading can judge).
func headerEnd(p []byte) (end, blank int) {
	if len(p) == 0 || p[0] == '\n' || p[0] == '\r' {
		return -1, 0
	}
	crlf := bytes.Index(p, []byte("\n\r\n"))
	lf := p
	if crlf >= 0 {
		lf = p[:crlf+1]
	}
	if i := bytes.Index(lf, []byte("\n\n")); i >= 0 {
		return i + 1, 1
	}
	if crlf >= 0 {
		return crlf + 1, 2
	}
	return -1, 0
}

// checkHeaderWhole holds a headerParser given msg in one write (which
// takes the whole header in one copy when it finds its end), and
// readHeader over a small and a large buffer, to headerLineWise.
func checkHeaderWhole(t *testing.T, msg []byte, maxBytes int) {
	t.Helper()
	want, wantDone, wantUsed, wantErr := headerLineWise(msg, maxBytes)
	h := headerParser{maxBytes: maxBytes, maxFields: DefaultMaxHeaderFields}
	used, err := h.write(msg)
	if (err == nil) != (wantErr == nil) {
		t.Fatalf("%q: write error %v; line-wise %v", msg, err, wantErr)
	}
	if err != nil {
		return
	}
	if !bytes.Equal(h.buf, want) || h.done != wantDone || used != wantUsed {
		t.Fatalf("%q: write took %q, done %v, used %d; line-wise %q, %v, %d", msg, h.buf, h.done, used, want, wantDone, wantUsed)
	}
	wantFields, _ := (&headerParser{buf: want, maxFields: DefaultMaxHeaderFields}).fields()
	if h.done {
		if fields, _ := h.appendFields(nil); !slices.Equal(fields, wantFields) {
			t.Fatalf("%q: write split %q; line-wise %q", msg, fields, wantFields)
		}
	}
	// splitHeader against headerEnd and appendFields, with room for all
	// the fields and for one fewer.
	wantEnd, wantBlank := headerEnd(msg)
	for _, maxFields := range []int{len(wantFields), len(wantFields) - 1} {
		fields, end, blank := splitHeader(msg, nil, maxFields)
		switch {
		case wantEnd < 0 || maxFields < len(wantFields):
			if end >= 0 {
				t.Fatalf("%q: splitHeader(%d) = %d, %d; want -1", msg, maxFields, end, blank)
			}
		case end != wantEnd || blank != wantBlank:
			t.Fatalf("%q: splitHeader = %d, %d; headerEnd %d, %d", msg, end, blank, wantEnd, wantBlank)
		default:
			want, _ := (&headerParser{buf: msg[:end], maxFields: DefaultMaxHeaderFields}).fields()
			if !slices.Equal(fields, want) {
				t.Fatalf("%q: splitHeader split %q; appendFields %q", msg, fields, want)
			}
		}
	}
	for _, size := range []int{16, 4096} {
		br := bufio.NewReaderSize(bytes.NewReader(msg), size)
		fields, err := readHeader(br, maxBytes, DefaultMaxHeaderFields)
		if err != nil {
			t.Fatalf("%q: readHeader(%d): %v", msg, size, err)
		}
		if !slices.Equal(fields, wantFields) {
			t.Fatalf("%q: readHeader(%d) = %q; want %q", msg, size, fields, wantFields)
		}
		rest := new(strings.Builder)
		br.WriteTo(rest)
		if wantRest := string(msg[min(wantUsed, len(msg)):]); wantDone && rest.String() != wantRest {
			t.Fatalf("%q: readHeader(%d) left %q; want %q", msg, size, rest, wantRest)
		}
	}
	// The reading of a message in memory, as Verify takes a *bytes.Reader.
	fields, used, err := readHeaderBytes(msg, maxBytes, DefaultMaxHeaderFields, nil)
	if err != nil {
		t.Fatalf("%q: readHeaderBytes: %v", msg, err)
	}
	if !slices.Equal(fields, wantFields) {
		t.Fatalf("%q: readHeaderBytes = %q; want %q", msg, fields, wantFields)
	}
	if wantDone && used != wantUsed || !wantDone && used != len(msg) {
		t.Fatalf("%q: readHeaderBytes took %d bytes; want %d (done %v)", msg, used, wantUsed, wantDone)
	}
}

// TestHeaderWhole runs checkHeaderWhole on messages whose header ends
// with LF and with CRLF (the first of either one), that start with an
// empty line, whose header is the limit or a byte over it, and on random
// ones of header characters and line ends.
func TestHeaderWhole(t *testing.T) {
	for _, m := range []string{
		"A: b\r\n\r\nbody", "A: b\n\nbody", "A: b\r\n\nbody\r\n\r\n", "A: b\n\r\nbody\n\n",
		"\r\nbody\n\nx", "\nbody\r\n\r\n", "\rA: b\r\n\r\n", "A: b\r\n c\r\n\r\n",
		"A: b\r\r\n\r\n", "A: b\n\r\r\nc\n\n", "A: b", "A: b\r\n", "", "A: b\r\n\r",
		"12345678\r\n\r\n", "123456789\r\n\r\n",
	} {
		checkHeaderWhole(t, []byte(m), 10)
		checkHeaderWhole(t, []byte(m), DefaultMaxHeaderBytes)
	}
	rng := rand.New(rand.NewPCG(11, 12))
	alphabet := []byte("ab: \t\r\n\n\r")
	for range 20000 {
		checkHeaderWhole(t, randomBytes(rng, alphabet, rng.IntN(30)), DefaultMaxHeaderBytes)
	}
}

// TestHeaderWholeAcrossPieces runs checkHeaderWhole on headers that
// readHeaderBytes, which writes a message in memory to the parser in
// pieces of readBufSize, takes in more than one piece: the empty line
// that ends the header on either side of the first edge and across it
// (its CR the last byte of the first piece, its LF the first of the
// second), with CRLF and with LF, and headers of several pieces. The
// messages of TestHeaderWhole fit in one piece, where the number of
// bytes readHeaderBytes took is that of the one write (a count of only
// the last piece's bytes passed them all).
func TestHeaderWholeAcrossPieces(t *testing.T) {
	for _, eol := range []string{"\r\n", "\n"} {
		for at := readBufSize - 2*len(eol) - 2; at <= readBufSize+2; at++ {
			// One field whose line end starts at at, then the empty
			// line.
			field := "X-Pad: " + strings.Repeat("p", at-len("X-Pad: ")) + eol
			checkHeaderWhole(t, []byte(field+eol+"body"+eol), DefaultMaxHeaderBytes)
		}
		many := strings.Repeat("X-Field: "+strings.Repeat("f", 60)+eol, 3*readBufSize/70)
		checkHeaderWhole(t, []byte(many+" folded"+eol+eol+"body"+eol+eol), DefaultMaxHeaderBytes)
		checkHeaderWhole(t, []byte(many), DefaultMaxHeaderBytes)
	}
}

// FuzzHeaderWhole runs checkHeaderWhole on any message.
func FuzzHeaderWhole(f *testing.F) {
	f.Add("From: a\r\nTo: b\r\n\r\nbody\r\n", 1000)
	f.Add("\nA: b\n\n", 1000)
	f.Add("A: b\n\r\nc\n\n", 5)
	f.Fuzz(func(t *testing.T, msg string, maxBytes int) {
		if maxBytes < 0 || maxBytes > 1<<16 {
			return
		}
		checkHeaderWhole(t, []byte(msg), maxBytes)
	})
}
