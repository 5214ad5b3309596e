package receipt

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// SlotTTL is how long a receipt page can be shown again after the
// submission: long enough to switch its language, print it or save it,
// short enough that a shared phone does not keep it.
const SlotTTL = 10 * time.Minute

// ErrNoSlot means the token names no receipt: it expired, was removed, or
// never existed.
var ErrNoSlot = errors.New("receipt: no receipt is kept for this token")

// Slots keep a receipt code for SlotTTL after a form submission, so the
// receipt page survives a reload, a change of language and a redirect
// without the code ever travelling in a URL or resting in clear. The code
// is encrypted (AES-256-GCM) under a key derived from a random token that
// only the submitter's cookie holds, and filed in Redis under the token's
// keyed hash: neither a copy of Redis nor the secret alone can read it.
type Slots struct {
	rdb redis.UniversalClient
	h   *Hasher
	ttl time.Duration
}

// NewSlots returns Slots in rdb, keyed by h.
func NewSlots(rdb redis.UniversalClient, h *Hasher, ttl time.Duration) *Slots {
	return &Slots{rdb: rdb, h: h, ttl: ttl}
}

// Put keeps code and returns the token that reads it back.
func (s *Slots) Put(ctx context.Context, code Code) (string, error) {
	raw := make([]byte, 32)
	rand.Read(raw)
	token := base64.RawURLEncoding.EncodeToString(raw)
	aead, name, err := s.open(token)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, aead.NonceSize())
	rand.Read(nonce)
	sealed := aead.Seal(nonce, nonce, []byte(code), []byte(name))
	if err := s.rdb.Set(ctx, name, sealed, s.ttl).Err(); err != nil {
		return "", fmt.Errorf("receipt: keep slot: %w", err)
	}
	return token, nil
}

// Get returns the code kept for token, or ErrNoSlot.
func (s *Slots) Get(ctx context.Context, token string) (Code, error) {
	aead, name, err := s.open(token)
	if err != nil {
		return "", err
	}
	sealed, err := s.rdb.Get(ctx, name).Bytes()
	if errors.Is(err, redis.Nil) {
		return "", ErrNoSlot
	}
	if err != nil {
		return "", fmt.Errorf("receipt: read slot: %w", err)
	}
	ns := aead.NonceSize()
	if len(sealed) < ns {
		return "", ErrNoSlot
	}
	plain, err := aead.Open(nil, sealed[:ns], sealed[ns:], []byte(name))
	if err != nil {
		return "", ErrNoSlot
	}
	return Parse(string(plain))
}

// Delete forgets the code kept for token.
func (s *Slots) Delete(ctx context.Context, token string) error {
	_, name, err := s.open(token)
	if err != nil {
		return err
	}
	if err := s.rdb.Del(ctx, name).Err(); err != nil {
		return fmt.Errorf("receipt: delete slot: %w", err)
	}
	return nil
}

// open derives the token's cipher and Redis key; a token that is not one
// Put made finds nothing.
func (s *Slots) open(token string) (cipher.AEAD, string, error) {
	if raw, err := base64.RawURLEncoding.DecodeString(token); err != nil || len(raw) != 32 {
		return nil, "", ErrNoSlot
	}
	key, err := hex.DecodeString(s.h.HashString("receipt-slot-key", token))
	if err != nil {
		return nil, "", fmt.Errorf("receipt: slot key: %w", err)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, "", fmt.Errorf("receipt: slot cipher: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, "", fmt.Errorf("receipt: slot cipher: %w", err)
	}
	return aead, "sd:receipt-slot:" + s.h.HashString("receipt-slot", token), nil
}
