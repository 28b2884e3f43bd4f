// Package dkimbridge lets the packages that build on DKIM (arc) use the
// parts of package dkim that are not its public API: reading a header
// section, canonicalizing and hashing a body as it streams, hashing the
// signed header fields, fetching and checking a key, and the small tag
// helpers of the DKIM-Signature parser. Package dkim fills in the
// variables below when it is initialized, so any package that imports
// both dkim and this package finds them set; nothing is copied.
//
// The signatures use only standard types (a canonicalization is its name,
// a key status is the int value of dkim.Status), because this package
// cannot import dkim: dkim imports it.
package dkimbridge

import (
	"bufio"
	"context"
	"crypto"
	"hash"
	"strings"

	"github.com/domainauth/domainauth/internal/ascii"
)

// Field is one header field: Name as written (no surrounding whitespace),
// Raw the field exactly as it arrived, name, colon, value, continuation
// lines and the final line end.
type Field struct {
	Name string
	Raw  string
}

// TXTResolver is dkim.TXTResolver.
type TXTResolver interface {
	LookupTXT(ctx context.Context, name string) ([]string, error)
}

// BodyHash canonicalizes a body written to it and hashes it with SHA-256,
// in fixed memory.
type BodyHash interface {
	// Write canonicalizes and hashes the next part of the body; it never fails.
	Write(p []byte) (int, error)
	// Close ends the body (the final CRLF rules of the algorithm).
	Close() error
	// Sum returns the digest; call after Close.
	Sum() []byte
	// Total is the length of the canonical body, beyond an l= limit too.
	Total() int64
}

// KeyCheck is what CheckKey needs to know of a signature.
type KeyCheck struct {
	Algorithm  string // a=, e.g. rsa-sha256
	Domain     string // d=
	MinRSABits int    // as dkim.Verifier.MinRSABits
	MaxRSABits int    // as dkim.Verifier.MaxRSABits
	Name       string // the key record's name, for error messages
}

// The bridge, set by package dkim's init.
var (
	// ReadHeader reads a header section, up to and including the blank
	// line, with dkim's limits on bytes and fields.
	ReadHeader func(br *bufio.Reader, maxBytes, maxFields int) ([]Field, error)
	// NewBodyHash returns a body hash with canonicalization c ("simple" or
	// "relaxed") that hashes at most limit canonical bytes (all if < 0).
	NewBodyHash func(c string, limit int64) BodyHash
	// HashHeaders writes to h the canonical fields that names selects
	// (bottom-up, as RFC 6376 section 5.4.2 says), then sigField, the
	// signature field with an empty b= and no final line end; scratch is
	// a buffer, returned for reuse.
	HashHeaders func(h hash.Hash, scratch []byte, fields []Field, names []string, sigField string, c string) []byte
	// StripSignatureValue returns a raw field with the value of its b= tag
	// removed, everything else untouched.
	StripSignatureValue func(raw string) (string, error)
	// ParseCanonicalization reads a c= value as dkim.ParseCanonicalization
	// does, with the bare reason as the error (the caller's own syntax
	// error names the field and tag).
	ParseCanonicalization func(c string) (header, body string, err error)
	// FetchKey fetches and parses the key record at name; status is the
	// dkim.Status to report when err is not nil.
	FetchKey func(ctx context.Context, r TXTResolver, name string) (key any, pub crypto.PublicKey, status int, err error)
	// CheckKey applies a key record's restrictions and the RSA size
	// bounds (RFC 8301's floor, dkim's ceiling) to a signature.
	CheckKey func(sig KeyCheck, key any, pub crypto.PublicKey) error
	// VerifySignature checks sig over digest with pub for algorithm alg.
	VerifySignature func(alg string, pub crypto.PublicKey, digest, sig []byte) error
	// StripFWS removes every space, tab, CR and LF.
	StripFWS func(s string) string
	// SplitColonList splits a colon-separated tag value (h=), dropping
	// whitespace and empty elements.
	SplitColonList func(s string) []string
	// ParseDigits parses 1 to max decimal digits (folding whitespace removed).
	ParseDigits func(v string, max int) (int64, error)
	// ValidFieldName reports whether s is an RFC 5322 field name.
	ValidFieldName func(s string) bool
	// CheckSignNames checks the d= and s= a signer writes (the ARC
	// sealer's as the dkim Signer's) and returns the domain as d= gives
	// it: normalized, an internationalized name as its A-label.
	CheckSignNames func(domain, selector string) (string, error)
)

// FieldValue returns what follows the colon of a raw header field,
// without the final line end: the value DKIM and ARC tag lists are parsed
// from.
func FieldValue(raw string) string {
	_, v, _ := strings.Cut(raw, ":")
	return TrimEOL(v)
}

// TrimEOL removes a final LF and then a final CR.
func TrimEOL(s string) string {
	s = strings.TrimSuffix(s, "\n")
	return strings.TrimSuffix(s, "\r")
}

// SameFieldName reports whether two header field names are equal,
// ignoring the case of ASCII letters. Field names are ASCII (RFC 5322
// section 3.6.8) and DKIM compares them without regard to case; a byte
// outside ASCII matches only itself, where Unicode case folding (as in
// strings.EqualFold) would let "\u212a" (the Kelvin sign) stand for k and
// "\u017f" (the long s) for s.
func SameFieldName(a, b string) bool { return ascii.EqualFold(a, b) }
