package auth

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// TOTP parameters: those every authenticator app understands.
const (
	totpPeriod = 30
	totpSkew   = 1 // one step either side, for clocks a little off
)

var totpOpts = totp.ValidateOpts{Period: totpPeriod, Skew: 0, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// dummyTOTPSecret is checked against when there is no real secret, so a
// failed second step takes the same time either way.
const dummyTOTPSecret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

// NewTOTP returns a fresh TOTP secret in base32, as authenticator apps take it.
func NewTOTP() (string, error) {
	k, err := totp.Generate(totp.GenerateOpts{Issuer: "StoryDesk", AccountName: "x", Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return "", fmt.Errorf("auth: new totp: %w", err)
	}
	return k.Secret(), nil
}

// TOTPURI is the otpauth:// URI of a secret (Key URI Format), for apps that
// take a pasted link or a scanned code.
func TOTPURI(issuer, account, secret string) string {
	v := url.Values{"secret": {secret}, "issuer": {issuer}, "algorithm": {"SHA1"}, "digits": {"6"}, "period": {"30"}}
	u := url.URL{Scheme: "otpauth", Host: "totp", Path: "/" + issuer + ":" + account, RawQuery: v.Encode()}
	return u.String()
}

// CheckTOTP reports whether code is right for secret at now, give or take one
// step, and which time step it matched (callers refuse a step already used).
// Every candidate step is computed whatever the outcome, and an empty secret
// is checked against a dummy, so timing says nothing.
func CheckTOTP(secret, code string, now time.Time) (step int64, ok bool) {
	real := secret != ""
	if !real {
		secret = dummyTOTPSecret
	}
	code = strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, code)
	base := now.Unix() / totpPeriod
	for d := int64(-totpSkew); d <= totpSkew; d++ {
		s := base + d
		want, err := totp.GenerateCodeCustom(secret, time.Unix(s*totpPeriod, 0), totpOpts)
		if err == nil && len(code) == len(want) && subtle.ConstantTimeCompare([]byte(code), []byte(want)) == 1 && !ok {
			step, ok = s, true
		}
	}
	return step, ok && real
}

// TOTPCode is the code for secret at t (for tests and tools).
func TOTPCode(secret string, t time.Time) (string, error) {
	return totp.GenerateCodeCustom(secret, t, totpOpts)
}

// Sealer encrypts TOTP secrets at rest with a key derived from the app
// secret, so a copy of the database alone does not give the second factors.
type Sealer struct{ aead cipher.AEAD }

// NewSealer derives the sealing key from the app secret.
func NewSealer(appSecret []byte) *Sealer {
	m := hmac.New(sha256.New, appSecret)
	m.Write([]byte("storydesk totp secret v1"))
	// A 32-byte key always makes an AES-256 block, and AES always makes a
	// GCM: neither call can fail here.
	block, _ := aes.NewCipher(m.Sum(nil))
	aead, _ := cipher.NewGCM(block)
	return &Sealer{aead: aead}
}

// Seal encrypts plain; userID is bound in, so a sealed secret copied to
// another account does not open.
func (s *Sealer) Seal(plain, userID string) (string, error) {
	nonce := make([]byte, s.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("auth: seal: %w", err)
	}
	return base64.RawStdEncoding.EncodeToString(s.aead.Seal(nonce, nonce, []byte(plain), []byte(userID))), nil
}

// ErrUnseal means a sealed value was damaged or sealed for someone else.
var ErrUnseal = errors.New("auth: cannot open sealed value")

// Open decrypts what Seal returned for the same userID.
func (s *Sealer) Open(sealed, userID string) (string, error) {
	raw, err := base64.RawStdEncoding.DecodeString(sealed)
	if err != nil || len(raw) < s.aead.NonceSize() {
		return "", ErrUnseal
	}
	n := s.aead.NonceSize()
	plain, err := s.aead.Open(nil, raw[:n], raw[n:], []byte(userID))
	if err != nil {
		return "", ErrUnseal
	}
	return string(plain), nil
}
