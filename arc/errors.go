package arc

import "errors"

// Reasons a chain fails, found in Result.Err with errors.Is. Errors about
// one header field are *SyntaxError values, which match ErrSyntax.
var (
	// ErrSyntax: an ARC header field is malformed or lacks a required tag;
	// every *SyntaxError matches it.
	ErrSyntax = errors.New("malformed ARC header field")
	// ErrStructure: the ARC sets are not exactly one AAR, AMS and AS for
	// each instance 1 to N (RFC 8617 section 5.2 step 1).
	ErrStructure = errors.New("ARC sets are not numbered 1 to N with one field of each kind")
	// ErrTooManySets: more than Verifier.MaxSets (by default the RFC's
	// 50) instances.
	ErrTooManySets = errors.New("too many ARC sets")
	// ErrChainMarkedFailed: the newest ARC-Seal says cv=fail (step 2).
	ErrChainMarkedFailed = errors.New("the newest ARC-Seal says cv=fail")
	// ErrSealCV: an ARC-Seal has the wrong cv= for its place: none for
	// instance 1, pass for the others (step 3).
	ErrSealCV = errors.New("ARC-Seal cv= does not fit its instance")
	// ErrMessageSignature: the newest ARC-Message-Signature does not
	// verify (step 4); the dkim reason is wrapped too.
	ErrMessageSignature = errors.New("ARC-Message-Signature does not verify")
	// ErrSeal: an ARC-Seal does not verify (step 6); the dkim reason is
	// wrapped too.
	ErrSeal = errors.New("ARC-Seal does not verify")
	// ErrKeyUnavailable: a key lookup failed temporarily, so the chain
	// could not be validated (the RFC has no temperror for ARC; the
	// chain is reported as failed, with this reason).
	ErrKeyUnavailable = errors.New("ARC key lookup failed temporarily")
)
