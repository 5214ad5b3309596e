package receipt

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// MinKeyLen is the shortest key NewHasher accepts: a full SHA-256 block of
// secret is what makes offline guessing of stored hashes hopeless.
const MinKeyLen = 32

// PurposeReceipt is the domain under which receipt codes are hashed.
const PurposeReceipt = "receipt"

// ErrShortKey is returned by NewHasher for a key under MinKeyLen bytes.
var ErrShortKey = errors.New("receipt: hasher key shorter than 32 bytes")

// Hasher computes keyed hashes (HMAC-SHA256) of receipt codes and other
// values that must be looked up without being stored in clear.
type Hasher struct {
	key []byte
}

// NewHasher returns a Hasher over a copy of key, which must hold at least
// MinKeyLen bytes.
func NewHasher(key []byte) (*Hasher, error) {
	if len(key) < MinKeyLen {
		return nil, fmt.Errorf("receipt: new hasher: %w", ErrShortKey)
	}
	// Copy so a caller reusing or zeroing its buffer cannot change our hashes.
	return &Hasher{key: append([]byte(nil), key...)}, nil
}

// Hash returns the hex HMAC-SHA256 of "receipt:" followed by the canonical
// code; this is the only form of a receipt code that is stored.
func (h *Hasher) Hash(c Code) string {
	return h.HashString(PurposeReceipt, string(c))
}

// HashString returns the hex HMAC-SHA256 of purpose+":"+s, for other values
// kept only as hashes (idempotency keys, rate-limit client keys). The purpose
// separates domains, so the same s hashed for two purposes gives unrelated
// values. Purposes are constants chosen in code; one that is empty or contains
// ":" would make domains ambiguous, and HashString panics on it.
func (h *Hasher) HashString(purpose, s string) string {
	if purpose == "" || strings.Contains(purpose, ":") {
		panic("receipt: hash purpose must be non-empty and free of ':'")
	}
	m := hmac.New(sha256.New, h.key)
	m.Write([]byte(purpose))
	m.Write([]byte{':'})
	m.Write([]byte(s))
	return hex.EncodeToString(m.Sum(nil))
}
