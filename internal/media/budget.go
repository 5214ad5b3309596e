package media

import (
	"context"
	"fmt"
	"sync/atomic"

	"golang.org/x/sync/semaphore"
)

// DefaultBudget is the memory all image decodes and document parses together
// may hold at once:
// room for a 40-megapixel phone photo turned upright (about 220 MiB), or
// for several ordinary photos side by side, on a server with 1 GiB.
const DefaultBudget = 256 << 20

// Budget is the memory that image decoding may hold at once, shared by every
// caller: each decode reserves what its header says it will allocate before
// it allocates anything, and waits in line while others hold the rest. A
// budget in bytes, not decodes, is what keeps a 300 KB file that unpacks to
// 300 MB from being decoded four times at once.
type Budget struct {
	sem  *semaphore.Weighted
	size int64
	held atomic.Int64
	peak atomic.Int64
}

// NewBudget returns a budget of size bytes.
func NewBudget(size int64) *Budget {
	return &Budget{sem: semaphore.NewWeighted(size), size: size}
}

// Size returns the budget in bytes.
func (b *Budget) Size() int64 { return b.size }

// Peak returns the most bytes held at once since the budget was made.
func (b *Budget) Peak() int64 { return b.peak.Load() }

// acquire waits until n bytes are free or ctx ends. The caller has checked
// that n fits in the budget at all; a larger n would wait forever.
func (b *Budget) acquire(ctx context.Context, n int64) error {
	if err := b.sem.Acquire(ctx, n); err != nil {
		return err
	}
	held := b.held.Add(n)
	for {
		p := b.peak.Load()
		if held <= p || b.peak.CompareAndSwap(p, held) {
			return nil
		}
	}
}

// reserve takes need bytes for the caller, waiting until ctx ends for room,
// and returns the function that gives them back. A need larger than the
// whole budget is refused at once with a *MemoryError: it would wait forever.
func (b *Budget) reserve(ctx context.Context, need int64) (release func(), err error) {
	if need > b.size {
		return nil, &MemoryError{Need: need, Budget: b.size}
	}
	if err := b.acquire(ctx, need); err != nil {
		return nil, fmt.Errorf("media: wait for decoding memory: %w", err)
	}
	return func() { b.release(need) }, nil
}

// release gives back n bytes acquired before.
func (b *Budget) release(n int64) {
	b.held.Add(-n)
	b.sem.Release(n)
}
