package verify_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/domainauth/domainauth"
	"github.com/domainauth/domainauth/records"
	"github.com/domainauth/domainauth/verify"
)

// Verify over the real client (domainauth.StubResolver) against hostile
// DNS servers on 127.0.0.1: what the client cannot tell must come out as
// Error and Undetermined, never as Missing.

const edKey = "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="

// dkimSet is one required DKIM record at sel._domainkey.example.com.
func dkimSet() records.Set {
	return records.Set{
		Domain: "example.com", Zone: "example.com", Provider: "test", AddedAt: now.Add(-time.Hour),
		Records: []records.Record{{
			Purpose: records.PurposeDKIM, FQDN: "sel._domainkey.example.com", Name: "sel._domainkey", Type: records.TypeTXT,
			Values: []string{edKey}, Required: true,
		}},
	}
}

// forwarder serves, over UDP on 127.0.0.1, the chain of CNAMEs in hops
// (lower case, fully qualified) one hop per answer, as a forwarder that
// leaves the chain to the client does; the last target holds the DKIM key.
// Every other name is NXDOMAIN.
func forwarder(t *testing.T, hops []string) string {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	next := map[string]string{}
	for i := 0; i+1 < len(hops); i++ {
		next[hops[i]] = hops[i+1]
	}
	end := hops[len(hops)-1]
	srv := &dns.Server{PacketConn: pc, Handler: dns.HandlerFunc(func(w dns.ResponseWriter, q *dns.Msg) {
		m := new(dns.Msg)
		m.SetReply(q)
		qn := q.Question[0]
		name := strings.ToLower(qn.Name)
		hdr := dns.RR_Header{Name: qn.Name, Class: dns.ClassINET, Ttl: 300}
		switch {
		case next[name] != "":
			hdr.Rrtype = dns.TypeCNAME
			m.Answer = []dns.RR{&dns.CNAME{Hdr: hdr, Target: next[name]}}
		case name == end && qn.Qtype == dns.TypeTXT:
			hdr.Rrtype = dns.TypeTXT
			m.Answer = []dns.RR{&dns.TXT{Hdr: hdr, Txt: []string{edKey}}}
		case name != end:
			m.Rcode = dns.RcodeNameError
		}
		w.WriteMsg(m)
	})}
	started := make(chan struct{})
	srv.NotifyStartedFunc = func() { close(started) }
	go srv.ActivateAndServe()
	<-started
	t.Cleanup(func() { srv.Shutdown() })
	return pc.LocalAddr().String()
}

// TestDKIMBehindLongCNAMEChainIsNotMissing: the key is published at the
// end of a chain of nine CNAMEs, one more than the client follows by
// default. The record is not Missing: the client could not tell, so it is
// Error and the domain Undetermined. With a client that follows nine hops,
// it is Found.
func TestDKIMBehindLongCNAMEChainIsNotMissing(t *testing.T) {
	hops := []string{"sel._domainkey.example.com."}
	for i := range domainauth.DefaultCNAMEs + 1 {
		hops = append(hops, fmt.Sprintf("hop%d.dkim.provider.net.", i+1))
	}
	addr := forwarder(t, hops)
	ctx := context.Background()

	r := &domainauth.StubResolver{Servers: []string{addr}, Timeout: 5 * time.Second, Attempts: 1}
	rep, err := verifier(r).Verify(ctx, dkimSet())
	if err != nil {
		t.Fatal(err)
	}
	if got := rep.Records[0]; got.Status != verify.Error || !errors.Is(got.Err, domainauth.ErrCNAMEChain) {
		t.Errorf("record %s (%v); want error caused by ErrCNAMEChain, not missing\n%s", got.Status, got.Err, rep)
	}
	if rep.Status != verify.Undetermined {
		t.Errorf("status %s; want undetermined\n%s", rep.Status, rep)
	}

	r = &domainauth.StubResolver{Servers: []string{addr}, Timeout: 5 * time.Second, Attempts: 1, MaxCNAMEs: domainauth.DefaultCNAMEs + 1}
	rep, err = verifier(r).Verify(ctx, dkimSet())
	if err != nil {
		t.Fatal(err)
	}
	if got := rep.Records[0]; got.Status != verify.Found {
		t.Errorf("following %d hops: record %s (%v); want found\n%s", domainauth.DefaultCNAMEs+1, got.Status, got.Err, rep)
	}
}

// TestVerifyAllCancelOverRealClient: the servers never answer and every
// timeout is a minute long; cancelling the context makes VerifyAll return
// at once with context.Canceled, not when the lookups in flight time out.
func TestVerifyAllCancelOverRealClient(t *testing.T) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	go func() { // read the queries, answer none
		buf := make([]byte, 512)
		for {
			if _, _, err := pc.ReadFrom(buf); err != nil {
				return
			}
		}
	}()
	const timeout = time.Minute
	r := &domainauth.StubResolver{Servers: []string{pc.LocalAddr().String()}, Timeout: timeout, Attempts: 1}
	v := verifier(r)
	v.LookupTimeout = timeout
	sets := make([]records.Set, 4)
	for i := range sets {
		sets[i] = dkimSet()
	}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	_, err = v.VerifyAll(ctx, sets, nil)
	// Generous for a loaded machine, and far below the lookups' timeout.
	if d := time.Since(start); d > timeout/6 {
		t.Errorf("VerifyAll returned %v after the start; the cancellation came after 100ms", d)
	}
	if !errors.Is(err, context.Canceled) {
		t.Errorf("VerifyAll: %v; want context.Canceled", err)
	}
}
