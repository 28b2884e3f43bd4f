package receive

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"strings"
	"sync"

	"github.com/domainauth/domainauth/arc"
	"github.com/domainauth/domainauth/authres"
	"github.com/domainauth/domainauth/dkim"
	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/internal/dkimbridge"
	"github.com/domainauth/domainauth/spf"
)

// Resolver is the DNS interface the checks need together: spf.Resolver,
// which *net.Resolver and the resolvers of the domainauth root package
// satisfy.
type Resolver = spf.Resolver

// Envelope is what the SMTP session says about a message.
type Envelope struct {
	IP       netip.Addr // the connecting client's address
	HELO     string     // the HELO/EHLO name
	MailFrom string     // the MAIL FROM address, "" for the null reverse-path
}

// Receiver authenticates incoming messages. The zero value runs every
// check with net.DefaultResolver and the limits of the RFCs; set
// AuthServID to the name of your service.
type Receiver struct {
	// AuthServID names this service in the Authentication-Results field;
	// "" means "localhost". Use the host name of the receiving MTA or
	// the name of the mail domain it serves.
	AuthServID string
	// Resolver answers every DNS query; nil means net.DefaultResolver.
	// It overrides the Resolver fields of SPF, DKIM, ARC and DMARC, so
	// every check of a message sees the same DNS.
	Resolver Resolver

	// SkipSPF, SkipDKIM, SkipARC and SkipDMARC turn checks off. DMARC
	// needs SPF or DKIM to pass for an aligned domain; with both skipped
	// it can only fail.
	SkipSPF, SkipDKIM, SkipARC, SkipDMARC bool

	// SPF, DKIM and ARC hold the settings of each check (limits, clock);
	// their zero values are those of the packages.
	SPF  spf.Checker
	DKIM dkim.Verifier
	ARC  arc.Verifier
	// DMARC holds the settings of the DMARC check: DMARC.Mode is the
	// reading of the DMARC RFCs, dmarc.RFC9989 (the zero value: the DNS
	// tree walk, np, t) or dmarc.RFC7489 (the public suffix list, pct);
	// DMARC.Rand and DMARC.IgnorePercent govern pct sampling;
	// DMARC.Resolver is replaced by the Receiver's Resolver, as for the
	// other checks. The DMARC result says which mode produced it.
	DMARC dmarc.Checker

	// BufferBytes is the largest message read into memory and checked
	// there, DKIM then ARC, without the goroutines and pipes that a larger
	// message streams through (default DefaultBufferBytes, 64 KiB; a
	// negative value streams every message).
	BufferBytes int

	// LocalPolicy, when set, is consulted when DMARC fails. If it returns
	// an Override, the disposition becomes none and the override is
	// recorded (RFC 8617 section 7.2). TrustedSealers builds the usual one.
	LocalPolicy func(res *Result) *Override
}

// Override is a local policy decision not to apply a failing DMARC
// policy, in the terms of a DMARC aggregate report's PolicyOverrideReason
// (RFC 7489 appendix C): Type is local_policy, trusted_forwarder,
// mailing_list, forwarded, sampled_out or other.
type Override struct {
	Type    string
	Comment string
}

// Result is what Authenticate found.
type Result struct {
	// SPF is the check of MAIL FROM, or of HELO when MAIL FROM is empty
	// (SPFIdentity says which: "mailfrom" or "helo"); SPFDomain is the
	// domain checked. Zero when skipped.
	SPF         spf.Outcome
	SPFIdentity string
	SPFDomain   string
	// ReceivedSPF is the Received-SPF field, CRLF-terminated; "" when
	// SPF was skipped.
	ReceivedSPF string

	// DKIM holds one result per DKIM-Signature, top first.
	DKIM []dkim.Result
	// ARC is the chain validation; nil when skipped.
	ARC *arc.Result
	// DMARC is the DMARC verdict. When LocalPolicy overrode a fail,
	// Status stays fail, Disposition is none and Override says why.
	DMARC dmarc.Result
	// Override is the local policy override, or nil.
	Override *Override

	// AuthResults is the Authentication-Results field as a value;
	// AuthResultsField is it written out, CRLF-terminated.
	AuthResults      authres.Header
	AuthResultsField string

	from []string // the values of the From fields
}

// Fields returns the fields to prepend to the message: Authentication-Results
// then Received-SPF.
func (r *Result) Fields() string { return r.AuthResultsField + r.ReceivedSPF }

// DefaultBufferBytes is the default Receiver.BufferBytes: most mail is
// smaller.
const DefaultBufferBytes = 64 << 10

// bufPool holds the buffers of DefaultBufferBytes+1 bytes that small
// messages are read into.
var bufPool = sync.Pool{New: func() any { b := make([]byte, DefaultBufferBytes+1); return &b }}

// errDone tells the fan-out that a reader has finished early.
var errDone = errors.New("receive: reader done")

// chunkSize is the size of the reads from the message.
const chunkSize = 32 << 10

// Authenticate reads the message from r once and runs the checks. The
// error is for the call as a whole: reading r failed, the header section
// is over the limits, or ctx ended while reading. Check results, failing
// or not, are in Result.
func (c *Receiver) Authenticate(ctx context.Context, r io.Reader, env Envelope) (*Result, error) {
	res := &Result{}
	var resolver Resolver = net.DefaultResolver
	if c.Resolver != nil {
		resolver = c.Resolver
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	if !c.SkipSPF {
		wg.Go(func() { c.checkSPF(ctx, resolver, env, res) })
	}
	// Read the start of the message: most messages end there, and are
	// checked in memory, one check after the other.
	limit := c.BufferBytes
	if limit == 0 {
		limit = DefaultBufferBytes
	}
	var (
		head []byte
		eof  bool
	)
	if limit > 0 {
		var bp *[]byte
		if limit == DefaultBufferBytes {
			bp = bufPool.Get().(*[]byte)
			defer bufPool.Put(bp)
		} else {
			b := make([]byte, limit+1)
			bp = &b
		}
		n, err := readFull(ctx, r, *bp)
		head = (*bp)[:n]
		switch {
		case err == io.EOF:
			eof = true
		case err != nil:
			cancel()
			wg.Wait()
			return nil, fmt.Errorf("receive: reading the message: %w", err)
		}
	}
	var err error
	if eof {
		err = c.inMemory(ctx, resolver, head, res)
	} else {
		err = c.streamed(ctx, resolver, io.MultiReader(bytes.NewReader(head), r), res, cancel)
	}
	if err != nil {
		cancel() // the lookups still running are of no use
	}
	wg.Wait()
	if err != nil {
		return nil, err
	}
	if !c.SkipDMARC {
		c.checkDMARC(ctx, resolver, res)
	}
	c.authResults(env, res)
	return res, nil
}

// newHeaderCapture returns a headerCapture for the largest header the
// DKIM and ARC verifiers accept.
func (c *Receiver) newHeaderCapture() *headerCapture {
	return &headerCapture{
		max:       max(c.DKIM.MaxHeaderBytes, c.ARC.MaxHeaderBytes, dkim.DefaultMaxHeaderBytes),
		maxFields: max(c.DKIM.MaxHeaderFields, c.ARC.MaxHeaderFields, dkim.DefaultMaxHeaderFields),
	}
}

// fanOut copies r to every sink, and the header section to hdr, one chunk
// at a time; a sink whose reader has finished is dropped. It closes the
// sinks.
func fanOut(ctx context.Context, r io.Reader, sinks []*io.PipeWriter, hdr *headerCapture) (err error) {
	defer func() {
		for _, s := range sinks {
			if err != nil {
				s.CloseWithError(err)
			} else {
				s.Close()
			}
		}
	}()
	buf := make([]byte, chunkSize)
	live := append([]*io.PipeWriter(nil), sinks...)
	for {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("reading the message: %w", err)
		}
		n, rerr := r.Read(buf)
		if n > 0 {
			hdr.Write(buf[:n])
			for i := 0; i < len(live); {
				if _, werr := live[i].Write(buf[:n]); werr != nil {
					live = append(live[:i], live[i+1:]...)
					continue
				}
				i++
			}
		}
		if rerr == io.EOF {
			return nil
		}
		if rerr != nil {
			return fmt.Errorf("reading the message: %w", rerr)
		}
	}
}

// headerCapture keeps the header section, up to max bytes and
// maxFields fields.
type headerCapture struct {
	max       int
	maxFields int
	buf       []byte
	done      bool
}

func (h *headerCapture) Write(p []byte) {
	if h.done {
		return
	}
	start := len(h.buf)
	h.buf = append(h.buf, p[:min(len(p), h.max+4-len(h.buf))]...)
	// The header ends at the first empty line, which may be the first line.
	if bytes.HasPrefix(h.buf, []byte("\n")) || bytes.HasPrefix(h.buf, []byte("\r\n")) {
		h.buf, h.done = h.buf[:0], true
		return
	}
	from := max(start-3, 0)
	if i := bytes.Index(h.buf[from:], []byte("\n\r\n")); i >= 0 {
		h.buf, h.done = h.buf[:from+i+1], true
	} else if i := bytes.Index(h.buf[from:], []byte("\n\n")); i >= 0 {
		h.buf, h.done = h.buf[:from+i+1], true
	}
	if len(h.buf) > h.max {
		h.done = true
	}
}

// fromFields returns the values of the From fields.
func (h *headerCapture) fromFields() []string {
	fields, err := dkimbridge.ReadHeader(bufio.NewReader(bytes.NewReader(h.buf)), h.max, h.maxFields)
	if err != nil {
		return nil
	}
	var out []string
	for _, f := range fields {
		if dkimbridge.SameFieldName(f.Name, "From") {
			_, v, _ := strings.Cut(f.Raw, ":")
			out = append(out, v)
		}
	}
	return out
}

func (c *Receiver) checkSPF(ctx context.Context, resolver Resolver, env Envelope, res *Result) {
	ch := c.SPF
	ch.Resolver = resolver
	ch.HELO = env.HELO
	if ch.Receiver == "" {
		ch.Receiver = c.authServID()
	}
	if env.MailFrom == "" {
		res.SPFIdentity, res.SPFDomain = "helo", env.HELO
	} else {
		res.SPFIdentity, res.SPFDomain = "mailfrom", env.MailFrom
		if i := strings.LastIndexByte(env.MailFrom, '@'); i >= 0 {
			res.SPFDomain = env.MailFrom[i+1:]
		}
	}
	res.SPF = ch.CheckMailFrom(ctx, env.IP, env.MailFrom)
	res.ReceivedSPF = receivedSPF(res.SPF, env, res.SPFIdentity, ch.Receiver)
}

func (c *Receiver) authServID() string {
	if c.AuthServID == "" {
		return "localhost"
	}
	return c.AuthServID
}

func (c *Receiver) checkDMARC(ctx context.Context, resolver Resolver, res *Result) {
	from, err := dmarc.FromDomain(res.from)
	if err != nil {
		res.DMARC = dmarc.Result{Status: dmarc.StatusPermError, Reason: "no usable From domain", Err: err}
		return
	}
	in := dmarc.Input{FromDomain: from, DKIM: authres.DKIMForDMARC(res.DKIM...)}
	if !c.SkipSPF {
		in.SPF = authres.SPFForDMARC(res.SPF, res.SPFDomain)
	}
	dc := c.DMARC
	dc.Resolver = resolver
	res.DMARC = dc.Verify(ctx, in)
	if res.DMARC.Status == dmarc.StatusFail && c.LocalPolicy != nil {
		if o := c.LocalPolicy(res); o != nil {
			res.Override = o
			res.DMARC.Disposition = dmarc.None
		}
	}
}

// authResults builds the Authentication-Results field.
func (c *Receiver) authResults(env Envelope, res *Result) {
	h := authres.Header{AuthServID: c.authServID()}
	if !c.SkipSPF {
		if res.SPFIdentity == "helo" {
			h.Results = append(h.Results, authres.SPFHELO(res.SPF, env.HELO))
		} else {
			h.Results = append(h.Results, authres.SPFMailFrom(res.SPF, env.MailFrom))
		}
	}
	if !c.SkipDKIM {
		h.Results = append(h.Results, authres.DKIM(res.DKIM...)...)
	}
	if res.ARC != nil {
		h.Results = append(h.Results, arcResult(res.ARC, env))
	}
	if !c.SkipDMARC {
		d := authres.DMARC(res.DMARC)
		if res.Override != nil {
			d.Properties = append(d.Properties, authres.Property{Type: "policy", Name: "override", Value: res.Override.Type})
		}
		h.Results = append(h.Results, d)
	}
	res.AuthResults = h
	res.AuthResultsField = h.Field() + "\r\n"
}

// arcResult is the arc= result (RFC 8617 section 10.1): the chain status,
// header.oldest-pass when the chain passes and an older AMS failed, and
// smtp.remote-ip, the client address.
func arcResult(r *arc.Result, env Envelope) authres.Result {
	out := authres.Result{Method: "arc", Value: r.Status.String()}
	if r.Status == arc.Fail && r.Err != nil {
		out.Reason = r.Err.Error()
	}
	if r.Status == arc.Pass {
		out.Comment = fmt.Sprintf("i=%d d=%s", r.Instances(), r.Sealer())
		if r.OldestPass > 0 {
			out.Properties = append(out.Properties, authres.Property{Type: "header", Name: "oldest-pass", Value: fmt.Sprint(r.OldestPass)})
		}
	}
	if env.IP.IsValid() {
		out.Properties = append(out.Properties, authres.Property{Type: "smtp", Name: "remote-ip", Value: env.IP.String()})
	}
	return out
}

// readFull reads into p until it is full or r ends (io.EOF), checking ctx
// between reads.
func readFull(ctx context.Context, r io.Reader, p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		k, err := r.Read(p[n:])
		n += k
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// inMemory runs DKIM and ARC on a message held in memory.
func (c *Receiver) inMemory(ctx context.Context, resolver Resolver, msg []byte, res *Result) (err error) {
	if !c.SkipDKIM {
		v := c.DKIM
		v.Resolver = resolver
		if res.DKIM, err = v.Verify(ctx, bytes.NewReader(msg)); err != nil {
			return fmt.Errorf("receive: %w", err)
		}
	}
	if !c.SkipARC {
		v := c.ARC
		v.Resolver = resolver
		if res.ARC, err = v.Verify(ctx, bytes.NewReader(msg)); err != nil {
			return fmt.Errorf("receive: %w", err)
		}
	}
	if !c.SkipDMARC {
		hdr := c.newHeaderCapture()
		hdr.Write(msg)
		res.from = hdr.fromFields()
	}
	return nil
}

// streamed runs DKIM and ARC side by side on a message read from r
// through pipes, one chunk at a time.
func (c *Receiver) streamed(ctx context.Context, resolver Resolver, r io.Reader, res *Result, cancel context.CancelFunc) error {
	var wg sync.WaitGroup
	hdr := c.newHeaderCapture()
	// The readers of the message: DKIM, ARC, and the header for From.
	var (
		sinks           []*io.PipeWriter
		dkimErr, arcErr error
	)
	reader := func(run func(io.Reader) error) {
		pr, pw := io.Pipe()
		sinks = append(sinks, pw)
		wg.Go(func() {
			err := run(pr)
			// Stop the fan-out writing to this reader.
			pr.CloseWithError(errDone)
			if err != nil {
				cancel()
			}
		})
	}
	if !c.SkipDKIM {
		v := c.DKIM
		v.Resolver = resolver
		reader(func(pr io.Reader) (err error) {
			res.DKIM, err = v.Verify(ctx, pr)
			dkimErr = err
			return err
		})
	}
	if !c.SkipARC {
		v := c.ARC
		v.Resolver = resolver
		reader(func(pr io.Reader) (err error) {
			res.ARC, err = v.Verify(ctx, pr)
			arcErr = err
			return err
		})
	}
	readErr := fanOut(ctx, r, sinks, hdr)
	wg.Wait()
	// The first cause: a verifier's own error (its header limits), then
	// reading; the others are then only the cancellation that followed.
	for _, err := range []error{dkimErr, arcErr, readErr} {
		if err != nil {
			return fmt.Errorf("receive: %w", err)
		}
	}
	if !c.SkipDMARC {
		res.from = hdr.fromFields()
	}
	return nil
}
