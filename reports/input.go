package reports

import (
	"errors"
	"io"
)

// byteInput feeds encoding/xml byte by byte (it is an io.ByteReader, so
// the decoder adds no buffer of its own) and enforces two bounds: the
// total payload size, and the bytes one token may take. After each token
// the parser calls mark; a token that reads more than maxToken bytes past
// the mark fails with a *LimitError, before the decoder has buffered it.
type byteInput struct {
	r        io.Reader
	buf      []byte
	pos, end int
	n        int64 // bytes delivered
	stop     int64 // n may not pass this: mark + maxToken, or maxTotal
	maxToken int64
	maxTotal int64
	err      error
	// bonus widens the next token's budget by one byte: set when the
	// fast scanner hands over after text, where encoding/xml would
	// already hold the next "<" (read within the text's budget).
	bonus int64
}

func newByteInput(r io.Reader, maxToken, maxTotal int64) *byteInput {
	b := &byteInput{r: r, buf: make([]byte, 32<<10), maxToken: maxToken, maxTotal: maxTotal}
	b.mark()
	return b
}

// mark starts the budget of the next token.
func (b *byteInput) mark() {
	b.stop = b.n + b.maxToken + b.bonus
	b.bonus = 0
	if b.stop > b.maxTotal {
		b.stop = b.maxTotal
	}
}

func (b *byteInput) ReadByte() (byte, error) {
	if b.pos < b.end && b.n < b.stop {
		c := b.buf[b.pos]
		b.pos++
		b.n++
		return c, nil
	}
	return b.slow()
}

func (b *byteInput) slow() (byte, error) {
	for b.pos >= b.end {
		if b.err != nil {
			return 0, b.err
		}
		n, err := b.r.Read(b.buf)
		b.pos, b.end = 0, n
		if err != nil {
			b.err = err
		}
		if n == 0 && err == nil {
			// A reader that returns nothing and no error again and
			// again would spin; count it as the end.
			b.err = io.ErrNoProgress
		}
	}
	// There is a next byte: may it be read?
	if b.n >= b.stop {
		if b.n >= b.maxTotal {
			return 0, &LimitError{Limit: "MaxDecompressed", Value: b.maxTotal}
		}
		return 0, &LimitError{Limit: "MaxElement", Value: b.maxToken}
	}
	c := b.buf[b.pos]
	b.pos++
	b.n++
	return c, nil
}

// Read lets byteInput pass for an io.Reader; the XML decoder uses ReadByte.
func (b *byteInput) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	c, err := b.ReadByte()
	if err != nil {
		return 0, err
	}
	p[0] = c
	return 1, nil
}

// isLimit reports whether err is, or wraps, a *LimitError.
func isLimit(err error) bool {
	var le *LimitError
	return errors.As(err, &le)
}
