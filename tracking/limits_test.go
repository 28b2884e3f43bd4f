package tracking_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/domainauth/domainauth"
	"github.com/domainauth/domainauth/finding"
	"github.com/domainauth/domainauth/tracking"
)

// A resolver that never answers must not hang Check: the context ends it.
func TestCheckHonoursContext(t *testing.T) {
	res := domainauth.MustFakeResolver("link.example.com. CNAME e.provider.test.\ne.provider.test. A 127.0.0.1")
	res.Fail("link.example.com", 0, domainauth.FailHang)
	c := &tracking.Checker{Resolver: res, Guard: tracking.AllowLoopback}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := c.Check(ctx, "link.example.com", "e.provider.test")
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("err = %v, want DeadlineExceeded", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Check did not return after its context ended")
	}
}

// loopbackChecker points every name at srv (plain HTTP) and refuses HTTPS
// by giving it a port with nothing behind it.
func loopbackChecker(t *testing.T, srv *httptest.Server) *tracking.Checker {
	res := domainauth.MustFakeResolver("link.example.com. A 127.0.0.1\nexample.com. A 127.0.0.1")
	return &tracking.Checker{
		Resolver:  res,
		Guard:     tracking.AllowLoopback,
		HTTPPort:  port(t, srv),
		HTTPSPort: port(t, srv), // a TLS handshake with a plain HTTP server fails fast
	}
}

// An endless response body is read up to MaxBodyBytes only.
func TestCheckBodyLimit(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		chunk := []byte(strings.Repeat("x", 64<<10))
		for {
			if _, err := w.Write(chunk); err != nil {
				return // the client went away
			}
		}
	}))
	defer srv.Close()
	c := loopbackChecker(t, srv)
	c.MaxBodyBytes = 1 << 10
	c.RequestTimeout = 30 * time.Second
	r, err := c.Check(context.Background(), "link.example.com")
	if err != nil {
		t.Fatal(err)
	}
	if r.HTTP.Status != tracking.StatusGreen || r.HTTP.Err != nil {
		t.Errorf("HTTP = %v, %v", r.HTTP.Status, r.HTTP.Err)
	}
}

// Response headers have their own limit, MaxHeaderBytes, apart from the
// body's: a header block over it leaves the http:// verdict unknown (the
// server answered; browsers accept larger blocks than a tight limit), and a
// small MaxBodyBytes does not cut the headers.
func TestCheckHeaderLimit(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Big", strings.Repeat("y", 8<<10))
	}))
	defer srv.Close()

	c := loopbackChecker(t, srv)
	c.MaxBodyBytes = 1 << 10
	r, err := c.Check(context.Background(), "link.example.com")
	if err != nil {
		t.Fatal(err)
	}
	if r.HTTP.Status != tracking.StatusGreen || r.HTTP.Err != nil {
		t.Errorf("MaxBodyBytes 1 KiB, 8 KiB of headers: HTTP = %v, %v; want green", r.HTTP.Status, r.HTTP.Err)
	}

	c = loopbackChecker(t, srv)
	c.MaxHeaderBytes = 4 << 10
	r, err = c.Check(context.Background(), "link.example.com")
	if err != nil {
		t.Fatal(err)
	}
	if r.HTTP.Status != tracking.StatusUnknown || r.HTTP.Err == nil || !r.HTTP.Incomplete || !r.Has("http-unknown") || r.Has("http-unreachable") {
		t.Errorf("MaxHeaderBytes 4 KiB, 8 KiB of headers: HTTP = %v, %v, incomplete %v; findings %+v", r.HTTP.Status, r.HTTP.Err, r.HTTP.Incomplete, r.Findings)
	}
	if r.HTTPS.Problem != "https-handshake" {
		t.Errorf("HTTPS problem = %q, want https-handshake", r.HTTPS.Problem)
	}
}

func TestFindingJSON(t *testing.T) {
	f := finding.Finding{Code: "hsts-on-domain", Severity: finding.Error, Message: "m", Fix: "f"}
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"code":"hsts-on-domain","severity":"error","message":"m","fix":"f"}`
	if string(b) != want {
		t.Errorf("JSON = %s, want %s", b, want)
	}
	var back finding.Finding
	if err := json.Unmarshal(b, &back); err != nil || back != f {
		t.Errorf("round trip = %+v, %v", back, err)
	}
	if err := json.Unmarshal([]byte(`{"severity":"fatal"}`), &back); err == nil {
		t.Error("unknown severity accepted")
	}
}

// The body is read up to MaxBodyBytes and no further: a server that sends
// that much and then stalls does not hold the check until RequestTimeout.
func TestCheckBodyLimitStopsReading(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(strings.Repeat("x", 2<<10)))
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
		case <-time.After(time.Minute):
		}
	}))
	defer srv.Close()
	c := loopbackChecker(t, srv)
	c.MaxBodyBytes = 1 << 10
	c.RequestTimeout = time.Minute
	start := time.Now()
	r, err := c.Check(context.Background(), "link.example.com")
	if err != nil {
		t.Fatal(err)
	}
	if r.HTTP.Status != tracking.StatusGreen {
		t.Errorf("HTTP = %v, %v", r.HTTP.Status, r.HTTP.Err)
	}
	// Generous: the read ends at once; waiting for the stall would take
	// the whole minute.
	if d := time.Since(start); d > 30*time.Second {
		t.Errorf("Check took %v: it waited for more than MaxBodyBytes", d)
	}
}

// A tiny RequestTimeout is honoured, not replaced by the default: every
// request times out, which leaves the HTTP verdict unknown.
func TestCheckTinyRequestTimeout(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	c := loopbackChecker(t, srv)
	c.RequestTimeout = time.Nanosecond
	r, err := c.Check(context.Background(), "link.example.com")
	if err != nil {
		t.Fatal(err)
	}
	if r.HTTP.Status != tracking.StatusUnknown || !r.HTTP.Incomplete {
		t.Errorf("HTTP = %v, %v", r.HTTP.Status, r.HTTP.Err)
	}
}
