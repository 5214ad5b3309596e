package backup

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/storydesk/storydesk/internal/blob"
	"github.com/storydesk/storydesk/internal/deletion"
	"github.com/storydesk/storydesk/internal/store"
)

// ErrNotEmpty means the restore target already holds data; --force
// replaces it.
var ErrNotEmpty = errors.New("restore: the target is not empty")

// Reader reads a backup archive front to back: Open (the manifest), then
// RestoreDatabase, then RestoreObjects.
type Reader struct {
	tr       *tar.Reader
	tmpDir   string // for objects too large to hold in memory
	Manifest Manifest
}

// Open reads the manifest and refuses a backup this build cannot restore:
// an unknown format, or a schema newer than its migrations. tmpDir, in the
// data dir, holds the database dump and large objects while they are
// restored.
func Open(r io.Reader, tmpDir string) (*Reader, error) {
	tr := tar.NewReader(r)
	hdr, err := tr.Next()
	if err != nil || hdr.Name != manifestName {
		return nil, fmt.Errorf("restore: not a StoryDesk backup (no %s first)", manifestName)
	}
	var m Manifest
	if err := json.NewDecoder(io.LimitReader(tr, 1<<20)).Decode(&m); err != nil {
		return nil, fmt.Errorf("restore: %s: %w", manifestName, err)
	}
	if m.Format != Format {
		return nil, fmt.Errorf("restore: backup format %d; this StoryDesk reads format %d", m.Format, Format)
	}
	if latest := store.LatestSchema(); m.Schema > latest {
		return nil, fmt.Errorf("restore: the backup's schema is at migration %d, newer than this StoryDesk's %d (it was taken by StoryDesk %s): restore it with that version or a later one", m.Schema, latest, m.AppVersion)
	}
	return &Reader{tr: tr, tmpDir: tmpDir, Manifest: m}, nil
}

// CheckEmpty returns ErrNotEmpty, saying where, if the database has
// tables or the bucket objects (the deletion log aside).
func CheckEmpty(ctx context.Context, dbURL string, bl *blob.Store) error {
	n, err := tables(ctx, dbURL)
	if err != nil {
		return err
	}
	if n > 0 {
		return fmt.Errorf("%w: the database has %d tables", ErrNotEmpty, n)
	}
	keys, err := dataKeys(ctx, bl)
	if err != nil {
		return err
	}
	if len(keys) > 0 {
		return fmt.Errorf("%w: the bucket %s has %d objects", ErrNotEmpty, bl.Bucket(), len(keys))
	}
	return nil
}

// Clear empties the target for --force: the database and every object but
// the deletion log, which a restore must never lose.
func Clear(ctx context.Context, dbURL string, bl *blob.Store) error {
	if path, ok := store.SQLiteFile(dbURL); ok {
		removeSQLite(path)
	} else {
		st, err := store.Open(ctx, dbURL)
		if err != nil {
			return fmt.Errorf("restore: %w", err)
		}
		err = st.ResetSchema(ctx)
		st.Close()
		if err != nil {
			return fmt.Errorf("restore: %w", err)
		}
	}
	keys, err := dataKeys(ctx, bl)
	if err != nil {
		return err
	}
	if err := bl.Delete(ctx, keys...); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	return nil
}

// RestoreDatabase writes the backup's database into dbURL, which must be
// empty and of the backup's dialect. It does not migrate: opening the
// store afterwards brings an older backup up to date.
func (r *Reader) RestoreDatabase(ctx context.Context, dbURL string) error {
	hdr, err := r.tr.Next()
	if err != nil || hdr.Name != r.Manifest.Database {
		return fmt.Errorf("restore: the archive has no %s after its manifest", r.Manifest.Database)
	}
	path, sqlite := store.SQLiteFile(dbURL)
	want := store.DialectPostgres
	if sqlite {
		want = store.DialectSQLite
	}
	if r.Manifest.Dialect != want {
		return fmt.Errorf("restore: the backup holds a %s database and STORYDESK_DATABASE_URL is %s: restore into the same kind", r.Manifest.Dialect, want)
	}
	if sqlite {
		removeSQLite(path) // an empty file, or the -wal of one, must not mix with the copy
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return fmt.Errorf("restore: %w", err)
		}
		return copyTo(r.tr, path)
	}
	dump, err := os.CreateTemp(r.tmpDir, "restore-db-*")
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	dump.Close()
	defer os.Remove(dump.Name())
	if err := copyTo(r.tr, dump.Name()); err != nil {
		return err
	}
	if err := pgRestore(ctx, dbURL, dump.Name()); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	return nil
}

// RestoreObjects puts the backup's objects into the bucket, except those
// the deletion log erased. progress counts every object of the backup.
func (r *Reader) RestoreObjects(ctx context.Context, bl *blob.Store, erased deletion.Erased, progress Progress) (restored, skipped int, err error) {
	total := r.Manifest.Objects
	progress(0, total)
	for done := 0; ; done++ {
		hdr, err := r.tr.Next()
		if errors.Is(err, io.EOF) {
			return restored, skipped, nil
		}
		if err != nil {
			return restored, skipped, fmt.Errorf("restore: read archive: %w", err)
		}
		key, ok := strings.CutPrefix(hdr.Name, objectsPrefix)
		if !ok || key == "" || strings.HasPrefix(key, blob.DeletionLogPrefix) {
			return restored, skipped, fmt.Errorf("restore: unexpected entry %q in the archive", hdr.Name)
		}
		if erased.Covers(key) {
			skipped++
		} else {
			if err := r.putObject(ctx, bl, key, hdr); err != nil {
				return restored, skipped, err
			}
			restored++
		}
		progress(min(done+1, total), total)
	}
}

// putObject writes the current entry to key. minio-go retries a failed
// upload by reading its body again, which the archive cannot do: the entry
// is put from memory, or from a temporary file (mode 0600, removed at
// once) past spoolAbove.
func (r *Reader) putObject(ctx context.Context, bl *blob.Store, key string, hdr *tar.Header) error {
	contentType := hdr.PAXRecords[contentTypeRecord]
	if hdr.Size <= spoolAbove {
		data, err := io.ReadAll(r.tr)
		if err != nil {
			return fmt.Errorf("restore: read %s: %w", key, err)
		}
		if err := bl.Put(ctx, key, bytes.NewReader(data), hdr.Size, contentType); err != nil {
			return fmt.Errorf("restore: %w", err)
		}
		return nil
	}
	f, err := os.CreateTemp(r.tmpDir, "restore-object-*")
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer os.Remove(f.Name())
	defer f.Close()
	if _, err := io.Copy(f, r.tr); err != nil {
		return fmt.Errorf("restore: read %s: %w", key, err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	if err := bl.Put(ctx, key, f, hdr.Size, contentType); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	return nil
}

// spoolAbove is the largest object a restore holds in memory.
const spoolAbove = 64 << 20

// tables counts the target database's tables; a SQLite file that does not
// exist yet has none.
func tables(ctx context.Context, dbURL string) (int, error) {
	if path, ok := store.SQLiteFile(dbURL); ok {
		if st, err := os.Stat(path); err != nil || st.Size() == 0 {
			return 0, nil
		}
	}
	st, err := store.Open(ctx, dbURL)
	if err != nil {
		return 0, fmt.Errorf("restore: %w", err)
	}
	defer st.Close()
	n, err := st.Tables(ctx)
	if err != nil {
		return 0, fmt.Errorf("restore: %w", err)
	}
	return n, nil
}

// dataKeys lists the bucket's objects but the deletion log.
func dataKeys(ctx context.Context, bl *blob.Store) ([]string, error) {
	all, err := bl.Keys(ctx, "")
	if err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	var keys []string
	for _, k := range all {
		if !strings.HasPrefix(k, blob.DeletionLogPrefix) {
			keys = append(keys, k)
		}
	}
	return keys, nil
}

func removeSQLite(path string) {
	for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
		os.Remove(path + suffix)
	}
}

// copyTo writes the current entry to path (mode 0600) through a temporary
// file, so a failed restore leaves no half file under the final name.
func copyTo(r io.Reader, path string) error {
	tmp := path + ".restoring"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	_, err = io.Copy(f, r)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("restore: %w", err)
	}
	return nil
}
