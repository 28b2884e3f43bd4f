package dkim

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
)

// DefaultRSABits is the RSA key size GenerateKey uses when bits is 0.
const DefaultRSABits = 2048

// MinGenerateRSABits is the smallest RSA key GenerateKey makes. RFC 8301
// lets verifiers accept 1024-bit keys, but new keys should be 2048 bits or
// more: 1024-bit RSA is within reach of a well-funded attacker.
const MinGenerateRSABits = 2048

// MaxGenerateRSABits is the largest RSA key GenerateKey makes. A 4096-bit
// key's record (about 740 characters) still fits in one TXT record of
// several strings; larger keys are slow and rarely fit DNS host forms.
const MaxGenerateRSABits = 4096

// ErrKeySize is returned by GenerateKey for an RSA size it refuses.
var ErrKeySize = errors.New("dkim: unsupported RSA key size")

// GenerateKey makes a key pair of type kt and returns the private key and
// the record to publish. For KeyRSA, bits is the modulus size: 0 means
// DefaultRSABits, sizes from 2048 to 4096 in steps of 8 bits are
// accepted (1024 is refused, see MinGenerateRSABits). For KeyEd25519 bits
// must be 0 or 256. rand is the source of randomness (crypto/rand.Reader in
// production).
//
// Ed25519 keys are reproducible from a fixed reader (its first 32 bytes are
// the seed); RSA keys are not: since Go 1.26 crypto/rsa ignores rand and
// always draws from a secure source (unless GODEBUG=cryptocustomrand=1),
// and even then does not promise to use it deterministically.
func GenerateKey(kt KeyType, bits int, rand io.Reader) (crypto.Signer, *Key, error) {
	if rand == nil {
		return nil, nil, errors.New("dkim: GenerateKey needs a source of randomness")
	}
	switch kt {
	case KeyRSA, "":
		if bits == 0 {
			bits = DefaultRSABits
		}
		if bits < MinGenerateRSABits || bits > MaxGenerateRSABits || bits%8 != 0 {
			return nil, nil, fmt.Errorf("%w: %d bits (want %d to %d, a multiple of 8)", ErrKeySize, bits, MinGenerateRSABits, MaxGenerateRSABits)
		}
		priv, err := rsa.GenerateKey(rand, bits)
		if err != nil {
			return nil, nil, fmt.Errorf("dkim: generating RSA key: %w", err)
		}
		k, err := NewKey(&priv.PublicKey)
		if err != nil {
			return nil, nil, err
		}
		return priv, k, nil
	case KeyEd25519:
		if bits != 0 && bits != 256 {
			return nil, nil, fmt.Errorf("%w: ed25519 keys are 256 bits, not %d", ErrKeySize, bits)
		}
		pub, priv, err := ed25519.GenerateKey(rand)
		if err != nil {
			return nil, nil, fmt.Errorf("dkim: generating ed25519 key: %w", err)
		}
		k, err := NewKey(pub)
		if err != nil {
			return nil, nil, err
		}
		return priv, k, nil
	default:
		return nil, nil, fmt.Errorf("dkim: cannot generate a key of type %q", kt)
	}
}

// MarshalPrivateKeyPEM encodes an RSA or Ed25519 private key as a PKCS#8
// "PRIVATE KEY" PEM block, the form OpenSSL and most mail servers read.
func MarshalPrivateKeyPEM(priv crypto.Signer) ([]byte, error) {
	switch p := priv.(type) {
	case *rsa.PrivateKey, ed25519.PrivateKey:
	case *ed25519.PrivateKey:
		priv = *p
	default:
		return nil, fmt.Errorf("dkim: unsupported private key type %T", priv)
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, fmt.Errorf("dkim: encoding private key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// ParsePrivateKeyPEM decodes the first PEM block of data: PKCS#8
// ("PRIVATE KEY", RSA or Ed25519) or PKCS#1 ("RSA PRIVATE KEY"). It
// returns an *rsa.PrivateKey or an ed25519.PrivateKey. Encrypted PEM is
// not supported.
func ParsePrivateKeyPEM(data []byte) (crypto.Signer, error) {
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, errors.New("dkim: no PEM block found")
	}
	switch block.Type {
	case "RSA PRIVATE KEY":
		k, err := x509.ParsePKCS1PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("dkim: parsing PKCS#1 private key: %w", err)
		}
		return k, nil
	case "PRIVATE KEY":
		k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("dkim: parsing PKCS#8 private key: %w", err)
		}
		switch k := k.(type) {
		case *rsa.PrivateKey:
			return k, nil
		case ed25519.PrivateKey:
			return k, nil
		default:
			return nil, fmt.Errorf("dkim: unsupported private key type %T", k)
		}
	default:
		return nil, fmt.Errorf("dkim: unsupported PEM block type %q", block.Type)
	}
}
