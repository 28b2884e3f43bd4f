package dkim_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"fmt"
	"strings"
	"time"

	"github.com/domainauth/domainauth"
	"github.com/domainauth/domainauth/dkim"
)

// rfc8032Key is the RFC 8032 section 7.1 TEST 1 key, used by RFC 8463
// Appendix A, so that the examples print stable output.
func rfc8032Key() ed25519.PrivateKey {
	seed, _ := base64.StdEncoding.DecodeString("nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=")
	return ed25519.NewKeyFromSeed(seed)
}

func ExampleGenerateKey() {
	// A fixed "random" source makes this Ed25519 key reproducible (the
	// RFC 8032 test seed); use crypto/rand.Reader in production.
	seed, _ := base64.StdEncoding.DecodeString("nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=")
	priv, rec, err := dkim.GenerateKey(dkim.KeyEd25519, 0, bytes.NewReader(seed))
	if err != nil {
		panic(err)
	}
	fmt.Println("publish at brisbane._domainkey.football.example.com:")
	fmt.Println(rec)
	fmt.Println("matches private key:", rec.Matches(priv))

	// What a customer published, pasted from a zone file with its quotes:
	_, err = dkim.ParseKey(`"` + rec.String() + `"`)
	fmt.Println(err)
	// Output:
	// publish at brisbane._domainkey.football.example.com:
	// v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=
	// matches private key: true
	// dkim: key record at offset 0: malformed DKIM key record: literal double quotes in the value (remove the quotes)
}

const exampleMessage = "From: Joe SixPack <joe@football.example.com>\r\n" +
	"To: Suzie Q <suzie@shopping.example.net>\r\n" +
	"Subject: Is dinner ready?\r\n" +
	"\r\n" +
	"Hi.\r\n"

func ExampleSign() {
	fields, err := dkim.Sign(strings.NewReader(exampleMessage), dkim.SignOptions{
		Domain:   "football.example.com",
		Selector: "brisbane",
		Key:      rfc8032Key(),
		Headers:  []string{"From", "To", "Subject", "From"},
		Now:      func() time.Time { return time.Unix(1528637909, 0) },
	})
	if err != nil {
		panic(err)
	}
	fmt.Print(strings.ReplaceAll(fields, "\r\n", "\n"))
	// Output:
	// DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed;
	// 	d=football.example.com; s=brisbane; t=1528637909; h=From:To:Subject:
	// 	From; bh=UrA8rmgY3eNBotmDWtzAmHyn5RyZv8Gea45sNGsP0zw=; b=uyT9vd9TERbTu
	// 	3WcymrrdVfwgYvzPzdjEMr5dvZ33nk8rA9pdvd2d3rk9K9ZqGPaGOG1/PLVIZSstK/za3L
	// 	vBw==
}

func ExampleVerifier_Verify() {
	// The output of ExampleSign, as it arrives at the receiver.
	signed := "DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed;\r\n" +
		"\td=football.example.com; s=brisbane; t=1528637909; h=From:To:Subject:\r\n" +
		"\tFrom; bh=UrA8rmgY3eNBotmDWtzAmHyn5RyZv8Gea45sNGsP0zw=; b=uyT9vd9TERbTu\r\n" +
		"\t3WcymrrdVfwgYvzPzdjEMr5dvZ33nk8rA9pdvd2d3rk9K9ZqGPaGOG1/PLVIZSstK/za3L\r\n" +
		"\tvBw==\r\n" +
		exampleMessage
	v := dkim.Verifier{Resolver: domainauth.MustFakeResolver(`
brisbane._domainkey.football.example.com. 300 IN TXT "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="
`)}
	for _, msg := range []string{signed, strings.Replace(signed, "Hi.", "Hi!", 1)} {
		results, err := v.Verify(context.Background(), strings.NewReader(msg))
		if err != nil {
			panic(err)
		}
		for _, r := range results {
			fmt.Printf("dkim=%s header.d=%s", r.Status, r.Domain())
			if r.Err != nil {
				fmt.Printf(" (%v)", r.Err)
			}
			fmt.Println()
		}
	}
	// Output:
	// dkim=pass header.d=football.example.com
	// dkim=fail header.d=football.example.com (body hash mismatch)
}
