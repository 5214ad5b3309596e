package backup

import (
	"archive/tar"
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/storydesk/storydesk/internal/store"
)

// archive is a backup holding only a manifest.
func archive(t *testing.T, m Manifest) *bytes.Reader {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	data, _ := json.Marshal(m)
	if err := writeEntry(tw, manifestName, int64(len(data)), bytes.NewReader(data), ""); err != nil {
		t.Fatal(err)
	}
	tw.Close()
	return bytes.NewReader(buf.Bytes())
}

// TestOpenRefuses: a restore refuses, before writing anything, a backup
// from a newer schema or of an unknown format, and what is no backup.
func TestOpenRefuses(t *testing.T) {
	latest := store.LatestSchema()
	if latest < 16 {
		t.Fatalf("LatestSchema = %d: the migrations were not read", latest)
	}
	for _, c := range []struct {
		name string
		m    Manifest
		want string
	}{
		{"newer schema", Manifest{Format: Format, Schema: latest + 1, AppVersion: "v9"}, "newer than this StoryDesk's"},
		{"unknown format", Manifest{Format: Format + 1, Schema: latest}, "format"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := Open(archive(t, c.m), t.TempDir()); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("Open: %v, want an error saying %q", err, c.want)
			}
		})
	}
	if _, err := Open(strings.NewReader("not a tar"), t.TempDir()); err == nil {
		t.Error("Open of a non-archive succeeded")
	}
	r, err := Open(archive(t, Manifest{Format: Format, Schema: latest - 1, Dialect: "sqlite"}), t.TempDir())
	if err != nil || r.Manifest.Schema != latest-1 {
		t.Errorf("Open of an older backup: %v", err)
	}
}

func TestInside(t *testing.T) {
	dir := t.TempDir()
	for path, want := range map[string]bool{
		filepath.Join(dir, "b.tar"):              true,
		filepath.Join(dir, "s3", "b.tar"):        true,
		dir:                                      true,
		filepath.Join(dir, "..", "b.tar"):        false,
		filepath.Join(dir+"-backups", "b.tar"):   false,
		filepath.Join(dir, "x", "..", "..", "b"): false,
	} {
		if got := Inside(path, dir); got != want {
			t.Errorf("Inside(%s) = %v, want %v", path, got, want)
		}
	}
}
