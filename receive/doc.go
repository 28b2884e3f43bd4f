// Package receive authenticates an incoming message in one call: SPF
// (RFC 7208), every DKIM signature (RFC 6376), ARC (RFC 8617) and DMARC,
// and writes the Authentication-Results field (RFC 8601) and the
// Received-SPF field (RFC 7208 section 9.1) to prepend.
//
//	r := receive.Receiver{AuthServID: "mx.example.net", Resolver: resolver}
//	res, err := r.Authenticate(ctx, msg, receive.Envelope{IP: ip, HELO: helo, MailFrom: mailFrom})
//	// res.DMARC.Disposition: what to do; res.Fields(): what to prepend.
//
// The message is read once, as it arrives, while the SPF check runs
// meanwhile, so that DNS waits overlap the reading. A message of up to
// BufferBytes (64 KiB) is held in memory and checked there; a larger one
// streams to the DKIM and ARC verifiers side by side through pipes, each
// hashing the body through its fixed buffers, so memory does not grow
// with the body. DMARC is evaluated once SPF and DKIM are
// known. The package composes spf, dkim, arc, dmarc and authres; it
// implements none of their rules itself.
//
// # Local policy and ARC
//
// A mailing list that tags the Subject or adds a footer breaks the
// author's DKIM signature, and the message fails DMARC at the next
// receiver. If the list sealed the message with ARC and the receiver
// trusts the list, it may accept the message anyway (RFC 8617 section
// 7.2). Receiver.LocalPolicy is the hook for that decision;
// TrustedSealers is the usual one. An override does not change the DMARC
// result, which stays fail: it sets the disposition to none and records
// why in Result.Override, in the form RFC 8617 section 7.2.1 gives for
// the reason of a DMARC aggregate report (type local_policy, comment
// "arc=pass as[2].d=... as[2].s=... ...").
//
// # DMARC modes
//
// Receiver.DMARC.Mode chooses the reading of the DMARC RFCs: RFC 9989 by
// default (the DNS tree walk, np, t=y), RFC 7489 on request (the public
// suffix list, pct). Result.DMARC.Mode says which one produced the result;
// the dmarc package documents every difference.
//
// # Limits
//
// The limits are those of the packages composed, configured through the
// Receiver fields that hold their settings: SPF (spf.Checker: 10 DNS
// mechanisms, 2 void lookups, 10 MX/PTR names), DKIM (dkim.Verifier:
// MaxSignatures 10, header 1 MiB and 1000 fields), ARC (arc.Verifier: 50
// sets). A header section over the limits is an error of Authenticate.
// Receiver.BufferBytes (default DefaultBufferBytes, 64 KiB) bounds the
// part of a message held in memory.
// ctx bounds the DNS lookups and is checked between reads of the message;
// a Read that blocks is for the caller to bound (a deadline on the
// connection the message comes from).
package receive
