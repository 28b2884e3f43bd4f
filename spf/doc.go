// Package spf implements the Sender Policy Framework, RFC 7208.
package spf
