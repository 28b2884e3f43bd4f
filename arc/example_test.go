package arc_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/domainauth/domainauth"
	"github.com/domainauth/domainauth/arc"
	"github.com/domainauth/domainauth/dkim"
)

// Seal a message as a forwarder (a mailing list) that changes it, and
// validate the chain at the next hop.
func ExampleSealer_SealChain() {
	key, rec, _ := dkim.GenerateKey(dkim.KeyEd25519, 0, bytes.NewReader(make([]byte, 32)))
	resolver := domainauth.MustFakeResolver(`arc._domainkey.lists.example.org. 300 IN TXT "` + rec.String() + `"`)
	sealer := arc.Sealer{
		Domain: "lists.example.org", Selector: "arc", Key: key,
		AuthServID: "lists.example.org",
		Verifier:   arc.Verifier{Resolver: resolver},
		Now:        func() time.Time { return time.Unix(1_700_000_000, 0) },
	}
	msg := "From: alice@example.com\r\nTo: team@lists.example.org\r\nSubject: hello\r\n\r\nHi all.\r\n"
	ctx := context.Background()

	// On arrival: validate the chain (none here) and record the results.
	arrival, _ := sealer.Verifier.Verify(ctx, strings.NewReader(msg))
	results := "lists.example.org; arc=" + arrival.Status.String() + "; dkim=pass header.d=example.com"
	// The list changes the message, then seals it.
	msg = strings.Replace(msg, "Subject: ", "Subject: [team] ", 1) + "-- \r\nteam list\r\n"
	set, err := sealer.SealChain(ctx, strings.NewReader(msg), arrival, results)
	if err != nil {
		fmt.Println(err)
		return
	}
	msg = set.HeaderFields() + msg
	fmt.Println("sealed i=", set.Instance, "cv=", set.ChainValidation)

	// At the next hop.
	res, _ := arc.Verify(ctx, resolver, strings.NewReader(msg))
	fmt.Println("chain:", res.Status, "sealer:", res.Sealer())
	fmt.Println("the list saw:", res.Sets[0].AuthResults.Results)
	// Output:
	// sealed i= 1 cv= none
	// chain: pass sealer: lists.example.org
	// the list saw: lists.example.org; arc=none; dkim=pass header.d=example.com
}
