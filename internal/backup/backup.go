// Package backup writes and restores a StoryDesk backup: one tar file with
// a manifest, the database and every object of the bucket except the
// deletion log, which must outlive both (see package deletion).
//
// The archive holds submitters' stories, names and contact details as they
// were when it was taken: docs/privacy.md says how to keep it.
package backup

import (
	"archive/tar"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/storydesk/storydesk/internal/blob"
	"github.com/storydesk/storydesk/internal/store"
)

// Format is the archive layout version this build writes and reads.
const Format = 1

// Entry names in the archive, in this order: the manifest first, so a
// restore can refuse a backup before it writes anything.
const (
	manifestName  = "manifest.json"
	sqliteName    = "database.sqlite"
	postgresName  = "database.pgdump"
	objectsPrefix = "objects/"
)

// Manifest describes a backup.
type Manifest struct {
	Format     int       `json:"format"`
	AppVersion string    `json:"app_version"`
	Schema     int64     `json:"schema_version"` // last migration applied
	Dialect    string    `json:"dialect"`        // sqlite or postgres
	Database   string    `json:"database"`       // its entry in the archive
	Objects    int       `json:"objects"`
	CreatedAt  time.Time `json:"created_at"`
}

// Progress is told how many of total steps are done: the database is one
// step, then each object.
type Progress func(done, total int)

// Source is what a backup reads.
type Source struct {
	Store       *store.Store
	Blob        *blob.Store
	DatabaseURL string
	TmpDir      string // for the database dump, inside the data dir (mode 0700)
	AppVersion  string
}

// Write streams a backup of src to w. The database is copied first, then
// the objects are listed: an object written meanwhile is either in the
// copy's rows or harmlessly extra.
func Write(ctx context.Context, w io.Writer, src Source, progress Progress) (Manifest, error) {
	m := Manifest{Format: Format, AppVersion: src.AppVersion, Dialect: src.Store.Dialect(), CreatedAt: time.Now().UTC()}
	var err error
	if m.Schema, err = src.Store.SchemaVersion(ctx); err != nil {
		return m, fmt.Errorf("backup: %w", err)
	}
	dump, err := os.CreateTemp(src.TmpDir, "backup-db-*")
	if err != nil {
		return m, fmt.Errorf("backup: %w", err)
	}
	dump.Close()
	// It holds the whole database: never left behind.
	defer os.Remove(dump.Name())
	if m.Dialect == store.DialectSQLite {
		m.Database = sqliteName
		os.Remove(dump.Name()) // VACUUM INTO refuses an existing file
		err = src.Store.SnapshotSQLite(ctx, dump.Name())
	} else {
		m.Database = postgresName
		err = pgDump(ctx, src.DatabaseURL, dump.Name())
	}
	if err != nil {
		return m, fmt.Errorf("backup: %w", err)
	}
	keys, err := dataKeys(ctx, src.Blob)
	if err != nil {
		return m, err
	}
	m.Objects = len(keys)
	total := 1 + len(keys)
	progress(0, total)

	tw := tar.NewWriter(w)
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return m, fmt.Errorf("backup: %w", err)
	}
	if err := writeEntry(tw, manifestName, int64(len(data)), strings.NewReader(string(data)), ""); err != nil {
		return m, err
	}
	if err := writeFile(tw, m.Database, dump.Name()); err != nil {
		return m, err
	}
	progress(1, total)
	for i, k := range keys {
		if err := writeObject(ctx, tw, src.Blob, k); err != nil {
			return m, err
		}
		progress(2+i, total)
	}
	if err := tw.Close(); err != nil {
		return m, fmt.Errorf("backup: %w", err)
	}
	return m, nil
}

func writeObject(ctx context.Context, tw *tar.Writer, bl *blob.Store, key string) error {
	o, err := bl.Open(ctx, key)
	if errors.Is(err, blob.ErrNotFound) {
		return nil // deleted since the listing: the purge that did it is logged
	}
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer o.Close()
	return writeEntry(tw, objectsPrefix+key, o.Size, o, o.ContentType)
}

func writeFile(tw *tar.Writer, name, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	return writeEntry(tw, name, st.Size(), f, "")
}

// contentTypeRecord keeps an object's Content-Type in its tar header, as
// an extended attribute: tar tools know the form and do not warn about it.
const contentTypeRecord = "SCHILY.xattr.user.storydesk.content_type"

func writeEntry(tw *tar.Writer, name string, size int64, r io.Reader, contentType string) error {
	hdr := &tar.Header{Name: name, Size: size, Mode: 0o600, Typeflag: tar.TypeReg, ModTime: time.Now().UTC(), Format: tar.FormatPAX}
	if contentType != "" {
		hdr.PAXRecords = map[string]string{contentTypeRecord: contentType}
	}
	if err := tw.WriteHeader(hdr); err != nil {
		return fmt.Errorf("backup: %s: %w", name, err)
	}
	if n, err := io.CopyN(tw, r, size); err != nil {
		return fmt.Errorf("backup: %s: wrote %d of %d bytes: %w", name, n, size, err)
	}
	return nil
}

// Inside reports whether path lies in dir: a backup may not be written
// into the data directory, whose folders the embedded services and
// anyone with access to the deployment's volume read.
func Inside(path, dir string) bool {
	ap, err1 := filepath.Abs(path)
	ad, err2 := filepath.Abs(dir)
	if err1 != nil || err2 != nil {
		return true // refuse what cannot be told apart
	}
	rel, err := filepath.Rel(ad, ap)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}
