// Package auth hashes passwords and mints API tokens.
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"runtime"
	"strings"

	"github.com/alexedwards/argon2id"
)

// MinPasswordLen is the shortest password accepted for an account.
const MinPasswordLen = 12

// ErrWeakPassword means the password is too short.
var ErrWeakPassword = fmt.Errorf("auth: password must be at least %d characters", MinPasswordLen)

// params follow RFC 9106's second recommended option (64 MiB, 3 passes),
// with parallelism matched to the machine.
var params = &argon2id.Params{
	Memory:      64 * 1024,
	Iterations:  3,
	Parallelism: uint8(min(runtime.NumCPU(), 4)),
	SaltLength:  16,
	KeyLength:   32,
}

// HashPassword returns an argon2id hash of pw in the PHC string format.
func HashPassword(pw string) (string, error) {
	if len([]rune(pw)) < MinPasswordLen {
		return "", ErrWeakPassword
	}
	h, err := argon2id.CreateHash(pw, params)
	if err != nil {
		return "", fmt.Errorf("auth: hash password: %w", err)
	}
	return h, nil
}

// dummyHash is compared against when an account does not exist, so a login
// takes the same time whether or not the e-mail is known.
const dummyHash = "$argon2id$v=19$m=65536,t=3,p=2$x9dRw4eDzn5WXfBl27XTgg$LYBDxzYt388psYNu4ZZ7WdVFlc6f9g8KrI1PAwjdMxs"

// CheckPassword reports whether pw matches hash. An empty hash (no such
// account) is checked against a dummy hash to keep the timing the same.
func CheckPassword(pw, hash string) bool {
	if hash == "" {
		_, _ = argon2id.ComparePasswordAndHash(pw, dummyHash)
		return false
	}
	ok, err := argon2id.ComparePasswordAndHash(pw, hash)
	return err == nil && ok
}

// TokenPrefix marks StoryDesk API tokens, so secret scanners can find leaked ones.
const TokenPrefix = "sdt_"

// NewToken returns a new API token and the hash to store. Tokens carry 256
// random bits, so a plain SHA-256 is a sufficient hash.
func NewToken() (token, hash string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", fmt.Errorf("auth: token: %w", err)
	}
	token = TokenPrefix + base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token), nil
}

// HashToken is the stored form of a token.
func HashToken(token string) string {
	s := sha256.Sum256([]byte(token))
	return hex.EncodeToString(s[:])
}

// ErrNoToken means the Authorization header holds no bearer token.
var ErrNoToken = errors.New("auth: no bearer token")

// BearerToken extracts the token from an Authorization header value.
func BearerToken(header string) (string, error) {
	const p = "bearer "
	if len(header) <= len(p) || !strings.EqualFold(header[:len(p)], p) {
		return "", ErrNoToken
	}
	return strings.TrimSpace(header[len(p):]), nil
}
