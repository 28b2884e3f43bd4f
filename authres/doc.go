// Package authres reads and writes the Authentication-Results header
// field (RFC 8601), in which a receiving mail server records what its
// SPF, DKIM, DMARC and other checks found, for the software behind it:
// filters, the mailbox, the user's mail client, an ESP's bounce and reply
// processing.
//
// # The field
//
// The MTA that accepts a message from the Internet checks it and prepends
// one field:
//
//	Authentication-Results: mx.example.net;
//		spf=pass smtp.mailfrom=bounce.esp.example;
//		dkim=pass header.d=example.com header.s=sel1 header.b=oINEO8hg;
//		dmarc=pass (p=reject dis=none) header.from=example.com
//
// It starts with the authserv-id, "mx.example.net": the name of the
// service that did the checks. Then, for each check, the method (spf,
// dkim, dmarc, arc, iprev, auth, ...), its result (pass, fail, softfail,
// neutral, none, temperror, permerror, ...), an optional reason="..." and
// properties saying what was checked: smtp.mailfrom and smtp.helo are
// parameters of SMTP commands, header.d and header.from come from the
// message's header, policy.* are local policy decisions. A server that
// checked nothing writes "mx.example.net; none". Comments in parentheses
// may appear anywhere and are for people only.
//
// A receiver builds a Header from its results, one line per method:
//
//	h := authres.Header{AuthServID: "mx.example.net"}
//	h.Results = append(h.Results, authres.SPFMailFrom(spfOutcome, mailFrom))
//	h.Results = append(h.Results, authres.DKIM(dkimResults...)...)
//	h.Results = append(h.Results, authres.DMARC(dmarcResult))
//	msg = h.Field() + "\r\n" + msg
//
// A consumer reads the fields back with Trusted, or with Parse one by one.
//
// # Who may trust a field
//
// Anyone can write an Authentication-Results field: a spammer's message
// can arrive carrying "Authentication-Results: mx.example.net;
// dmarc=pass". The field is only worth something when the reader knows
// that the service named by the authserv-id wrote it, so RFC 8601 section
// 5 splits the work:
//
//   - The border MTA, the one that receives mail from outside, must
//     remove (or rename) every incoming field that claims its own
//     authserv-id before it adds its own field. Claims says which fields
//     to remove. Fields of other authserv-ids may stay, but are not
//     trusted.
//   - A consumer inside (a filter, the mailbox, an ESP's inbound
//     pipeline) acts only on fields whose authserv-id belongs to a border
//     it runs or trusts, and ignores every other field, however
//     convincing. Trusted does exactly that.
//
// The two halves depend on each other: Trusted is safe only behind a
// border that applies Claims (or the equivalent) to every message,
// including mail that arrives on a second MX, a backup server or an
// internal relay. An ESP reading replies and bounces should therefore
// trust only the authserv-ids of its own inbound servers, never those of
// the sender's or a forwarder's.
//
// # Grammar and choices
//
// Parse follows RFC 8601 section 2.2: values are RFC 2045 tokens or
// quoted-strings, keywords are those of RFC 5321, comments and folding are
// those of RFC 5322, and UTF-8 is allowed where RFC 6532 allows it. Method,
// result, ptype and property names are case-insensitive and are returned
// in lower case; values keep their case. Parse takes the field value or
// the whole field with its name, folded or not. Inputs are bounded by
// MaxLength, MaxResults, MaxProperties and MaxCommentDepth, and every
// error is a *SyntaxError with the byte offset of the problem.
//
// String writes the value on one line, Field the whole field folded at 78
// columns; both quote exactly what the grammar requires, writing addresses
// and domain names bare as RFC 8601 allows, and Parse reads back what they
// write. The constructors SPFMailFrom, SPFHELO, DKIM and DMARC turn the
// results of this module's spf, dkim and dmarc packages into Results.
//
// Where this package departs from the RFC, or decides what it leaves
// open:
//
//   - Leniency: a property value without quotes is read up to the next
//     space, comment, quote or semicolon, so "header.b=gfT/i2HB" and
//     "smtp.remote-ip=2001:db8::1", which the grammar wants quoted but
//     MTAs write bare, are accepted; a ";" after the last result is
//     ignored; a line break may be LF alone, as in a message read from a
//     Unix mailbox. Everything else outside the grammar is an error, including
//     properties without a ptype ("action=none", as one large provider
//     writes): Trusted skips such fields when their authserv-id is not
//     trusted, which is what matters.
//   - Comments: the first comment right after a result ("dkim=pass (good
//     signature)") is kept as Result.Comment and written back; other
//     comments are dropped.
//   - An address as a property value cannot have comments or folding
//     between its parts, and obsolete local-part forms are not read.
//   - Versions: an authres-version or method version other than 1 is
//     returned, not rejected; deciding whether to trust a version the
//     reader does not know is left to the caller.
//   - DMARC: only header.from is written. policy.dmarc is not in RFC 7489
//     or RFC 8601, and the DMARCbis properties for the policy record
//     (polrec.*) could not be confirmed, so DMARC puts the policy in a
//     comment only.
package authres
