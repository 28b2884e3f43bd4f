package dkim

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/domainauth/domainauth/internal/tagvalue"
)

// KeyType is the k= tag of a key record: the family of the public key.
type KeyType string

// The key types this package knows. RFC 6376 section 3.6.1 defines rsa (the
// default when k= is absent); RFC 8463 adds ed25519.
const (
	KeyRSA     KeyType = "rsa"
	KeyEd25519 KeyType = "ed25519"
)

// Key is a DKIM public key record (RFC 6376 section 3.6.1), the TXT value
// published at <selector>._domainkey.<domain>:
//
//	v=DKIM1; k=rsa; t=s; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA...
//
// Tags this package does not know (including g=, which RFC 6376 dropped)
// are ignored, so String does not write them back.
type Key struct {
	// Type is k=, KeyRSA when the tag is absent.
	Type KeyType
	// HashAlgorithms is h=, the hash algorithms the key may be used with
	// ("sha256"); nil means any. Unknown names are kept.
	HashAlgorithms []string
	// Services is s=, the service types ("email", "*"); nil means "*".
	Services []string
	// Testing is the y flag of t=: the domain is testing DKIM, verifiers
	// must not treat its mail differently from unsigned mail.
	Testing bool
	// Strict is the s flag of t=: the domain of i= in a signature must be
	// exactly d=, not a subdomain of it.
	Strict bool
	// Notes is n=, decoded from DKIM quoted-printable. Not for machines.
	Notes string
	// Data is p=, decoded from base64: a DER SubjectPublicKeyInfo for RSA
	// (a bare PKCS#1 RSAPublicKey is accepted too), the raw 32 bytes for
	// Ed25519. Empty means the key was revoked.
	Data []byte
}

// Errors from ParseKey. The first four are the mistakes people make when
// they publish a key by hand; the others are plain syntax errors. All of
// them wrap ErrKeySyntax, so errors.Is(err, ErrKeySyntax) says "this is not
// a usable key record" whatever the reason.
var (
	ErrKeySyntax = errors.New("malformed DKIM key record")

	// ErrKeyQuoted: the value contains double quotes, usually the
	// quotes of a zone file pasted into a web form that adds its own.
	ErrKeyQuoted = fmt.Errorf("%w: literal double quotes in the value (remove the quotes)", ErrKeySyntax)
	// ErrKeyEscapedSemicolon: "\;" was published literally; the
	// backslash belongs to zone-file syntax, not to the record.
	ErrKeyEscapedSemicolon = fmt.Errorf(`%w: escaped semicolon "\;" published literally (use ";")`, ErrKeySyntax)
	// ErrKeyTruncated: p= does not decode to a complete key, typically
	// because the record was cut at 255 characters.
	ErrKeyTruncated = fmt.Errorf("%w: key data is truncated", ErrKeySyntax)
	// ErrKeyPEM: a PEM header or footer ("-----BEGIN PUBLIC KEY-----")
	// was pasted into p=; only the base64 between them belongs there.
	ErrKeyPEM = fmt.Errorf("%w: PEM armour pasted into the record (publish only the base64 between the BEGIN and END lines)", ErrKeySyntax)

	// ErrKeyVersion: v= is present but is not "DKIM1", or is not the first tag.
	ErrKeyVersion = fmt.Errorf("%w: v= must be DKIM1 and come first", ErrKeySyntax)
	// ErrKeyType: k= names a key type this package does not know.
	ErrKeyType = fmt.Errorf("%w: unknown key type", ErrKeySyntax)
	// ErrKeyNoData: the p= tag is missing (an empty p= is a revocation, not an error).
	ErrKeyNoData = fmt.Errorf("%w: missing p= tag", ErrKeySyntax)
	// ErrKeyData: p= is not valid base64 or not a public key of type k=.
	ErrKeyData = fmt.Errorf("%w: invalid key data", ErrKeySyntax)
)

// MaxKeyRecordLength bounds the record ParseKey reads. A 4096-bit RSA key
// takes about 740 characters; 8 KiB leaves room for anything real.
const MaxKeyRecordLength = 8 << 10

// ParseKey parses the TXT value of a DKIM key record (the character
// strings of the TXT record joined, as net.Resolver.LookupTXT returns
// them). It checks the syntax and that p= holds a public key of type k=;
// it does not judge the key size (Verify does, per RFC 8301).
//
// The errors wrap ErrKeySyntax and, for the common publishing mistakes, a
// more precise sentinel (ErrKeyQuoted, ErrKeyEscapedSemicolon,
// ErrKeyTruncated, ErrKeyPEM); they are *SyntaxError values giving the
// tag and offset.
func ParseKey(txt string) (*Key, error) {
	k, err := parseKey(txt, nil)
	if err != nil {
		return nil, err // not a nil *SyntaxError in a non-nil error
	}
	return k, nil
}

// parseKey is ParseKey; when pub is not nil and the key is not revoked,
// it also stores the decoded public key there, so that a verifier need
// not decode it again.
func parseKey(txt string, pub *crypto.PublicKey) (*Key, *SyntaxError) {
	if len(txt) > MaxKeyRecordLength {
		return nil, &SyntaxError{In: inKey, Offset: MaxKeyRecordLength, Err: fmt.Errorf("%w: longer than %d bytes", ErrKeySyntax, MaxKeyRecordLength)}
	}
	// The publishing mistakes first: they would otherwise surface as
	// confusing syntax errors further down.
	if i := strings.IndexByte(txt, '"'); i >= 0 {
		return nil, &SyntaxError{In: inKey, Offset: i, Err: ErrKeyQuoted}
	}
	if i := strings.Index(txt, `\;`); i >= 0 {
		return nil, &SyntaxError{In: inKey, Offset: i, Err: ErrKeyEscapedSemicolon}
	}
	if i := strings.Index(txt, "-----"); i >= 0 {
		return nil, &SyntaxError{In: inKey, Tag: "p", Offset: i, Err: ErrKeyPEM}
	}
	var tags [8]tagvalue.Tag // the tags of an ordinary record, on the stack
	list, err := tagvalue.AppendParse(tags[:0], txt)
	if err != nil {
		var se *tagvalue.SyntaxError
		if errors.As(err, &se) {
			return nil, &SyntaxError{In: inKey, Tag: se.Tag, Offset: se.Offset, Err: fmt.Errorf("%w: %w", ErrKeySyntax, se.Err)}
		}
		return nil, &SyntaxError{In: inKey, Offset: -1, Err: fmt.Errorf("%w: %w", ErrKeySyntax, err)}
	}
	k := &Key{Type: KeyRSA}
	var data string
	haveData := false
	for i, t := range list {
		switch t.Name {
		case "v":
			// RFC 6376 section 3.6.1: if present, v= must be the first tag.
			if i != 0 || t.Value != "DKIM1" {
				return nil, &SyntaxError{In: inKey, Tag: "v", Offset: t.Offset, Err: ErrKeyVersion}
			}
		case "k":
			switch KeyType(t.Value) {
			case KeyRSA, KeyEd25519:
				k.Type = KeyType(t.Value)
			default:
				return nil, &SyntaxError{In: inKey, Tag: "k", Offset: t.Offset, Err: fmt.Errorf("%w %q", ErrKeyType, t.Value)}
			}
		case "h":
			k.HashAlgorithms = splitColonList(t.Value)
		case "s":
			k.Services = splitColonList(t.Value)
		case "t":
			for _, f := range splitColonList(t.Value) {
				switch f {
				case "y":
					k.Testing = true
				case "s":
					k.Strict = true
				}
			}
		case "n":
			n, err := decodeQP(t.Value)
			if err != nil {
				return nil, &SyntaxError{In: inKey, Tag: "n", Offset: t.Offset, Err: fmt.Errorf("%w: %w", ErrKeySyntax, err)}
			}
			k.Notes = n
		case "p":
			data, haveData = t.Value, true
		}
	}
	if !haveData {
		return nil, &SyntaxError{In: inKey, Offset: -1, Err: ErrKeyNoData}
	}
	off := -1
	if t, ok := tagOf(list, "p"); ok {
		off = t.Offset
	}
	b, err := decodeBase64(data)
	if err != nil {
		return nil, &SyntaxError{In: inKey, Tag: "p", Offset: off, Err: err}
	}
	k.Data = b
	if len(b) > 0 {
		p, err := k.PublicKey()
		if err != nil {
			return nil, &SyntaxError{In: inKey, Tag: "p", Offset: off, Err: err}
		}
		if pub != nil {
			*pub = p
		}
	}
	return k, nil
}

func tagOf(l tagvalue.List, name string) (tagvalue.Tag, bool) {
	for _, t := range l {
		if t.Name == name {
			return t, true
		}
	}
	return tagvalue.Tag{}, false
}

// splitColonList splits a colon-separated tag value, dropping whitespace
// and empty elements.
func splitColonList(s string) []string {
	var out []string
	// One pass, by hand: this runs for every h= of every message, where
	// strings.Cut, Trim and ContainsAny per name cost a third of parsing
	// the whole signature.
	for i := 0; i <= len(s); {
		j := strings.IndexByte(s[i:], ':')
		if j < 0 {
			j = len(s)
		} else {
			j += i
		}
		// FWS around a name is cut off without a copy; only FWS inside
		// one (a name folded in its middle) needs stripFWS.
		a, b := i, j
		for a < b && isWSPorEOL(s[a]) {
			a++
		}
		for b > a && isWSPorEOL(s[b-1]) {
			b--
		}
		part := s[a:b]
		for k := 1; k < len(part)-1; k++ {
			if isWSPorEOL(part[k]) {
				part = stripFWS(part)
				break
			}
		}
		if part != "" {
			if out == nil {
				out = make([]string, 0, strings.Count(s, ":")+1)
			}
			out = append(out, part)
		}
		i = j + 1
	}
	return out
}

// stripFWS removes every space, tab, CR and LF from s.
func stripFWS(s string) string {
	// wordRun finds the first of them eight bytes at a time; most values
	// (d=, s=, a=, t=) have none, and are short: strings.ContainsAny
	// built its byte set on every call, which cost more than the scan.
	i := wordRun(s)
	if i == len(s) {
		return s
	}
	b := make([]byte, i, len(s))
	copy(b, s[:i])
	for ; i < len(s); i++ {
		if c := s[i]; c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			b = append(b, c)
		}
	}
	return string(b)
}

// decodeBase64 decodes a base64 tag value in which folding whitespace may
// appear anywhere. A value whose length is not a multiple of four is
// reported as truncated: that is what a record cut at a string boundary
// looks like.
func decodeBase64(s string) ([]byte, error) {
	b, n, err := decodeBase64FWS(s)
	if err == nil {
		return b, nil
	}
	var ce base64.CorruptInputError
	if errors.As(err, &ce) && int(ce) >= n-2 && n%4 != 0 {
		return nil, fmt.Errorf("%w: base64 ends after %d characters, mid-quantum", ErrKeyTruncated, n)
	}
	return nil, fmt.Errorf("%w: %w", ErrKeyData, err)
}

// decodeBase64FWS is base64.StdEncoding.DecodeString(stripFWS(s)) with one
// allocation, for the decoded bytes, where s is short enough for the
// stripped text to be kept on the stack. It also returns the length of
// the stripped text (errors are offsets into it).
func decodeBase64FWS(s string) ([]byte, int, error) {
	return appendBase64FWS(nil, s)
}

// appendBase64FWS is decodeBase64FWS appending the decoded bytes to dst,
// which it returns; it allocates only when dst has no room for them.
func appendBase64FWS(dst []byte, s string) ([]byte, int, error) {
	var buf [1024]byte
	src := buf[:0]
	if len(s) > len(buf) {
		src = make([]byte, 0, len(s))
	}
	// Copy the runs between the white space whole, finding their ends
	// eight bytes at a time with wordRun. A control character is part of
	// a run (and copied, for Decode to refuse), as it is not FWS.
	for i := 0; i < len(s); {
		j := i + wordRun(s[i:])
		src = append(src, s[i:j]...)
		for j < len(s) && isWSPorEOL(s[j]) {
			j++
		}
		i = j
	}
	start := len(dst)
	dst = slices.Grow(dst, base64.StdEncoding.DecodedLen(len(src)))
	n, err := base64.StdEncoding.Decode(dst[start:cap(dst)], src)
	if err != nil {
		return nil, len(src), err
	}
	return dst[:start+n], len(src), nil
}

// Revoked reports whether the record revokes its key (an empty p=,
// RFC 6376 section 3.6.1).
func (k *Key) Revoked() bool { return len(k.Data) == 0 }

// PublicKey decodes Data into an *rsa.PublicKey or an ed25519.PublicKey.
// It fails for a revoked key, for data that is not a key of type Type, and
// (ErrKeyTruncated) for data that stops short of a complete key.
func (k *Key) PublicKey() (crypto.PublicKey, error) {
	if k.Revoked() {
		return nil, ErrKeyRevoked
	}
	switch k.Type {
	case KeyRSA, "":
		return parseRSAPublicKey(k.Data)
	case KeyEd25519:
		switch {
		case len(k.Data) == ed25519.PublicKeySize:
			return ed25519.PublicKey(k.Data), nil
		case len(k.Data) < ed25519.PublicKeySize:
			return nil, fmt.Errorf("%w: ed25519 key has %d bytes, want %d", ErrKeyTruncated, len(k.Data), ed25519.PublicKeySize)
		case len(k.Data) == 44 && k.Data[0] == 0x30:
			return nil, fmt.Errorf("%w: ed25519 key is wrapped in SubjectPublicKeyInfo; RFC 8463 wants the bare 32 bytes", ErrKeyData)
		default:
			return nil, fmt.Errorf("%w: ed25519 key has %d bytes, want %d", ErrKeyData, len(k.Data), ed25519.PublicKeySize)
		}
	default:
		return nil, fmt.Errorf("%w %q", ErrKeyType, k.Type)
	}
}

func parseRSAPublicKey(der []byte) (*rsa.PublicKey, error) {
	if pub, err := x509.ParsePKIXPublicKey(der); err == nil {
		rk, ok := pub.(*rsa.PublicKey)
		if !ok {
			return nil, fmt.Errorf("%w: k=rsa but p= holds a %T", ErrKeyData, pub)
		}
		return rk, nil
	}
	// Some signers publish a bare PKCS#1 RSAPublicKey; accept it.
	if rk, err := x509.ParsePKCS1PublicKey(der); err == nil {
		return rk, nil
	}
	if derTruncated(der) {
		return nil, fmt.Errorf("%w: DER structure announces more bytes than the %d present", ErrKeyTruncated, len(der))
	}
	return nil, fmt.Errorf("%w: not an RSA public key (SubjectPublicKeyInfo or PKCS#1)", ErrKeyData)
}

// derTruncated reports whether der starts with a SEQUENCE whose declared
// length runs past the end of the data.
func derTruncated(der []byte) bool {
	if len(der) < 2 || der[0] != 0x30 {
		return false
	}
	n := int(der[1])
	hdr := 2
	if n&0x80 != 0 {
		l := n & 0x7f
		if l == 0 || l > 3 || len(der) < 2+l {
			return len(der) < 2+l
		}
		n = 0
		for _, c := range der[2 : 2+l] {
			n = n<<8 | int(c)
		}
		hdr += l
	}
	return hdr+n > len(der)
}

// Bits returns the size of an RSA key in bits, 256 for Ed25519, and 0 when
// the key cannot be decoded.
func (k *Key) Bits() int {
	pub, err := k.PublicKey()
	if err != nil {
		return 0
	}
	return publicBits(pub)
}

// publicBits is Bits for a decoded public key.
func publicBits(pub crypto.PublicKey) int {
	switch p := pub.(type) {
	case *rsa.PublicKey:
		return p.N.BitLen()
	case ed25519.PublicKey:
		return 256
	}
	return 0
}

// AllowsHash reports whether h= permits the hash algorithm (e.g. "sha256").
func (k *Key) AllowsHash(name string) bool {
	if k.HashAlgorithms == nil {
		return true
	}
	for _, h := range k.HashAlgorithms {
		if h == name {
			return true
		}
	}
	return false
}

// AllowsEmail reports whether s= permits the key's use for email ("*" or "email").
func (k *Key) AllowsEmail() bool {
	if k.Services == nil {
		return true
	}
	for _, s := range k.Services {
		if s == "*" || s == "email" {
			return true
		}
	}
	return false
}

// String returns the record in canonical form: v=DKIM1 first, then k=,
// h=, s=, t=, n= when set, and p= last. ParseKey(k.String()) gives back k.
func (k *Key) String() string {
	var b strings.Builder
	b.WriteString("v=DKIM1; k=")
	if k.Type == "" {
		b.WriteString(string(KeyRSA))
	} else {
		b.WriteString(string(k.Type))
	}
	if k.HashAlgorithms != nil {
		b.WriteString("; h=")
		b.WriteString(strings.Join(k.HashAlgorithms, ":"))
	}
	if k.Services != nil {
		b.WriteString("; s=")
		b.WriteString(strings.Join(k.Services, ":"))
	}
	switch {
	case k.Testing && k.Strict:
		b.WriteString("; t=y:s")
	case k.Testing:
		b.WriteString("; t=y")
	case k.Strict:
		b.WriteString("; t=s")
	}
	if k.Notes != "" {
		b.WriteString("; n=")
		b.WriteString(encodeQP(k.Notes, false))
	}
	b.WriteString("; p=")
	b.WriteString(base64.StdEncoding.EncodeToString(k.Data))
	return b.String()
}

// SamePublicKey reports whether k and o hold the same public key, comparing
// the decoded keys rather than the text (so an RSA key published as PKCS#1
// equals the same key as SubjectPublicKeyInfo). Revoked or undecodable
// keys are never the same as anything.
func (k *Key) SamePublicKey(o *Key) bool {
	if k == nil || o == nil {
		return false
	}
	a, err := k.PublicKey()
	if err != nil {
		return false
	}
	b, err := o.PublicKey()
	if err != nil {
		return false
	}
	return equalPublic(a, b)
}

func equalPublic(a, b crypto.PublicKey) bool {
	eq, ok := a.(interface{ Equal(crypto.PublicKey) bool })
	return ok && eq.Equal(b)
}

// Matches reports whether the record publishes the public half of priv,
// i.e. whether mail signed with priv will verify against this record.
func (k *Key) Matches(priv crypto.Signer) bool {
	if k == nil || priv == nil {
		return false
	}
	pub, err := k.PublicKey()
	if err != nil {
		return false
	}
	return equalPublic(pub, priv.Public())
}

// NewKey returns the record for a public key: an *rsa.PublicKey (published
// as SubjectPublicKeyInfo) or an ed25519.PublicKey (the raw 32 bytes, RFC
// 8463). Pointers to ed25519.PublicKey are accepted too.
func NewKey(pub crypto.PublicKey) (*Key, error) {
	switch p := pub.(type) {
	case *rsa.PublicKey:
		der, err := x509.MarshalPKIXPublicKey(p)
		if err != nil {
			return nil, fmt.Errorf("dkim: encoding RSA public key: %w", err)
		}
		return &Key{Type: KeyRSA, Data: der}, nil
	case ed25519.PublicKey:
		if len(p) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("dkim: ed25519 public key has %d bytes, want %d", len(p), ed25519.PublicKeySize)
		}
		return &Key{Type: KeyEd25519, Data: append([]byte(nil), p...)}, nil
	case *ed25519.PublicKey:
		if p == nil {
			return nil, errors.New("dkim: nil ed25519 public key")
		}
		return NewKey(*p)
	default:
		return nil, fmt.Errorf("dkim: unsupported public key type %T (want *rsa.PublicKey or ed25519.PublicKey)", pub)
	}
}
