package app

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/storydesk/storydesk/internal/config"
)

// loadSecret returns STORYDESK_SECRET, or the key kept in the data dir,
// creating it (mode 0600) on first start.
func loadSecret(cfg config.Config) ([]byte, error) {
	if len(cfg.Secret) > 0 {
		return cfg.Secret, nil
	}
	path := filepath.Join(cfg.DataDir, "secret")
	b, err := os.ReadFile(path)
	if err == nil {
		s := strings.TrimSpace(string(b))
		if len(s) < 32 {
			return nil, fmt.Errorf("app: %s is too short; remove it to generate a new one", path)
		}
		return []byte(s), nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("app: read %s: %w", path, err)
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return nil, fmt.Errorf("app: generate secret: %w", err)
	}
	s := hex.EncodeToString(raw)
	// Written whole under a private name, then linked to its final name:
	// the link fails if another process got there first, and a process
	// that reads the file never sees it empty or half written.
	f, err := os.CreateTemp(cfg.DataDir, ".secret-*")
	if err != nil {
		return nil, fmt.Errorf("app: create %s: %w", path, err)
	}
	defer os.Remove(f.Name())
	_, err = f.WriteString(s + "\n")
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("app: write %s: %w", path, err)
	}
	if err := os.Link(f.Name(), path); errors.Is(err, fs.ErrExist) {
		return loadSecret(cfg) // another process created it first: use that one
	} else if err != nil {
		return nil, fmt.Errorf("app: create %s: %w", path, err)
	}
	return []byte(s), nil
}
