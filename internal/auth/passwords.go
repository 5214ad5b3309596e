package auth

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// ErrBusy means the wait for a free hashing slot ended with the request.
var ErrBusy = errors.New("auth: too many password checks at once")

// DefaultConcurrentHashes runs as many argon2id hashes at once as two cores
// can use (each already runs on two threads), holding at most 4 × 64 MiB.
const DefaultConcurrentHashes = 4

// Passwords hashes and checks passwords, at most a fixed number at once.
// Each argon2id run allocates 64 MiB, so a burst of sign-ins (from one
// client or many: the per-client throttle does not bound a crowd) would
// otherwise cost 64 MiB a request; beyond the cap requests wait in line
// until their context ends.
type Passwords struct {
	slots chan struct{}
	// held counts slots in use, and peak its highest value: tests read
	// them to prove the cap, without any timing.
	mu         sync.Mutex
	held, peak int
}

// NewPasswords returns a Passwords that runs at most concurrent hashes.
func NewPasswords(concurrent int) *Passwords {
	return &Passwords{slots: make(chan struct{}, max(concurrent, 1))}
}

// Hash returns an argon2id hash of pw, as HashPassword.
func (p *Passwords) Hash(ctx context.Context, pw string) (string, error) {
	if len([]rune(pw)) < MinPasswordLen {
		return "", ErrWeakPassword // refused before waiting for a slot
	}
	if err := p.acquire(ctx); err != nil {
		return "", err
	}
	defer p.release()
	return HashPassword(pw)
}

// Check reports whether pw matches hash, as CheckPassword; an error means
// the request ended while it waited for a slot.
func (p *Passwords) Check(ctx context.Context, pw, hash string) (bool, error) {
	if err := p.acquire(ctx); err != nil {
		return false, err
	}
	defer p.release()
	return CheckPassword(pw, hash), nil
}

func (p *Passwords) acquire(ctx context.Context) error {
	select {
	case p.slots <- struct{}{}:
	case <-ctx.Done():
		return fmt.Errorf("%w: %w", ErrBusy, ctx.Err())
	}
	p.mu.Lock()
	p.held++
	p.peak = max(p.peak, p.held)
	p.mu.Unlock()
	return nil
}

func (p *Passwords) release() {
	p.mu.Lock()
	p.held--
	p.mu.Unlock()
	<-p.slots
}
