package limit

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/storydesk/storydesk/internal/testenv"
)

// TestBackoff drives the sign-in throttle on real Redis with a clock the
// test moves: free failures, doubling waits, forgetting, successes that do
// not count, and the account ceiling that spares clients without failures.
func TestBackoff(t *testing.T) {
	rdb := redis.NewClient(&redis.Options{Addr: testenv.RedisAddr(t)})
	t.Cleanup(func() { rdb.Close() })
	l := New(rdb, []byte("0123456789abcdef0123456789abcdef"))
	now := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	l.SetClock(func() time.Time { return now })
	ctx := context.Background()
	b := Backoff{Free: 3, Base: 2 * time.Second, Max: 10 * time.Second, Forget: time.Hour, Ceiling: 100}
	bucket := "test-" + testenv.RandomHex(4)
	try := func(client, account string) time.Duration {
		t.Helper()
		_, wait, err := l.Begin(ctx, bucket, b, l.ClientKey(client), l.Key(account))
		if err != nil {
			t.Fatal(err)
		}
		return wait
	}

	// Three free failures, then waits of 2, 4, 8 and at most 10 seconds.
	for i := 0; i < 3; i++ {
		if wait := try("192.0.2.1", "a@example.org"); wait != 0 {
			t.Fatalf("free failure %d: wait %v", i, wait)
		}
	}
	for _, want := range []time.Duration{2 * time.Second, 4 * time.Second, 8 * time.Second, 10 * time.Second, 10 * time.Second} {
		if wait := try("192.0.2.1", "a@example.org"); wait != want {
			t.Fatalf("wait %v, want %v", wait, want)
		}
		if wait := try("192.0.2.1", "a@example.org"); wait != want {
			t.Fatalf("a refused try changed the wait: %v, want %v", wait, want)
		}
		now = now.Add(want - time.Millisecond)
		if wait := try("192.0.2.1", "a@example.org"); wait != time.Millisecond {
			t.Fatalf("just before the wait ends: %v", wait)
		}
		now = now.Add(time.Millisecond)
		if wait := try("192.0.2.1", "a@example.org"); wait != 0 {
			t.Fatalf("once the wait is over: %v", wait)
		}
	}
	// An hour after its last failure the client starts afresh.
	now = now.Add(time.Hour)
	if wait := try("192.0.2.1", "b@example.org"); wait != 0 {
		t.Errorf("after an hour: wait %v", wait)
	}

	// Successes do not count.
	for i := 0; i < 10; i++ {
		g, wait, err := l.Begin(ctx, bucket, b, l.ClientKey("192.0.2.2"), l.Key("c@example.org"))
		if err != nil || wait != 0 {
			t.Fatalf("right guess %d: wait %v, %v", i, wait, err)
		}
		if err := g.Succeeded(ctx); err != nil {
			t.Fatal(err)
		}
	}

	// The account ceiling: 5 failures from 5 clients; then clients that
	// failed are refused until the window ends, a client that has not is not.
	b.Ceiling = 5
	now = now.Add(2 * time.Hour).Truncate(time.Hour).Add(10 * time.Minute)
	for i := 1; i <= 5; i++ {
		if wait := try("2001:db8:"+string(rune('0'+i))+"::1", "d@example.org"); wait != 0 {
			t.Fatalf("client %d: wait %v", i, wait)
		}
	}
	if wait := try("2001:db8:1::1", "d@example.org"); wait != 50*time.Minute {
		t.Errorf("a failed client past the ceiling: wait %v, want 50m", wait)
	}
	g, wait, err := l.Begin(ctx, bucket, b, l.ClientKey("198.51.100.7"), l.Key("d@example.org"))
	if err != nil || wait != 0 {
		t.Fatalf("a client without failures past the ceiling: wait %v, %v", wait, err)
	}
	if err := g.Succeeded(ctx); err != nil {
		t.Fatal(err)
	}
	if wait := try("2001:db8:1::1", "e@example.org"); wait != 0 {
		t.Errorf("the ceiling of one account held up another: %v", wait)
	}
	// Nothing in Redis names a client or an account.
	keys, _ := rdb.Keys(ctx, "sd:bo:"+bucket+":*").Result()
	for _, k := range keys {
		for _, clear := range []string{"example.org", "192.0", "2001:"} {
			if strings.Contains(k, clear) {
				t.Errorf("key %s holds %s", k, clear)
			}
		}
	}
}
