package domainauth

import (
	"testing"

	"github.com/miekg/dns"
)

// TestServerCloseReportsShutdownFailure: Close reports a listener that
// could not be shut down (here one that is no longer serving) instead of
// hiding it, and forgets its listeners either way.
func TestServerCloseReportsShutdownFailure(t *testing.T) {
	s := &Server{running: []*dns.Server{{Addr: "127.0.0.1:0", Net: "udp"}}}
	if err := s.Close(); err == nil {
		t.Error("Close of a listener that does not shut down: nil error")
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v, want nil (nothing left to shut down)", err)
	}
}
