// Package finding is the one vocabulary of problems for the whole module:
// the spf analysis, dmarc record findings, records generation, verify and
// tracking all report a [Finding] with a [Code] and a [Severity] from this
// package, so that a service stores, counts and shows them one way.
//
// A finding is a value, not an error: "the SPF record is at the root
// domain" is a result of a check that worked. Its Code is stable and meant
// for programs (store it, count it, map it to a help page); its Message and
// Fix are for people and their wording may change.
//
// # Severities
//
// [Info] < [Warning] < [Error], written "info", "warning" and "error" in
// JSON and text. The zero Severity is unset and refuses to marshal.
//
// # The catalogue
//
// Every code has an [Entry] in [Catalogue]: its usual severity, the
// packages that report it, what it means, the fix in general words and the
// customer questions it answers. docs/FINDINGS.md in the repository is
// generated from the catalogue (go test ./finding -update) and a test fails
// when the two differ, or when a Code constant has no entry.
//
// This package depends on the standard library only, so that every
// producer can import it.
package finding
