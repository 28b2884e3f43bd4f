package tracking_test

import (
	"errors"
	"io"
	"log"
)

var errNoCert = errors.New("no certificate for this name")

// quietLog drops the TLS handshake errors the servers log when a test
// makes a handshake fail on purpose.
func quietLog() *log.Logger { return log.New(io.Discard, "", 0) }
