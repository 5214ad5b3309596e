package blob

import (
	"context"
	"errors"
	"fmt"

	"github.com/minio/minio-go/v7"
)

// PurgePrefix removes every object under prefix, every stored version and
// delete marker included when the bucket keeps versions, plus unfinished
// multipart uploads, and returns how many it removed. S3 servers without
// versioning (the Versity gateway answers NotImplemented) get a plain
// listing instead. Running it twice is harmless.
func (s *Store) PurgePrefix(ctx context.Context, prefix string) (int, error) {
	if prefix == "" {
		// An empty prefix is the whole bucket: never what a caller means.
		return 0, fmt.Errorf("blob: purge: empty prefix")
	}
	n, err := s.purgeListed(ctx, prefix, true)
	if errors.Is(err, errNoVersions) {
		n, err = s.purgeListed(ctx, prefix, false)
	}
	if err != nil {
		return n, err
	}
	m, err := s.AbortIncomplete(ctx, prefix)
	return n + m, err
}

func (s *Store) purgeListed(ctx context.Context, prefix string, versions bool) (int, error) {
	n := 0
	var errs []error
	opts := minio.ListObjectsOptions{Prefix: prefix, Recursive: true, WithVersions: versions}
	for o := range s.client.ListObjects(ctx, s.bucket, opts) {
		if o.Err != nil {
			if versions && notImplemented(o.Err) {
				return n, errNoVersions
			}
			return n, fmt.Errorf("blob: list %s: %w", prefix, o.Err)
		}
		ro := minio.RemoveObjectOptions{}
		if o.VersionID != "" && o.VersionID != "null" {
			ro.VersionID = o.VersionID
		}
		if err := s.client.RemoveObject(ctx, s.bucket, o.Key, ro); err != nil && !isNotFound(err) {
			errs = append(errs, fmt.Errorf("blob: delete %s: %w", o.Key, err))
			continue
		}
		n++
	}
	return n, errors.Join(errs...)
}

// errNoVersions means the server cannot list object versions.
var errNoVersions = errors.New("blob: version listing not implemented")

// notImplemented reports an S3 "not implemented" answer (versioning or
// version listing unsupported by the server).
func notImplemented(err error) bool {
	r := minio.ToErrorResponse(err)
	return r.Code == "NotImplemented" || r.StatusCode == 501
}
