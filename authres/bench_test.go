package authres_test

import (
	"testing"

	"github.com/domainauth/domainauth/authres"
)

// benchFields are typical fields: a border MTA's three methods, and a
// field with comments, quoted strings and folding.
var benchFields = map[string]string{
	"typical": "mx.example.net;\r\n" +
		"\tspf=pass smtp.mailfrom=b-123@bounce.esp.example;\r\n" +
		"\tdkim=pass header.d=example.com header.s=sel1 header.a=rsa-sha256\r\n" +
		"\theader.b=oINEO8hg;\r\n" +
		"\tdmarc=pass (p=reject dis=none) header.from=example.com",
	"comments": rfc8601[8].field,
	"quoted":   `mx.example.net; dkim=fail reason="key \"sel1\" revoked" header.i="john doe"@example.com header.b="gfT/i2HB"`,
}

var sink any

func BenchmarkParse(b *testing.B) {
	for name, f := range benchFields {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(f)))
			for b.Loop() {
				h, err := authres.Parse(f)
				if err != nil {
					b.Fatal(err)
				}
				sink = h
			}
		})
	}
}

func BenchmarkString(b *testing.B) {
	for name, f := range benchFields {
		h, err := authres.Parse(f)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sink = h.String()
			}
		})
	}
}

func BenchmarkField(b *testing.B) {
	h, err := authres.Parse(benchFields["typical"])
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		sink = h.Field()
	}
}
