package tracking

import (
	"errors"
	"net/http"
	"strings"
)

// Redirector is the http.Handler behind the tracking host: it verifies the
// tracked link in the request path and redirects to its destination.
//
// Valid links get StatusCode (302 Found by default; 307 also keeps the
// method) with the destination in Location and "Cache-Control: no-store",
// so every click reaches the handler. Rejected requests get:
//
//	400 Bad Request          malformed link, or a destination that is not http(s)
//	403 Forbidden            signature mismatch (tampered) or unknown key id
//	404 Not Found            path outside Linker.Prefix
//	405 Method Not Allowed   not GET or HEAD
//	410 Gone                 expired link
//	414 URI Too Long         request URI over Linker.MaxLength
//
// The Host header is not trusted: links are verified against Linker.Host.
type Redirector struct {
	// Linker verifies the links. Required.
	Linker *Linker
	// StatusCode is http.StatusFound (default) or
	// http.StatusTemporaryRedirect.
	StatusCode int
	// OnClick, when set, is called for each valid link before the
	// redirect is written (to record the click). It must not write to
	// the response.
	OnClick func(r *http.Request, link *Link)
}

// ServeHTTP implements http.Handler.
func (h *Redirector) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	l := h.Linker
	if l == nil {
		http.Error(w, "tracking link handler misconfigured", http.StatusInternalServerError)
		return
	}
	if len(r.RequestURI) > l.maxLength() || len(r.URL.Path) > l.maxLength() {
		http.Error(w, "link too long", http.StatusRequestURITooLong)
		return
	}
	host, _, err := l.check()
	if err != nil {
		http.Error(w, "tracking link handler misconfigured", http.StatusInternalServerError)
		return
	}
	tok, ok := strings.CutPrefix(r.URL.Path, l.prefix())
	if !ok {
		http.NotFound(w, r)
		return
	}
	link, err := l.verifyToken(tok, host)
	if err != nil {
		http.Error(w, linkErrorText(err), linkErrorStatus(err))
		return
	}
	u, _ := checkDestination(link.Destination) // verified above
	if h.OnClick != nil {
		h.OnClick(r, link)
	}
	code := h.StatusCode
	if code != http.StatusTemporaryRedirect {
		code = http.StatusFound
	}
	w.Header().Set("Location", u.String())
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
}

// linkErrorStatus maps a Verify error to an HTTP status.
func linkErrorStatus(err error) int {
	switch {
	case errors.Is(err, ErrLinkTooLong):
		return http.StatusRequestURITooLong
	case errors.Is(err, ErrExpired):
		return http.StatusGone
	case errors.Is(err, ErrBadSignature), errors.Is(err, ErrUnknownKey):
		return http.StatusForbidden
	}
	return http.StatusBadRequest
}

// linkErrorText is the response body: short, and without the details of
// why a signature failed.
func linkErrorText(err error) string {
	switch {
	case errors.Is(err, ErrExpired):
		return "this link has expired"
	case errors.Is(err, ErrBadSignature), errors.Is(err, ErrUnknownKey):
		return "invalid link"
	}
	return "malformed link"
}
