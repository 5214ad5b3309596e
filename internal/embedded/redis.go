package embedded

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/alicebob/miniredis/v2"
)

// clockTick is how often the embedded Redis's clock catches up with the wall
// clock. asynq's locks and server heartbeats are TTL keys; half a second of
// lag is far below any TTL it sets.
const clockTick = 500 * time.Millisecond

// Redis is an in-process Redis (miniredis) listening on 127.0.0.1.
//
// miniredis only expires keys when its clock is moved, so Redis moves it
// forward by the elapsed wall time every clockTick. It keeps everything in
// memory: queued tasks do not survive a restart, which the outbox
// reconciler covers by re-enqueueing from the database.
type Redis struct {
	mr   *miniredis.Miniredis
	stop chan struct{}
	done chan struct{}
	once sync.Once
}

// StartRedis starts an embedded Redis on 127.0.0.1 with a random port.
// ctx bounds start-up only; the server runs until Close.
func StartRedis(ctx context.Context) (*Redis, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("embedded: start redis: %w", err)
	}
	mr := miniredis.NewMiniRedis()
	if err := mr.StartAddr("127.0.0.1:0"); err != nil {
		return nil, fmt.Errorf("embedded: start redis: %w", err)
	}
	r := &Redis{
		mr:   mr,
		stop: make(chan struct{}),
		done: make(chan struct{}),
	}
	go r.advanceClock()
	return r, nil
}

// advanceClock expires keys in (near) real time. FastForward is used rather
// than miniredis's ClockTTL option, which costs O(keys) on every command.
func (r *Redis) advanceClock() {
	defer close(r.done)
	ticker := time.NewTicker(clockTick)
	defer ticker.Stop()
	last := time.Now()
	for {
		select {
		case <-r.stop:
			return
		case now := <-ticker.C:
			r.mr.FastForward(now.Sub(last))
			last = now
		}
	}
}

// Addr returns the host:port the embedded Redis listens on.
func (r *Redis) Addr() string {
	return r.mr.Addr()
}

// Close stops the clock and the server. It is safe to call more than once.
func (r *Redis) Close() error {
	r.once.Do(func() {
		close(r.stop)
		<-r.done
		r.mr.Close()
	})
	return nil
}
