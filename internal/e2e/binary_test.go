package e2e_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// The storydesk binary the tests that run real processes start, built once
// for the whole run: every go build links the whole program again (seconds
// of CPU each), and these tests only need the one build of this tree.
var storydeskBinary struct {
	once sync.Once
	dir  string // made by TestMain, removed when the run ends
	path string
	err  error
}

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "storydesk-e2e-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e: temp dir for the storydesk binary:", err)
		os.Exit(1)
	}
	storydeskBinary.dir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// buildBinary returns the path of cmd/storydesk built from this tree, built
// on the first call; a failed build fails every test that asks for it.
func buildBinary(t *testing.T) string {
	t.Helper()
	b := &storydeskBinary
	b.once.Do(func() {
		bin := filepath.Join(b.dir, "storydesk")
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "github.com/storydesk/storydesk/cmd/storydesk")
		if out, err := cmd.CombinedOutput(); err != nil {
			b.err = fmt.Errorf("build: %v\n%s", err, out)
			return
		}
		b.path = bin
	})
	if b.err != nil {
		t.Fatal(b.err)
	}
	return b.path
}
