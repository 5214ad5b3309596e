package limit

import (
	"context"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/storydesk/storydesk/internal/testenv"
)

func TestAllowCountsPerClientAndWindow(t *testing.T) {
	rdb := redis.NewClient(&redis.Options{Addr: testenv.RedisAddr(t)})
	t.Cleanup(func() { rdb.Close() })
	l := New(rdb, []byte("0123456789abcdef0123456789abcdef"))
	ctx := context.Background()
	bucket := "test-" + testenv.RandomHex(4)
	a, b := l.ClientKey("192.0.2.1"), l.ClientKey("192.0.2.2")
	if a == b || len(a) != 32 {
		t.Fatalf("client keys %q %q", a, b)
	}
	for i := 0; i < 3; i++ {
		ok, _, err := l.Allow(ctx, bucket, a, 3, time.Hour)
		if err != nil || !ok {
			t.Fatalf("request %d refused: %v", i, err)
		}
	}
	ok, retry, err := l.Allow(ctx, bucket, a, 3, time.Hour)
	if err != nil || ok || retry <= 0 || retry > time.Hour {
		t.Fatalf("4th request: ok=%v retry=%v err=%v", ok, retry, err)
	}
	if ok, _, _ := l.Allow(ctx, bucket, b, 3, time.Hour); !ok {
		t.Error("another client was limited too")
	}
	if ok, _, _ := l.Allow(ctx, bucket, a, 0, time.Hour); !ok {
		t.Error("limit 0 must mean unlimited")
	}
	// The address itself never reaches Redis.
	keys, err := rdb.Keys(ctx, "sd:rl:"+bucket+":*").Result()
	if err != nil || len(keys) != 2 {
		t.Fatalf("keys %v %v", keys, err)
	}
	for _, k := range keys {
		if ttl := rdb.TTL(ctx, k).Val(); ttl <= 0 {
			t.Errorf("%s has no TTL", k)
		}
	}
}

func TestClientKeyRotatesDaily(t *testing.T) {
	l := New(nil, []byte("0123456789abcdef0123456789abcdef"))
	day := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	l.now = func() time.Time { return day }
	k1 := l.ClientKey("192.0.2.1")
	l.now = func() time.Time { return day.Add(24 * time.Hour) }
	if k2 := l.ClientKey("192.0.2.1"); k1 == k2 {
		t.Error("client key did not change the next day")
	}
}

// TestClientKeyIPv6Prefix: an IPv6 client is known by its /64 (one home or
// one server gets a whole /64, so rotating inside it must not reset the
// counters), and an IPv4-mapped IPv6 address is the IPv4 client it maps.
func TestClientKeyIPv6Prefix(t *testing.T) {
	l := New(nil, []byte("0123456789abcdef0123456789abcdef"))
	for _, tc := range []struct {
		a, b string
		same bool
	}{
		{"2001:db8:1:2::1", "2001:db8:1:2:ffff:ffff:ffff:fffe", true},
		{"2001:db8:1:2::1", "2001:DB8:1:2:0:0:0:9", true},
		{"fe80::1%eth0", "fe80::2", true},
		{"2001:db8:1:2::1", "2001:db8:1:3::1", false},
		{"::ffff:192.0.2.1", "192.0.2.1", true},
		{"::ffff:192.0.2.1", "::ffff:192.0.2.2", false},
		{"192.0.2.1", "192.0.2.2", false},
		{"192.0.2.1", "::ffff:c000:201", true},
	} {
		if got := l.ClientKey(tc.a) == l.ClientKey(tc.b); got != tc.same {
			t.Errorf("ClientKey(%s) == ClientKey(%s): %v, want %v", tc.a, tc.b, got, tc.same)
		}
	}
}

// TestUndoAndOver: an event taken back frees its place, and Over only
// looks: asking never uses up the limit.
func TestUndoAndOver(t *testing.T) {
	rdb := redis.NewClient(&redis.Options{Addr: testenv.RedisAddr(t)})
	t.Cleanup(func() { rdb.Close() })
	l := New(rdb, []byte("0123456789abcdef0123456789abcdef"))
	ctx := context.Background()
	bucket, key := "test-"+testenv.RandomHex(4), l.ClientKey("192.0.2.9")
	for i := 0; i < 5; i++ {
		if over, _, err := l.Over(ctx, bucket, key, 2, time.Hour); over || err != nil {
			t.Fatalf("Over before any event: %v %v", over, err)
		}
	}
	for i := 0; i < 5; i++ { // three taken back, two counted
		if ok, _, err := l.Allow(ctx, bucket, key, 2, time.Hour); !ok || err != nil {
			t.Fatalf("event %d refused: %v", i, err)
		}
		if i < 3 {
			if err := l.Undo(ctx, bucket, key, time.Hour); err != nil {
				t.Fatal(err)
			}
		}
	}
	over, retry, err := l.Over(ctx, bucket, key, 2, time.Hour)
	if !over || retry <= 0 || err != nil {
		t.Fatalf("after two counted events Over = %v, %v, %v", over, retry, err)
	}
	if ok, _, _ := l.Allow(ctx, bucket, key, 2, time.Hour); ok {
		t.Error("a third event was allowed")
	}
}
