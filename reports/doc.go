// Package reports reads, summarizes and writes the reports that receivers
// send to domain owners: DMARC aggregate reports (RFC 7489 section 7.2 and
// Appendix C, RFC 9990), DMARC failure reports (ARF, RFC 5965 and RFC 6591,
// RFC 7489 section 7.3, RFC 9991) and SMTP TLS reports (RFC 8460).
//
// # The idea
//
// A domain that publishes "rua=mailto:dmarc@example.com" in its DMARC record
// gets, from every large receiver, a daily XML report: for each IP address
// that sent mail as the domain, how many messages, whether SPF and DKIM
// passed and aligned, and what the receiver did with them. An ESP that
// publishes rua for its customers receives thousands of these a day and must
// answer, per customer: who sends as this domain, and does it pass?
//
//	<record>
//	  <row>
//	    <source_ip>192.0.2.1</source_ip><count>120</count>
//	    <policy_evaluated><disposition>none</disposition><dkim>pass</dkim><spf>fail</spf></policy_evaluated>
//	  </row>
//	  <identifiers><header_from>example.com</header_from></identifiers>
//	  <auth_results><dkim><domain>example.com</domain><selector>s1</selector><result>pass</result></dkim>...</auth_results>
//	</record>
//
// Failure reports (ruf) carry one failed message each, or its header.
// SMTP TLS reports (TLSRPT) count the sessions that could or could not use
// TLS under the domain's MTA-STS or DANE policy.
//
// # Reading
//
// [Parser.Read] takes whatever arrives: a file or an e-mail, XML, JSON,
// gzip or zip, recognised by content (never by name or MIME type, which
// reporters get wrong), and calls back once per report. Aggregate reports
// come as an [AggregateReader] that yields one [Record] at a time, so a
// report of a million records needs the memory of one; [Parser.ParseAggregate]
// reads a report into memory when that is wanted. [Parser.ParseFailure] and
// [Parser.ParseTLS] read the other two kinds.
//
// What real reporters get wrong is read, with a [Warning] per deviation
// (Aggregate.Warnings, FailureReport.Warnings, TLSReport.Warnings):
// upper-case results (Pass, None), empty <reason> or <org_name>, missing
// optional elements, elements out of order, stray text, unknown elements,
// an <xs:schema> wrapper around <feedback>, a multipart/mixed failure
// report, a failure report with no ARF part (Exim), a base64
// message/feedback-report part. What cannot be read is a [*SyntaxError]
// (matching [ErrSyntax]) with the position (line and column of the payload,
// the attachment's name):
// XML that is not well-formed (the <xs:schema> wrapper left open, an
// unescaped "<", invalid UTF-8), an empty file, a count that is not a
// number. A report is complete only when the reader ends without error:
// records already delivered from a report that then fails must be
// discarded (Summarizer.Merge helps), never passed off as complete.
//
// Both aggregate schemas are read: RFC 7489's (in practice with no
// namespace) and RFC 9990's (urn:ietf:params:xml:ns:dmarc-2.0, also seen
// without it). Elements are matched by local name, whatever the namespace
// or prefix; <version> tells nothing about the schema.
//
// # Summaries and rows
//
// A [Summarizer] turns records into per-domain, per-period summaries: the
// messages, the DMARC pass rate, the sources by IP address split into
// aligned, override (failing DMARC but accepted for forwarding, a mailing
// list or ARC) and failing, the top failing sources and the reporters. It
// does no I/O; [Namer] adds reverse DNS names through any resolver with
// LookupAddr (*net.Resolver, the domainauth resolvers).
//
// [AggregateRow], [FailureRow] and [TLSRows] flatten reports into rows with
// parsedmarc's column names ([AggregateColumns], [FailureColumns],
// [TLSColumns]) and a [RowWriter] writes them as CSV or JSON lines, so that
// ingestion built for parsedmarc (Elasticsearch/OpenSearch, Splunk, Kafka)
// takes them unchanged; AggregateColumns documents the conventions.
//
// # Writing
//
// [WriteAggregate] writes an aggregate report for either schema, one record
// at a time; [FileName] and [WriteAggregateEmail] give the file name, the
// subject and the gzip attachment of RFC 7489 section 7.2.1.1.
// [WriteFailureReport] writes an ARF failure report, with only the header
// of the message (HeadersOnly) and recipient addresses redacted by a keyed
// hash (RedactWith) when asked, as RFC 6590 and RFC 6591 describe.
// Parsing what WriteAggregate wrote gives back the same report (a tested
// property).
//
// # Limits
//
// Every loop over report data is bounded. The defaults, each a field of
// [Parser] (zero means the default):
//
//   - MaxDecompressed, 512 MiB: bytes of one payload (the XML or JSON
//     text), decompressed or not.
//   - MaxRatio, 1000: decompressed/compressed size of a gzip or zip
//     payload, checked beyond 1 MiB. Real reports compress up to about 100
//     times (the corpus's 909 KB report gzips to 9 KB); deflate cannot
//     exceed about 1032, so this catches only the purest bombs and
//     MaxDecompressed is the main guard.
//   - MaxInput, 64 MiB: bytes of one e-mail, or of a zip archive read from
//     a stream (an io.ReaderAt with Size is read in place).
//   - MaxAttachments, 64: MIME parts of one e-mail, members of one zip.
//   - MaxNesting, 8: multipart and message/rfc822 nesting in an e-mail, and
//     container layers (zip in gzip).
//   - MaxDepth, 32: XML element depth (the schema needs 5).
//   - MaxRecords, 10,000,000: records of one aggregate report, policies of
//     one TLS report.
//   - MaxElement, 64 KiB: bytes of one XML token (an element's text, a tag
//     with its attributes), enforced as the bytes are read, before the
//     decoder buffers them.
//   - MaxWarnings, 1000: warnings kept per report (the rest are counted).
//
// Fixed bounds: 1000 fields per ARF part or plain-text report; [Namer]
// looks up at most MaxLookups (1000) addresses per call, each within
// Timeout (5 s), and honours ctx.
//
// TLS reports are read whole (they hold one entry per policy, not per
// message), within MaxDecompressed. Failure reports are read whole, within
// MaxInput.
//
// # Choices and departures
//
//   - A wrong-cased or unknown enumerated value (Pass, hardfail) is
//     lower-cased and kept, with a warning; an empty one stays empty.
//   - An empty <reason> is kept (Type and Comment empty) with a warning;
//     summaries count it as no override.
//   - A record without <source_ip> or <count>, or with a value that is not
//     an address or a count, makes the report unreadable: a record cannot
//     be summarized without them.
//   - An IPv4-mapped <source_ip> (::ffff:192.0.2.1) is read as the IPv4
//     address, with a warning.
//   - One wrapper element around <feedback> is tolerated with a warning;
//     it must still be closed (ikea.com's report, which never closes its
//     <xs:schema>, is refused).
//   - Not well-formed XML is an error by default. Parser.Recover repairs
//     the three faults of the corpus, as parsedmarc does: bytes that are
//     not UTF-8 are dropped, a "<" that opens no tag is read as text, an
//     unclosed wrapper is accepted, each with a warning. (Inside CDATA or a
//     comment the "<" repair would change the text; reports have neither.)
//   - A multipart/report without report-type and without an aggregate or
//     TLS attachment is read as a failure report without ARF part; its
//     values come from the "Key: value" lines of the text and the quoted
//     header, with a warning.
//   - Encodings: UTF-8, US-ASCII and ISO-8859-1 are read; other declared
//     encodings are refused.
//   - Aggregate XML is read by a scanner of the package's own, several
//     times faster than encoding/xml, for the plain XML reports are
//     written in; from the first thing it does not fully handle (a
//     DOCTYPE, CDATA, a character reference, another encoding, invalid
//     UTF-8, a token near a limit) encoding/xml reads the rest of the
//     report, so results, warnings and errors are those of encoding/xml.
//   - Rows follow parsedmarc, not the RFCs, where they differ (defaults for
//     absent elements); the model itself keeps "" for absent.
//   - WriteAggregate fills what the schema requires and the report leaves
//     empty (version 1.0; for RFC 7489, sp = p and pct = 100); the RFC 9990
//     policy_published elements are written in the order domain,
//     discovery_method, p, sp, np, adkim, aspf, testing, fo.
package reports
