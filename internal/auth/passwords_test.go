package auth

import (
	"context"
	"errors"
	"sync"
	"testing"
)

// TestPasswordsCap checks many sign-ins at once: no more than the cap of
// argon2id runs (64 MiB each) ever hold memory together.
func TestPasswordsCap(t *testing.T) {
	p := NewPasswords(2)
	hash, err := p.Hash(context.Background(), "correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	results := make([]bool, 8)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok, err := p.Check(context.Background(), "correct horse battery staple", hash)
			results[i] = ok && err == nil
		}()
	}
	wg.Wait()
	for i, ok := range results {
		if !ok {
			t.Errorf("check %d failed", i)
		}
	}
	if p.peak > 2 || p.peak < 1 || p.held != 0 {
		t.Errorf("peak %d, held %d: want at most 2 at once and none left", p.peak, p.held)
	}
}

// TestPasswordsWaitEndsWithRequest fills every slot: a check then waits
// only as long as its request, hashes nothing and says why.
func TestPasswordsWaitEndsWithRequest(t *testing.T) {
	p := NewPasswords(1)
	if err := p.acquire(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if ok, err := p.Check(ctx, "correct horse battery staple", ""); ok || !errors.Is(err, ErrBusy) || !errors.Is(err, context.Canceled) {
		t.Errorf("check with every slot held: %v %v, want ErrBusy", ok, err)
	}
	if _, err := p.Hash(ctx, "short"); !errors.Is(err, ErrWeakPassword) {
		t.Errorf("a weak password waited for a slot: %v", err)
	}
	p.release()
	if ok, err := p.Check(context.Background(), "anything at all here", ""); ok || err != nil {
		t.Errorf("after release: %v %v", ok, err)
	}
}
