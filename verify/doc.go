// Package verify is the "Verify domain" button of an email service
// provider: it checks what a customer published in DNS against the
// records.Set they were asked to publish, says per record and overall
// whether the domain can send, and explains every mistake in words the
// customer can act on.
//
// # The idea
//
// A customer adds example.com and is shown, say, an MX record set and an
// SPF record at the account subdomain cio123.example.com, a DKIM key at
// krs._domainkey.cio123.example.com and a DMARC record. Minutes or days
// later they press "Verify". Most failures are not "nothing there" but
// near misses: the DNS host appended the domain a second time
// (cio123.example.com.example.com), the SPF include went into the root
// domain's record, the DKIM key was cut at 255 characters or pasted with
// quotes, Cloudflare proxies the tracking CNAME, only one of two MX hosts
// was entered. verify looks for each of these where it would be and
// reports it as a [finding.Finding] with a stable [finding.Code] and a fix
// (every code is listed with its meaning and fix in the finding package's
// catalogue, docs/FINDINGS.md in the repository).
//
// Values are compared by meaning, not text: SPF by its terms (extra
// mechanisms are fine; the provider's mechanisms must be there, with the
// same qualifier, before "all", and the whole include tree must stay
// within the 10-lookup and 2-void-lookup limits, which [spf.Analyze]
// checks), DKIM by the public key bytes ([dkim.Key.SamePublicKey]), MX by
// host set and the order of priorities, CNAME by the first hop of the
// chain, DMARC by the policy that applies to the From domain
// ([dmarc.Lookup]: the RFC 9989 tree walk, or under [Verifier.DMARCMode]
// RFC 7489's fallback to the organizational domain), including
// strict alignment that the provider's subdomain mail would fail. At every
// _dmarc name looked at, text meant as a DMARC record that receivers do
// not recognise (literal quotes, "\;", leading white space, tags without
// semicolons) is reported as what it is, never as a missing record, and
// the DMARC record that applies is read as receivers of both RFCs read it:
// each tag value they discard (adkim=x, pct=150, an rua without
// "mailto:") and each tag only one of them knows is a finding with a fix.
// RecordResult.Found lists the DMARC texts at those names.
//
// # Statuses
//
// Each record is [Found], [Missing], [Mismatch] (published, but meaning
// something else) or [Error] (a lookup timed out or failed with SERVFAIL).
// The domain is, first match wins:
//
//   - [Undetermined]: the From address is a template ("{{ customer.email }}",
//     Liquid "{% ... %}"), or a required record is in Error. A DNS server
//     that times out never makes a domain Failed.
//   - [Verified]: every required record is Found (records with Required
//     false, such as DMARC advice and tracking, do not count).
//   - [Pending]: something required is Missing or Mismatch and the pending
//     window (72 hours from Set.AddedAt by default) is open.
//   - [Failed]: the same after the window closed: the "red" state.
//   - [Unverified]: the same when no window applies (Set.AddedAt is zero or
//     Verifier.PendingWindow is negative).
//
// # After verification
//
// Records removed after a domain was verified make its mail bounce or land
// in spam. Verify is stateless, so re-verification compares: [Compare]
// takes the previous [Report] of the domain (the caller stores it, as
// JSON for instance) and the new one, and lists every [Change]: a record
// removed, changed, recovered or unknown for now, a finding new or
// resolved, each with a severity and the customer-facing text and fix. A
// domain that was Verified and now has a required record missing or wrong
// is [Regressed], which is not Pending or Failed (those are about a
// domain's first verification); a DNS failure makes it Undetermined, never
// Regressed. examples/batch -previous runs this every night.
//
// # Batches and the cache
//
// [Verifier.VerifyAll] checks many Sets with bounded concurrency and
// reports each as it completes. All lookups of one run go through one
// cache, so the provider's SPF include, its MX hosts and the _dmarc record
// of a parent shared by many sending domains are asked once per run, and
// identical lookups in flight at the same moment collapse into one. The
// cache has no TTLs and lives only as long as the run. It holds answers
// ("does not exist" is one), not failures: a timeout or SERVFAIL is shared
// by the lookups already waiting for it and reused by the same Set for at
// most [Verifier.FailureTTL], and the next Set asks again, so one failure
// of a shared include makes one domain Undetermined, not the whole run.
// Lookups that a caller's cancellation or a time budget cut short are not
// cached at all.
//
// # Limits
//
// A customer's DNS is untrusted input: an SPF record can name hundreds of
// servers that never answer. These bounds keep one domain from holding a
// Verify or a VerifyAll worker; the time and concurrency bounds are fields
// of [Verifier] whose zero value means the default:
//
//   - [Verifier.Timeout], default [DefaultTimeout] (30 seconds): the budget
//     of one Set, every lookup included. A record still being checked when
//     it runs out is in Error (RecordResult.Err wraps [ErrTimeBudget]) with
//     a dns-temporary finding naming it, and the Set is Undetermined.
//   - [Verifier.LookupTimeout], default [DefaultLookupTimeout] (5 seconds):
//     each lookup.
//   - [Verifier.Concurrency], default [DefaultConcurrency] (8): Sets at once
//     in VerifyAll, records at once in one Set, and lookups in flight in
//     the walk of one SPF include tree.
//   - [Verifier.FailureTTL], default [DefaultFailureTTL] (5 seconds): how
//     long a Set reuses a temporary failure it met.
//   - The SPF include tree is walked by [spf.Analyzer] within nine tenths
//     of what is left of the Set's budget (so that it can still say which
//     lookups it could not make) and its own limits: 100 records, 20
//     levels, 100 a, mx and exists targets. Lookups it could not make are
//     named in the SPF record's dns-temporary finding (the first five,
//     and how many more).
//   - [MaxRecords] (64) records per Set; at most 32 records of one DNS
//     answer are looked at.
//
// # JSON
//
// [Report.JSON] (or encoding/json on a [Report]) gives this form; the
// field names and the status, severity and code strings are stable:
//
//	{
//	  "domain": "example.com",
//	  "status": "pending",          // verified|pending|failed|unverified|undetermined
//	  "reason": "1 of 3 required records missing or wrong (...)",
//	  "checked_at": "2025-06-01T12:00:00Z",
//	  "window_ends": "2025-06-04T11:00:00Z",   // absent without a window
//	  "records": [{
//	    "purpose": "spf", "type": "TXT",
//	    "fqdn": "cio123.example.com", "name": "cio123", "required": true,
//	    "status": "missing",        // found|missing|mismatch|error
//	    "expected": ["v=spf1 include:_spf.provider.net ~all"],
//	    "found": [],
//	    "findings": [{"code": "name-doubled", "severity": "error",
//	                  "subject": "cio123.example.com TXT",
//	                  "message": "...", "fix": "..."}],
//	    "error": ""                 // the lookup failure behind status error
//	  }],
//	  "findings": [ ... ]           // about the domain as a whole (from-templated)
//	}
//
// [Report.WriteText] writes the same for a person.
//
// # Pitfalls known only by their symptoms
//
// Some mistakes leave nothing in DNS to see. Their advice is part of the
// fix text of the finding the customer does get: a host that refuses
// underscores (record-missing on a DKIM record), a host without TXT
// records (record-missing on TXT), AWS Route 53 wanting both MX values in
// one record set (record-missing, mx-missing-host), Wix refusing MX
// records on subdomains (record-missing on MX).
//
// # Departures and limits
//
//   - DMARC discovery is RFC 9989's by default (the DNS tree walk), as
//     [dmarc.Lookup] does; [Verifier.DMARCMode] switches to RFC 7489's
//     (the From domain, then its organizational domain by the public
//     suffix list). Report.DMARCMode says which was used.
//   - The SPF lookup limits come from [spf.Analyze]'s static view of the
//     whole include tree (every term counted, as if evaluated), which is
//     stricter than one evaluation that stops at a match.
//   - MX priorities are compared by their order: 5/5 for an expected
//     10/10 is Found (with an info finding); 10/20 is a Mismatch.
//   - A CNAME target is compared with its first hop when the resolver has
//     the raw query ([github.com/domainauth/domainauth.Querier]); with a plain [net.Resolver], with the end
//     of the chain or of the expected target's chain.
//   - Diagnostics beyond the record itself (the doubled name, the apex,
//     SPF type 99, a conflicting CNAME) are asked only when a record is
//     missing or wrong, and their own lookup failures are ignored, so a
//     correct domain costs one query per record.
package verify
