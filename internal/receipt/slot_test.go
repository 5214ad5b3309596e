package receipt

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/storydesk/storydesk/internal/testenv"
)

// TestSlots: a kept receipt reads back only with its token, Redis holds
// neither the code nor the token, and the record expires and can be removed.
func TestSlots(t *testing.T) {
	rdb := redis.NewClient(&redis.Options{Addr: testenv.RedisAddr(t)})
	t.Cleanup(func() { rdb.Close() })
	h, err := NewHasher([]byte(strings.Repeat("k", 32)))
	if err != nil {
		t.Fatal(err)
	}
	s := NewSlots(rdb, h, time.Minute)
	ctx := context.Background()
	code, _ := New()
	token, err := s.Put(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s.Get(ctx, token); err != nil || got != code {
		t.Fatalf("Get = %q, %v; want %q", got, err, code)
	}
	other, _ := s.Put(ctx, code)
	// One character changed; a fixed replacement would equal the token
	// itself whenever its character already was that one.
	changed := "A"
	if other[0] == 'A' {
		changed = "B"
	}
	for _, bad := range []string{"", "x", changed + other[1:], strings.Repeat("A", 43)} {
		if got, err := s.Get(ctx, bad); !errors.Is(err, ErrNoSlot) {
			t.Errorf("token %q read %q, %v; want ErrNoSlot", bad, got, err)
		}
	}
	keys, _ := rdb.Keys(ctx, "sd:receipt-slot:*").Result()
	for _, k := range keys {
		v, _ := rdb.Get(ctx, k).Result()
		if strings.Contains(k+v, string(code)) || strings.Contains(k+v, token) {
			t.Errorf("Redis holds the code or the token in clear under %s", k)
		}
		if ttl := rdb.TTL(ctx, k).Val(); ttl <= 0 || ttl > time.Minute {
			t.Errorf("%s expires in %v", k, ttl)
		}
	}
	if err := s.Delete(ctx, token); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, token); !errors.Is(err, ErrNoSlot) {
		t.Errorf("after Delete: %v", err)
	}
}
