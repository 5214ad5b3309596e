package e2e_test

import (
	"sync"
	"testing"

	"github.com/storydesk/storydesk/internal/auth"
)

// passwordHashes holds one argon2id hash per password for the whole run.
// Each hash costs a fifth of a second of CPU and 64 MiB, and nearly every
// test creates an account with the same password; the hash is the
// production one (same parameters, same code), only its salt is shared
// between the tests' throwaway accounts. Signing in still checks it in full.
var passwordHashes struct {
	mu     sync.Mutex
	byText map[string]string
}

// passwordHash returns auth.HashPassword(pw), computed once per password.
func passwordHash(t testing.TB, pw string) string {
	t.Helper()
	h := &passwordHashes
	h.mu.Lock()
	defer h.mu.Unlock()
	if hash, ok := h.byText[pw]; ok {
		return hash
	}
	hash, err := auth.HashPassword(pw)
	if err != nil {
		t.Fatal(err)
	}
	if h.byText == nil {
		h.byText = map[string]string{}
	}
	h.byText[pw] = hash
	return hash
}
