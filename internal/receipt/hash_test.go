package receipt

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
)

func testKey(fill byte) []byte {
	return []byte(strings.Repeat(string(rune(fill)), MinKeyLen))
}

func TestNewHasherKeyLength(t *testing.T) {
	tests := []struct {
		name    string
		key     []byte
		wantErr bool
	}{
		{"nil", nil, true},
		{"31 bytes", testKey('k')[:31], true},
		{"32 bytes", testKey('k'), false},
		{"64 bytes", append(testKey('k'), testKey('j')...), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := NewHasher(tt.key)
			if tt.wantErr {
				if !errors.Is(err, ErrShortKey) || h != nil {
					t.Fatalf("NewHasher = %v, %v; want nil, ErrShortKey", h, err)
				}
				return
			}
			if err != nil || h == nil {
				t.Fatalf("NewHasher = %v, %v; want a hasher", h, err)
			}
		})
	}
}

func TestHash(t *testing.T) {
	const code Code = "K7QH3M9TXW2P84RD"
	h1, err := NewHasher(testKey('a'))
	if err != nil {
		t.Fatal(err)
	}
	h1again, err := NewHasher(testKey('a'))
	if err != nil {
		t.Fatal(err)
	}
	h2, err := NewHasher(testKey('b'))
	if err != nil {
		t.Fatal(err)
	}

	// The stored format is a contract with the database: pin it.
	mac := hmac.New(sha256.New, testKey('a'))
	mac.Write([]byte("receipt:" + string(code)))
	wantHex := hex.EncodeToString(mac.Sum(nil))

	tests := []struct {
		name      string
		a, b      string
		wantEqual bool
	}{
		{"matches the documented HMAC", h1.Hash(code), wantHex, true},
		{"stable for the same key", h1.Hash(code), h1again.Hash(code), true},
		{"parsed and new forms agree", h1.Hash(mustParse(t, "k7qh-3m9t-xw2p-84rd")), h1.Hash(code), true},
		{"same as HashString under the receipt purpose", h1.HashString(PurposeReceipt, string(code)), h1.Hash(code), true},
		{"differs for another key", h1.Hash(code), h2.Hash(code), false},
		{"differs for another code", h1.Hash(code), h1.Hash("K7QH3M9TXW2P84R0"), false},
		{"differs for another purpose", h1.HashString("idempotency", "x"), h1.HashString("ratelimit", "x"), false},
		{"purpose is not the receipt domain", h1.HashString("idempotency", string(code)), h1.Hash(code), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if (tt.a == tt.b) != tt.wantEqual {
				t.Errorf("hashes %q and %q: equal = %v, want %v", tt.a, tt.b, tt.a == tt.b, tt.wantEqual)
			}
			if len(tt.a) != 64 {
				t.Errorf("hash %q is %d hex digits, want 64", tt.a, len(tt.a))
			}
		})
	}
}

func TestHasherCopiesKey(t *testing.T) {
	key := testKey('a')
	h, err := NewHasher(key)
	if err != nil {
		t.Fatal(err)
	}
	before := h.Hash("K7QH3M9TXW2P84RD")
	for i := range key {
		key[i] = 0
	}
	if after := h.Hash("K7QH3M9TXW2P84RD"); after != before {
		t.Errorf("hash changed after the caller zeroed its key: %q then %q", before, after)
	}
}

func TestHashStringRejectsAmbiguousPurpose(t *testing.T) {
	h, err := NewHasher(testKey('a'))
	if err != nil {
		t.Fatal(err)
	}
	for _, purpose := range []string{"", "rate:limit"} {
		t.Run(purpose, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("HashString(%q, ...) did not panic", purpose)
				}
			}()
			h.HashString(purpose, "x")
		})
	}
}

func mustParse(t *testing.T, s string) Code {
	t.Helper()
	c, err := Parse(s)
	if err != nil {
		t.Fatalf("Parse(%q): %v", s, err)
	}
	return c
}
