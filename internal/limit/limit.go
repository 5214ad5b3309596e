// Package limit counts requests per client and per window in Redis, so every
// app instance shares one limit.
//
// A client is known only by a keyed hash of its address that changes every
// day; the address itself is never stored, and the counters expire with
// their window.
package limit

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/netip"
	"time"

	"github.com/redis/go-redis/v9"
)

// Limiter is a fixed-window counter in Redis.
type Limiter struct {
	rdb    redis.UniversalClient
	secret []byte
	now    func() time.Time
}

// New returns a Limiter over rdb; secret keys the client hashes.
func New(rdb redis.UniversalClient, secret []byte) *Limiter {
	return &Limiter{rdb: rdb, secret: secret, now: time.Now}
}

// ClientKey is the daily-rotating keyed hash that stands for a client
// address: every limit keyed on a client goes through it.
func (l *Limiter) ClientKey(addr string) string {
	return l.Key("client:" + clientNetwork(addr))
}

// Key is the daily-rotating keyed hash of any other name a limit counts
// (an account's e-mail), so no counter in Redis names it in clear.
func (l *Limiter) Key(name string) string {
	m := hmac.New(sha256.New, l.secret)
	m.Write([]byte(l.now().UTC().Format("2006-01-02") + ":" + name))
	return hex.EncodeToString(m.Sum(nil))[:32]
}

// clientNetwork is what one client controls: an IPv4 address (an
// IPv4-mapped IPv6 address is the IPv4 client), or an IPv6 /64, the
// smallest network a home or a server is given, so rotating addresses
// inside it does not start the counters afresh. Anything that is not an
// address is kept as it is.
func clientNetwork(addr string) string {
	ip, err := netip.ParseAddr(addr)
	if err != nil {
		return addr
	}
	ip = ip.WithZone("").Unmap()
	if ip.Is4() {
		return ip.String()
	}
	return netip.PrefixFrom(ip, 64).Masked().String()
}

// Allow counts one event for key in bucket and reports whether it is within
// limit events per window; when it is not, retryAfter says when to come back.
func (l *Limiter) Allow(ctx context.Context, bucket, key string, limit int, window time.Duration) (ok bool, retryAfter time.Duration, err error) {
	if limit <= 0 {
		return true, 0, nil
	}
	now := l.now()
	start := now.Truncate(window)
	rk := windowKey(bucket, key, start)
	pipe := l.rdb.TxPipeline()
	incr := pipe.Incr(ctx, rk)
	pipe.Expire(ctx, rk, window+time.Minute)
	if _, err := pipe.Exec(ctx); err != nil {
		return false, 0, fmt.Errorf("limit: %s: %w", bucket, err)
	}
	if incr.Val() > int64(limit) {
		return false, start.Add(window).Sub(now), nil
	}
	return true, 0, nil
}

func windowKey(bucket, key string, start time.Time) string {
	return fmt.Sprintf("sd:rl:%s:%s:%d", bucket, key, start.Unix())
}

// Undo takes back one event Allow counted for key in the current window:
// for an attempt that turned out not to count (a submission refused, so
// nothing was stored). Counting first and taking back after keeps the
// limit exact under concurrent requests, where a check before and a count
// after would let a burst through.
func (l *Limiter) Undo(ctx context.Context, bucket, key string, window time.Duration) error {
	rk := windowKey(bucket, key, l.now().Truncate(window))
	pipe := l.rdb.TxPipeline()
	pipe.Decr(ctx, rk)
	pipe.Expire(ctx, rk, window+time.Minute)
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("limit: undo %s: %w", bucket, err)
	}
	return nil
}

// Over reports, without counting anything, whether key has already used up
// limit events in bucket's current window, and when to come back.
func (l *Limiter) Over(ctx context.Context, bucket, key string, limit int, window time.Duration) (over bool, retryAfter time.Duration, err error) {
	if limit <= 0 {
		return false, 0, nil
	}
	now := l.now()
	start := now.Truncate(window)
	n, err := l.rdb.Get(ctx, windowKey(bucket, key, start)).Int64()
	if errors.Is(err, redis.Nil) {
		return false, 0, nil
	}
	if err != nil {
		return false, 0, fmt.Errorf("limit: %s: %w", bucket, err)
	}
	if n >= int64(limit) {
		return true, start.Add(window).Sub(now), nil
	}
	return false, 0, nil
}
