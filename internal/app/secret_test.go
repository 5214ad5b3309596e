package app

import (
	"bytes"
	"sync"
	"testing"

	"github.com/storydesk/storydesk/internal/config"
)

// TestSecretCreatedOnce: processes starting together on a fresh data
// directory all get the one secret, never an empty or half-written file.
// Goroutines stand in for the processes here (many rounds, so a race shows
// up); TestStartTogether in internal/e2e starts real ones.
func TestSecretCreatedOnce(t *testing.T) {
	for round := 0; round < 200; round++ {
		cfg := config.Config{DataDir: t.TempDir()}
		const starters = 8
		var (
			wg      sync.WaitGroup
			secrets [starters][]byte
			errs    [starters]error
		)
		for i := range starters {
			wg.Add(1)
			go func() {
				defer wg.Done()
				secrets[i], errs[i] = loadSecret(cfg)
			}()
		}
		wg.Wait()
		for i := range starters {
			if errs[i] != nil {
				t.Fatalf("round %d, starter %d: %v", round, i, errs[i])
			}
			if !bytes.Equal(secrets[i], secrets[0]) {
				t.Fatalf("round %d: starters got different secrets", round)
			}
		}
	}
}
