package limit

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// Backoff slows down guessing (passwords, codes) without locking anyone
// out. Each client (its rotating keyed hash) makes Free failures freely;
// after that it must wait Base before the next try, doubled with each
// further failure up to Max, and its failures are forgotten Forget after
// its last one. Failures on one account from every client together are
// capped at Ceiling per Forget window against guessing spread over many
// addresses, but the cap refuses only clients that have failed: the real
// person, on a client that has not, can still sign in.
type Backoff struct {
	Free    int
	Base    time.Duration
	Max     time.Duration
	Forget  time.Duration
	Ceiling int
}

// Guess is one try let through by Begin. It counts as a failure from the
// start (so simultaneous tries cannot all slip past the count); Succeeded
// takes it back.
type Guess struct {
	l               *Limiter
	client, account string
}

// beginScript checks and, when the try may go ahead, counts it as a failure,
// in one step. It returns 0, or the milliseconds to wait.
//
// KEYS: the client's failures (hash n, last), the account's failures in this
// window. ARGV: now, free, base, max, forget (ms), ceiling, window end (ms).
var beginScript = redis.NewScript(`
local now, free, base, max, forget = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local ceiling, windowEnd = tonumber(ARGV[6]), tonumber(ARGV[7])
local n = tonumber(redis.call('HGET', KEYS[1], 'n') or '0')
local last = tonumber(redis.call('HGET', KEYS[1], 'last') or '0')
if now - last >= forget then n = 0 end
if n >= free then
  local wait = base * 2 ^ math.min(n - free, 40)
  if wait > max then wait = max end
  if now < last + wait then return math.ceil(last + wait - now) end
end
if n > 0 and ceiling > 0 and tonumber(redis.call('GET', KEYS[2]) or '0') >= ceiling then
  return math.max(1, windowEnd - now)
end
redis.call('HSET', KEYS[1], 'n', n + 1, 'last', now)
redis.call('PEXPIRE', KEYS[1], forget)
redis.call('INCR', KEYS[2])
redis.call('PEXPIRE', KEYS[2], forget * 2)
return 0
`)

// succeededScript takes back the failure a successful try was counted as.
var succeededScript = redis.NewScript(`
if tonumber(redis.call('HGET', KEYS[1], 'n') or '0') > 0 then redis.call('HINCRBY', KEYS[1], 'n', -1) end
if tonumber(redis.call('GET', KEYS[2]) or '0') > 0 then redis.call('DECR', KEYS[2]) end
return 0
`)

// Begin lets one try of client (a ClientKey) at account (a Key) go ahead,
// or says how long to wait.
func (l *Limiter) Begin(ctx context.Context, bucket string, b Backoff, client, account string) (Guess, time.Duration, error) {
	now := l.now()
	start := now.Truncate(b.Forget)
	g := Guess{l: l,
		client:  fmt.Sprintf("sd:bo:%s:c:%s", bucket, client),
		account: fmt.Sprintf("sd:bo:%s:a:%s:%d", bucket, account, start.Unix())}
	wait, err := beginScript.Run(ctx, l.rdb, []string{g.client, g.account},
		now.UnixMilli(), b.Free, b.Base.Milliseconds(), b.Max.Milliseconds(), b.Forget.Milliseconds(),
		b.Ceiling, start.Add(b.Forget).UnixMilli()).Int64()
	if err != nil {
		return Guess{}, 0, fmt.Errorf("limit: %s: %w", bucket, err)
	}
	if wait > 0 {
		return Guess{}, time.Duration(wait) * time.Millisecond, nil
	}
	return g, 0, nil
}

// Succeeded records that the try was right: it no longer counts as a failure.
func (g Guess) Succeeded(ctx context.Context) error {
	if g.l == nil {
		return nil
	}
	if err := succeededScript.Run(ctx, g.l.rdb, []string{g.client, g.account}).Err(); err != nil && err != redis.Nil {
		return fmt.Errorf("limit: succeeded: %w", err)
	}
	return nil
}

// SetClock replaces the limiter's clock; tests call it before first use.
func (l *Limiter) SetClock(now func() time.Time) { l.now = now }
