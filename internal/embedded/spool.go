package embedded

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3afero"
)

// spoolBackend is s3afero's backend with uploads first written to a private
// temporary file.
//
// s3afero holds one lock for the whole backend while it copies a PUT body
// into place, so a slow client streaming an attachment would stall every
// other read and write. Copying the body to disk first, outside the lock,
// keeps the locked section to a local file copy. It also means a body that
// fails its Content-MD5 check, or a client that disconnects, never leaves a
// half-written object behind.
//
// It also removes the folders that deletions leave empty (s3afero keeps
// DIR/buckets/BUCKET/attachments/<id>/ after its last file goes, naming a
// piece that no longer exists). dirs orders that removal against the
// puts that create folders, so a put never finds its new folder gone.
type spoolBackend struct {
	*s3afero.MultiBucketBackend
	dir     string // uploads in progress
	buckets string // DIR/buckets: one folder per bucket, objects under it
	dirs    sync.Mutex
}

// PutObject implements gofakes3.Backend.
func (b *spoolBackend) PutObject(
	bucket, key string,
	meta map[string]string,
	input io.Reader,
	size int64,
	conditions *gofakes3.PutConditions,
) (gofakes3.PutObjectResult, error) {
	var none gofakes3.PutObjectResult
	f, err := os.CreateTemp(b.dir, "put-*")
	if err != nil {
		return none, fmt.Errorf("embedded: s3 spool: %w", err)
	}
	defer os.Remove(f.Name())
	defer f.Close()

	n, err := io.Copy(f, input)
	if err != nil {
		// gofakes3 picks the S3 error code with a type switch, so its own
		// errors (BadDigest from the Content-MD5 check) go back unwrapped.
		var s3err gofakes3.Error
		if errors.As(err, &s3err) {
			return none, s3err
		}
		return none, fmt.Errorf("embedded: s3 spool: %w", err)
	}
	if n != size {
		return none, gofakes3.ErrIncompleteBody
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return none, fmt.Errorf("embedded: s3 spool: %w", err)
	}
	b.dirs.Lock()
	defer b.dirs.Unlock()
	return b.MultiBucketBackend.PutObject(bucket, key, meta, f, size, conditions)
}

// DeleteObject implements gofakes3.Backend.
func (b *spoolBackend) DeleteObject(bucket, key string) (gofakes3.ObjectDeleteResult, error) {
	b.dirs.Lock()
	defer b.dirs.Unlock()
	res, err := b.MultiBucketBackend.DeleteObject(bucket, key)
	if err == nil {
		b.removeEmptyParents(bucket, key)
	}
	return res, err
}

// DeleteMulti implements gofakes3.Backend.
func (b *spoolBackend) DeleteMulti(bucket string, keys ...string) (gofakes3.MultiDeleteResult, error) {
	b.dirs.Lock()
	defer b.dirs.Unlock()
	res, err := b.MultiBucketBackend.DeleteMulti(bucket, keys...)
	for _, d := range res.Deleted {
		b.removeEmptyParents(bucket, d.Key)
	}
	return res, err
}

// removeEmptyParents removes the folders above key that are empty now, up
// to (not including) the bucket's own folder. os.Remove refuses a folder
// that still holds anything, which is where it stops.
func (b *spoolBackend) removeEmptyParents(bucket, key string) {
	root := filepath.Join(b.buckets, filepath.FromSlash(bucket))
	dir := filepath.Dir(filepath.Join(root, filepath.FromSlash(key)))
	for strings.HasPrefix(dir, root+string(filepath.Separator)) {
		if os.Remove(dir) != nil {
			return
		}
		dir = filepath.Dir(dir)
	}
}
