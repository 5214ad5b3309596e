package embedded

import (
	"errors"
	"fmt"
	"io"
	"os"

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
type spoolBackend struct {
	*s3afero.MultiBucketBackend
	dir string
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
	return b.MultiBucketBackend.PutObject(bucket, key, meta, f, size, conditions)
}
