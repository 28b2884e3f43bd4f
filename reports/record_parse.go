package reports

import (
	"bytes"
	"encoding/xml"
	"io"
	"net/netip"
	"strings"

	"github.com/domainauth/domainauth/dmarc"
)

// The record parser is a loop over tokens with an explicit stack, not the
// callbacks the header uses: records are the bulk of a report, and this
// way a record costs no allocation beyond the strings it keeps (repeated
// values are shared, see intern) and, when encoding/xml reads the report
// instead of the fast scanner (fastscan.go), that package's own.

// field names a leaf element of a record.
type field int

const (
	fNone field = iota
	fContainer
	fUnknown
	fSourceIP
	fCount
	fDisposition
	fEvalDKIM
	fEvalSPF
	fReasonType
	fReasonComment
	fHeaderFrom
	fEnvelopeFrom
	fEnvelopeTo
	fDKIMDomain
	fDKIMSelector
	fDKIMResult
	fDKIMHuman
	fSPFDomain
	fSPFScope
	fSPFResult
	fSPFHuman
	fExtension
	numFields
)

// classify says what the element name is, given its parent (the name of
// the enclosing container, "" for <record> itself, "\x00" for a leaf).
func classify(parent, name string) field {
	switch parent {
	case "":
		switch name {
		case "row", "identifiers", "auth_results":
			return fContainer
		case "extension":
			return fExtension
		}
	case "row":
		switch name {
		case "source_ip":
			return fSourceIP
		case "count":
			return fCount
		case "policy_evaluated":
			return fContainer
		}
	case "policy_evaluated":
		switch name {
		case "disposition":
			return fDisposition
		case "dkim":
			return fEvalDKIM
		case "spf":
			return fEvalSPF
		case "reason":
			return fContainer
		}
	case "reason":
		switch name {
		case "type":
			return fReasonType
		case "comment":
			return fReasonComment
		}
	case "identifiers":
		switch name {
		case "header_from":
			return fHeaderFrom
		case "envelope_from":
			return fEnvelopeFrom
		case "envelope_to":
			return fEnvelopeTo
		}
	case "auth_results":
		switch name {
		case "dkim", "spf":
			return fContainer
		}
	case "dkim": // only a container under auth_results: policy_evaluated's dkim is a leaf
		switch name {
		case "domain":
			return fDKIMDomain
		case "selector":
			return fDKIMSelector
		case "result":
			return fDKIMResult
		case "human_result":
			return fDKIMHuman
		}
	case "spf": // likewise
		switch name {
		case "domain":
			return fSPFDomain
		case "scope":
			return fSPFScope
		case "result":
			return fSPFResult
		case "human_result":
			return fSPFHuman
		}
	}
	return fUnknown
}

type frame struct {
	name xml.Name
	kind field
}

// recordPath names the element on top of the stack, for warnings.
func (a *AggregateReader) recordPath() string {
	var b strings.Builder
	b.WriteString("record")
	for _, f := range a.stack {
		b.WriteByte('/')
		b.WriteString(f.name.Local)
	}
	return b.String()
}

// intern returns v as a string, sharing the string of the previous
// record when the value is the same (header_from, domains and results
// repeat from record to record).
func (a *AggregateReader) intern(f field, v []byte) string {
	if last := a.last[f]; last == string(v) {
		return last
	}
	s := string(v)
	a.last[f] = s
	return s
}

// enumBytes is enum without an allocation when v is already a value of
// the schema.
func (a *AggregateReader) enumBytes(v []byte, allowed []string) string {
	for _, s := range allowed {
		if string(v) == s {
			return s
		}
	}
	return a.enum(a.recordPath(), string(v), allowed...)
}

// parseCount reads a non-negative decimal count.
func parseCount(v []byte) (int64, bool) {
	if len(v) == 0 || len(v) > 18 {
		return 0, false
	}
	var n int64
	for _, c := range v {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// record reads one <record> into a.rec, reusing its slices.
func (a *AggregateReader) record(name xml.Name) error {
	r := &a.rec
	*r = Record{Reasons: r.Reasons[:0], AuthDKIM: r.AuthDKIM[:0], AuthSPF: r.AuthSPF[:0]}
	var haveIP, haveCount bool
	a.stack = a.stack[:0]
	skip := 0 // >0: inside an ignored element, at this stack height
	const recordDepth = 2
	for {
		t, err := a.token()
		if err == io.EOF {
			return a.errorf(ErrMalformed, "unexpected end of input in <record>")
		}
		if err != nil {
			return err
		}
		switch t.kind {
		case tokStart:
			if recordDepth+len(a.stack)+1 > a.p.maxDepth() {
				return a.errorf(&LimitError{Limit: "MaxDepth", Value: int64(a.p.maxDepth())}, "in <%s>", a.recordPath())
			}
			kind := fUnknown
			if skip == 0 {
				var parent string
				if n := len(a.stack); n > 0 {
					parent = a.stack[n-1].name.Local
					if a.stack[n-1].kind != fContainer {
						parent = "\x00" // a child of a leaf: unknown
					}
				}
				kind = classify(parent, t.Name.Local)
			}
			a.stack = append(a.stack, frame{name: t.Name, kind: kind})
			a.buf = a.buf[:0]
			if skip > 0 {
				continue
			}
			switch kind {
			case fUnknown:
				a.warn(a.recordPath(), "unknown element ignored")
				skip = len(a.stack)
			case fExtension:
				skip = len(a.stack)
			case fContainer:
				switch t.Name.Local {
				case "reason":
					r.Reasons = append(r.Reasons, Reason{})
				case "dkim":
					r.AuthDKIM = append(r.AuthDKIM, DKIMAuth{})
				case "spf":
					r.AuthSPF = append(r.AuthSPF, SPFAuth{})
				}
			}
		case tokText:
			if skip > 0 || len(a.stack) == 0 {
				if len(bytes.TrimSpace(t.text)) > 0 && skip == 0 {
					a.warn("record", "stray text %q ignored", clipText(t.text))
				}
				continue
			}
			top := a.stack[len(a.stack)-1].kind
			if top == fContainer {
				if len(bytes.TrimSpace(t.text)) > 0 {
					a.warn(a.recordPath(), "stray text %q ignored", clipText(t.text))
				}
				continue
			}
			if len(a.buf)+len(t.text) > a.p.maxElement() {
				return a.errorf(&LimitError{Limit: "MaxElement", Value: int64(a.p.maxElement())}, "text of <%s>", a.recordPath())
			}
			a.buf = append(a.buf, t.text...)
		case tokEnd:
			n := len(a.stack)
			if n == 0 {
				if t.Name != name {
					return a.errorf(ErrMalformed, "element <%s> closed by </%s>", qname(name), qname(t.Name))
				}
				if !haveIP {
					return a.errorf(ErrInvalid, "record %d has no <source_ip>", a.n+1)
				}
				if !haveCount {
					return a.errorf(ErrInvalid, "record %d has no <count>", a.n+1)
				}
				if r.HeaderFrom == "" {
					a.warn("record/identifiers/header_from", "missing or empty in record %d", a.n+1)
				}
				return nil
			}
			top := a.stack[n-1]
			if t.Name != top.name {
				return a.errorf(ErrMalformed, "element <%s> closed by </%s>", qname(top.name), qname(t.Name))
			}
			if skip > 0 {
				if n == skip {
					skip = 0
				}
				a.stack = a.stack[:n-1]
				continue
			}
			if top.kind != fContainer {
				if err := a.leaf(top.kind, bytes.TrimSpace(a.buf), &haveIP, &haveCount); err != nil {
					return err
				}
			} else if top.name.Local == "reason" {
				if rs := r.Reasons[len(r.Reasons)-1]; rs.Type == "" && rs.Comment == "" {
					a.warn(a.recordPath(), "empty <reason>: no override named")
				}
			}
			a.stack = a.stack[:n-1]
			a.buf = a.buf[:0]
		}
	}
}

// leaf stores the value v of a leaf element.
func (a *AggregateReader) leaf(kind field, v []byte, haveIP, haveCount *bool) error {
	r := &a.rec
	switch kind {
	case fSourceIP:
		ip, err := netip.ParseAddr(string(v))
		if err != nil {
			return a.errorf(ErrInvalid, "<source_ip> %q: %v", v, err)
		}
		if ip.Is4In6() {
			a.warn(a.recordPath(), "IPv4-mapped address %s read as %s", ip, ip.Unmap())
			ip = ip.Unmap()
		}
		r.SourceIP, *haveIP = ip.WithZone(""), true
	case fCount:
		n, ok := parseCount(v)
		if !ok {
			return a.errorf(ErrInvalid, "<count> %q is not a count of messages", v)
		}
		r.Count, *haveCount = n, true
	case fDisposition:
		r.Disposition = dmarc.Policy(a.enumBytes(v, dispositions))
	case fEvalDKIM:
		r.DKIM = Verdict(a.enumBytes(v, verdicts))
	case fEvalSPF:
		r.SPF = Verdict(a.enumBytes(v, verdicts))
	case fReasonType:
		if len(v) == 0 {
			a.warn(a.recordPath(), "empty")
		} else {
			r.Reasons[len(r.Reasons)-1].Type = Override(a.enumBytes(v, overrides))
		}
	case fReasonComment:
		r.Reasons[len(r.Reasons)-1].Comment = a.intern(kind, v)
	case fHeaderFrom:
		r.HeaderFrom = a.intern(kind, v)
	case fEnvelopeFrom:
		r.EnvelopeFrom = a.intern(kind, v)
	case fEnvelopeTo:
		r.EnvelopeTo = a.intern(kind, v)
	case fDKIMDomain:
		r.AuthDKIM[len(r.AuthDKIM)-1].Domain = a.intern(kind, v)
	case fDKIMSelector:
		r.AuthDKIM[len(r.AuthDKIM)-1].Selector = a.intern(kind, v)
	case fDKIMResult:
		r.AuthDKIM[len(r.AuthDKIM)-1].Result = dmarc.AuthResult(a.enumBytes(v, dkimResults))
	case fDKIMHuman:
		r.AuthDKIM[len(r.AuthDKIM)-1].HumanResult = a.intern(kind, v)
	case fSPFDomain:
		r.AuthSPF[len(r.AuthSPF)-1].Domain = a.intern(kind, v)
	case fSPFScope:
		r.AuthSPF[len(r.AuthSPF)-1].Scope = a.enumBytes(v, spfScopes)
	case fSPFResult:
		r.AuthSPF[len(r.AuthSPF)-1].Result = dmarc.AuthResult(a.enumBytes(v, spfResults))
	case fSPFHuman:
		r.AuthSPF[len(r.AuthSPF)-1].HumanResult = a.intern(kind, v)
	}
	return nil
}
