package app

import (
	"log/slog"
	"os"
	"path/filepath"
	"testing"
)

// TestSpoolOwnership: a process's spool directory survives another
// process's start; a dead process's (its lock free) is removed, with its
// files; a clean stop removes the process's own.
func TestSpoolOwnership(t *testing.T) {
	root := t.TempDir()
	log := slog.New(slog.DiscardHandler)
	// What a process killed mid-upload leaves: its directory, a file in it,
	// and its lock file, no longer locked by anyone.
	dead := filepath.Join(root, spoolPrefix+"dead")
	if err := os.Mkdir(dead, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{filepath.Join(dead, "upload-1"), dead + ".lock"} {
		if err := os.WriteFile(f, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	first, err := openSpool(root, log)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dead); !os.IsNotExist(err) {
		t.Errorf("the dead process's directory is still there (%v)", err)
	}
	inFlight := filepath.Join(first.dir, "upload-2")
	if err := os.WriteFile(inFlight, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	second, err := openSpool(root, log)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(inFlight); err != nil {
		t.Errorf("a live process's file went when another started: %v", err)
	}
	if first.dir == second.dir {
		t.Fatal("two processes share a spool directory")
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(first.dir); !os.IsNotExist(err) {
		t.Errorf("a clean stop left its directory (%v)", err)
	}
	second.Close()
	if left, _ := os.ReadDir(root); len(left) != 0 {
		t.Errorf("left after both stopped: %v", left)
	}
}
