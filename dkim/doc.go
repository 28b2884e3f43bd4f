// Package dkim implements DomainKeys Identified Mail (RFC 6376) with the
// RFC 8301 crypto updates and Ed25519 signatures (RFC 8463).
package dkim
