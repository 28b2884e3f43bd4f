package dkim

import (
	"errors"
	"fmt"
	"strings"

	"github.com/domainauth/domainauth/internal/tagvalue"
)

// ErrSyntax is matched by every *SyntaxError: a DKIM-Signature field or a
// key record that does not parse, whatever the reason.
var ErrSyntax = errors.New("malformed DKIM-Signature or key record")

// SyntaxError is the error of ParseSignature and ParseKey, and the one in
// Result.Err when a signature or its key record does not parse: it says
// what was parsed, which tag is wrong and where. It matches ErrSyntax, and
// its Err wraps the precise reason: ErrSignatureSyntax,
// ErrUnsupportedVersion or ErrUnsupportedCanonicalization for a
// DKIM-Signature, ErrKeySyntax and its refinements (ErrKeyQuoted, ...) for
// a key record, with ErrKeyInvalid too when Verify fetched the record.
type SyntaxError struct {
	// In names what was parsed: "DKIM-Signature", "key record" (ParseKey)
	// or "key record at <selector>._domainkey.<domain>" (Verify).
	In     string
	Tag    string // the tag concerned, when known (Error quotes it when it is not a tag name)
	Offset int    // byte offset in the field value or record, -1 when not known
	Err    error  // the reason
}

// Error describes the problem, naming what is wrong and where.
func (e *SyntaxError) Error() string {
	var b strings.Builder
	b.WriteString("dkim: ")
	b.WriteString(e.In)
	if e.Tag != "" {
		b.WriteString(" tag ")
		b.WriteString(tagvalue.TagText(e.Tag))
	}
	if e.Offset >= 0 {
		fmt.Fprintf(&b, " at offset %d", e.Offset)
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	return b.String()
}

// Unwrap returns the reason, for errors.Is.
func (e *SyntaxError) Unwrap() error { return e.Err }

// Is makes every *SyntaxError match ErrSyntax.
func (e *SyntaxError) Is(target error) bool { return target == ErrSyntax }

// What a SyntaxError was found in, before the key record has a name.
const (
	inSignature = FieldName
	inKey       = "key record"
)

// Reasons a signature does not pass, found in Result.Err with errors.Is.
// The comment gives the Status each leads to.
var (
	// Signature syntax and support (PermError).

	// ErrSignatureSyntax: the DKIM-Signature field is malformed or lacks a
	// required tag; wrapped by the *SyntaxError that says where.
	ErrSignatureSyntax = errors.New("malformed DKIM-Signature")
	// ErrUnsupportedVersion: v= is not 1.
	ErrUnsupportedVersion = errors.New("unsupported signature version")
	// ErrUnsupportedAlgorithm: a= is not rsa-sha256 or ed25519-sha256
	// (rsa-sha1 has its own reason, ErrSHA1).
	ErrUnsupportedAlgorithm = errors.New("unsupported signing algorithm")
	// ErrSHA1: the signature uses rsa-sha1, which RFC 8301 section 3.1
	// forbids verifiers to accept.
	ErrSHA1 = errors.New("rsa-sha1 is not allowed (RFC 8301)")
	// ErrUnsupportedCanonicalization: c= names an unknown algorithm.
	ErrUnsupportedCanonicalization = errors.New("unsupported canonicalization")
	// ErrUnsupportedQueryMethod: q= does not offer dns/txt.
	ErrUnsupportedQueryMethod = errors.New("unsupported key query method")
	// ErrIdentityMismatch: the domain of i= is not d= or a subdomain of it.
	ErrIdentityMismatch = errors.New("i= is not within d=")
	// ErrFromNotSigned: h= does not include From (RFC 6376 section 5.4).
	//lint:ignore ST1005 "From" is the name of the header field, spelled as RFC 5322 spells it.
	ErrFromNotSigned = errors.New("From header field not signed")
	// ErrExpired: x= is in the past.
	ErrExpired = errors.New("signature expired")
	// ErrBodyLengthExceeded: l= is greater than the length of the
	// canonicalized body: the body was truncated after signing.
	ErrBodyLengthExceeded = errors.New("l= exceeds the body length")

	// Key retrieval (PermError, except ErrKeyUnavailable).

	// ErrNoKey: there is no key record at <s>._domainkey.<d>.
	ErrNoKey = errors.New("no key record")
	// ErrKeyUnavailable: the key lookup failed temporarily (TempError).
	ErrKeyUnavailable = errors.New("key lookup failed temporarily")
	// ErrKeyInvalid: the key record does not parse. Result.Err is then a
	// *SyntaxError naming the record (In is "key record at <name>") whose
	// Err wraps this and the ParseKey reason, so errors.Is(err,
	// ErrKeyQuoted) etc. also work.
	ErrKeyInvalid = errors.New("invalid key record")
	// ErrKeyRevoked: the key record has an empty p=.
	ErrKeyRevoked = errors.New("key revoked")
	// ErrKeyTooSmall: an RSA key under 1024 bits (RFC 8301 section 3.2).
	ErrKeyTooSmall = errors.New("key too small")
	// ErrKeyTooLarge: an RSA key over Verifier.MaxRSABits (default
	// DefaultMaxRSAKeyBits, 8192): checking a signature with it would
	// cost more CPU than any real signer needs (the cost of an RSA check
	// grows with the square of the key size).
	ErrKeyTooLarge = errors.New("key too large")
	// ErrKeyTypeMismatch: k= does not match the a= algorithm.
	ErrKeyTypeMismatch = errors.New("key type does not match the signing algorithm")
	// ErrKeyHashNotAllowed: the key's h= does not allow the signature's hash.
	ErrKeyHashNotAllowed = errors.New("key does not allow the hash algorithm")
	// ErrKeyNotForEmail: the key's s= does not include email.
	ErrKeyNotForEmail = errors.New("key not for email (s=)")
	// ErrKeyStrictIdentity: the key has t=s and the domain of i= is not
	// exactly d=.
	ErrKeyStrictIdentity = errors.New("key requires i= domain to equal d= (t=s)")

	// Cryptographic checks (Fail).

	// ErrBodyHashMismatch: the body does not hash to bh=: it changed in transit.
	ErrBodyHashMismatch = errors.New("body hash mismatch")
	// ErrSignatureMismatch: the signature does not verify over the signed
	// header fields.
	ErrSignatureMismatch = errors.New("signature mismatch")

	// Limits (Neutral).

	// ErrTooManySignatures: the signature was not evaluated because the
	// message has more than Verifier.MaxSignatures of them.
	ErrTooManySignatures = errors.New("too many signatures, not evaluated")
)
