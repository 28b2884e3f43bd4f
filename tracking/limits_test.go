package tracking_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/domainauth/domainauth"
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

// Response headers count against the same limit.
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
	if r.HTTP.Status != tracking.StatusRed || r.HTTP.Err == nil || !r.Has("http-unreachable") {
		t.Errorf("HTTP = %v, %v; findings %+v", r.HTTP.Status, r.HTTP.Err, r.Findings)
	}
	if r.HTTPS.Problem != "https-handshake" {
		t.Errorf("HTTPS problem = %q, want https-handshake", r.HTTPS.Problem)
	}
}
