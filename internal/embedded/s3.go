package embedded

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3afero"
)

// shutdownGrace is how long Close waits for requests in flight.
const shutdownGrace = 5 * time.Second

// S3 is an in-process S3 server (gofakes3) listening on 127.0.0.1, keeping
// objects as plain files under the directory given to StartS3:
//
//	DIR/buckets/BUCKET/KEY   object bytes
//	DIR/metadata/BUCKET/...  one JSON file per object (hash, headers)
//	DIR/spool/               uploads in progress
//
// The backend is s3afero over the OS filesystem rather than s3bolt: s3afero
// streams object bodies from and to files, while s3bolt reads every object
// into memory as one bbolt value. gofakes3 itself still holds multipart
// upload parts in memory until the upload completes, so a multipart upload
// costs about twice its size in RAM for a moment.
//
// gofakes3 checks no signatures and no credentials: the keys are random
// placeholders, and the server must never listen beyond loopback.
//
// minio-go clients must set DisableContentSha256: true in
// minio.PutObjectOptions (TLS would also do, but the server has none):
// otherwise minio-go signs uploads over plain HTTP with streaming
// "aws-chunked" SHA-256, and gofakes3 stores that chunk framing inside
// multipart parts, corrupting the object.
type S3 struct {
	srv       *http.Server
	ln        net.Listener
	accessKey string
	secretKey string
	served    chan error
	closeOnce sync.Once
	closeErr  error
}

// StartS3 starts an S3 server on 127.0.0.1 with a random port whose objects
// live under dir (created if missing). Objects and buckets survive a restart
// on the same dir. ctx bounds start-up only; the server runs until Close.
func StartS3(ctx context.Context, dir string) (*S3, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("embedded: start s3: %w", err)
	}
	spool := filepath.Join(dir, "spool")
	// Leftovers belong to uploads that were cut off by a crash.
	if err := os.RemoveAll(spool); err != nil {
		return nil, fmt.Errorf("embedded: start s3: clear spool: %w", err)
	}
	if err := os.MkdirAll(spool, 0o700); err != nil {
		return nil, fmt.Errorf("embedded: start s3: %w", err)
	}
	fs, err := s3afero.FsPath(dir, s3afero.FsPathCreateAll)
	if err != nil {
		return nil, fmt.Errorf("embedded: start s3: %w", err)
	}
	backend, err := s3afero.MultiBucket(fs)
	if err != nil {
		return nil, fmt.Errorf("embedded: start s3: backend: %w", err)
	}
	faker := gofakes3.New(&spoolBackend{MultiBucketBackend: backend, dir: spool, buckets: filepath.Join(dir, "buckets")},
		gofakes3.WithoutVersioning())

	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("embedded: start s3: listen: %w", err)
	}
	s := &S3{
		srv: &http.Server{
			Handler:           faker.Server(),
			ReadHeaderTimeout: 10 * time.Second,
			IdleTimeout:       2 * time.Minute,
		},
		ln:        ln,
		accessKey: "embedded-" + rand.Text()[:12],
		secretKey: rand.Text(),
		served:    make(chan error, 1),
	}
	go func() { s.served <- s.srv.Serve(ln) }()
	return s, nil
}

// Endpoint returns the server's host:port, for minio.New.
func (s *S3) Endpoint() string {
	return s.ln.Addr().String()
}

// AccessKey returns the access key to sign requests with. The server checks
// none; any non-empty key works.
func (s *S3) AccessKey() string {
	return s.accessKey
}

// SecretKey returns the secret key paired with AccessKey.
func (s *S3) SecretKey() string {
	return s.secretKey
}

// Close stops accepting requests and waits up to five seconds for those in
// flight, then closes the remaining connections. It is safe to call more
// than once.
func (s *S3) Close() error {
	s.closeOnce.Do(func() { s.closeErr = s.shutdown() })
	return s.closeErr
}

func (s *S3) shutdown() error {
	ctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	err := s.srv.Shutdown(ctx)
	if err != nil {
		err = errors.Join(err, s.srv.Close())
	}
	if serveErr := <-s.served; serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		err = errors.Join(err, serveErr)
	}
	if err != nil {
		return fmt.Errorf("embedded: close s3: %w", err)
	}
	return nil
}
