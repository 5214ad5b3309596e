package auth

import (
	"errors"
	"strings"
	"testing"

	"github.com/alexedwards/argon2id"
)

func TestPassword(t *testing.T) {
	if _, err := HashPassword("short"); !errors.Is(err, ErrWeakPassword) {
		t.Fatalf("short password: got %v, want ErrWeakPassword", err)
	}
	h, err := HashPassword("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$") {
		t.Errorf("hash %q is not argon2id", h)
	}
	if !CheckPassword("correct horse battery staple", h) {
		t.Error("right password refused")
	}
	if CheckPassword("correct horse battery stapler", h) {
		t.Error("wrong password accepted")
	}
	if CheckPassword("anything at all here", "") {
		t.Error("missing account accepted")
	}
}

func TestToken(t *testing.T) {
	tok, hash, err := NewToken()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(tok, TokenPrefix) || len(tok) < 40 {
		t.Errorf("token %q too weak", tok)
	}
	if HashToken(tok) != hash || strings.Contains(hash, tok) {
		t.Error("hash mismatch")
	}
	tok2, _, _ := NewToken()
	if tok2 == tok {
		t.Error("tokens repeat")
	}
	for _, tt := range []struct {
		h    string
		want string
		err  bool
	}{
		{"Bearer abc", "abc", false},
		{"bearer  abc ", "abc", false},
		{"Basic abc", "", true},
		{"", "", true},
		{"Bearer ", "", true},
	} {
		got, err := BearerToken(tt.h)
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("BearerToken(%q) = %q, %v", tt.h, got, err)
		}
	}
}

func TestDummyHashIsReal(t *testing.T) {
	// A dummy that fails to decode would return at once and leak which accounts exist.
	if _, _, _, err := argon2id.DecodeHash(dummyHash); err != nil {
		t.Fatalf("dummy hash does not decode: %v", err)
	}
}
