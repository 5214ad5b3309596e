package embedded

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

const testBucket = "storydesk"

// s3Client connects to s with the options StoryDesk uses against gofakes3.
func s3Client(t *testing.T, s *S3) *minio.Client {
	t.Helper()
	c, err := minio.New(s.Endpoint(), &minio.Options{
		Creds:  credentials.NewStaticV4(s.AccessKey(), s.SecretKey(), ""),
		Region: "us-east-1",
	})
	if err != nil {
		t.Fatalf("minio.New: %v", err)
	}
	return c
}

func startS3(t *testing.T, dir string) (*S3, *minio.Client) {
	t.Helper()
	s, err := StartS3(t.Context(), dir)
	if err != nil {
		t.Fatalf("StartS3: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s, s3Client(t, s)
}

func randomBytes(t *testing.T, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatalf("random: %v", err)
	}
	return b
}

func put(t *testing.T, c *minio.Client, key string, data []byte) {
	t.Helper()
	_, err := c.PutObject(t.Context(), testBucket, key, bytes.NewReader(data), int64(len(data)),
		minio.PutObjectOptions{
			ContentType:          "application/octet-stream",
			PartSize:             5 << 20,
			DisableContentSha256: true,
		})
	if err != nil {
		t.Fatalf("PutObject %s: %v", key, err)
	}
}

func get(t *testing.T, c *minio.Client, key string) []byte {
	t.Helper()
	obj, err := c.GetObject(t.Context(), testBucket, key, minio.GetObjectOptions{})
	if err != nil {
		t.Fatalf("GetObject %s: %v", key, err)
	}
	defer obj.Close()
	got, err := io.ReadAll(obj)
	if err != nil {
		t.Fatalf("read %s: %v", key, err)
	}
	return got
}

func makeBucket(t *testing.T, c *minio.Client) {
	t.Helper()
	if err := c.MakeBucket(t.Context(), testBucket, minio.MakeBucketOptions{}); err != nil {
		t.Fatalf("MakeBucket: %v", err)
	}
}

func TestS3MultipartRoundTrip(t *testing.T) {
	_, c := startS3(t, t.TempDir())
	makeBucket(t, c)

	data := randomBytes(t, 12<<20) // three parts of at most 5 MiB
	put(t, c, "attachments/big.bin", data)

	info, err := c.StatObject(t.Context(), testBucket, "attachments/big.bin", minio.StatObjectOptions{})
	if err != nil {
		t.Fatalf("StatObject: %v", err)
	}
	if info.Size != int64(len(data)) {
		t.Fatalf("stored size %d, want %d", info.Size, len(data))
	}
	if got := get(t, c, "attachments/big.bin"); sha256.Sum256(got) != sha256.Sum256(data) {
		t.Fatalf("object read back differs from what was written (%d bytes, want %d)", len(got), len(data))
	}
}

func TestS3PresignedGet(t *testing.T) {
	_, c := startS3(t, t.TempDir())
	makeBucket(t, c)
	data := []byte("a story worth telling\n")
	put(t, c, "stories/one.txt", data)

	u, err := c.PresignedGetObject(t.Context(), testBucket, "stories/one.txt", time.Minute, nil)
	if err != nil {
		t.Fatalf("PresignedGetObject: %v", err)
	}
	resp, err := http.Get(u.String())
	if err != nil {
		t.Fatalf("GET presigned URL: %v", err)
	}
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	if resp.StatusCode != http.StatusOK || !bytes.Equal(got, data) {
		t.Fatalf("presigned GET: status %d body %q, want 200 %q", resp.StatusCode, got, data)
	}
}

func TestS3SurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	first, err := StartS3(t.Context(), dir)
	if err != nil {
		t.Fatalf("StartS3: %v", err)
	}
	c := s3Client(t, first)
	makeBucket(t, c)
	data := randomBytes(t, 64<<10)
	put(t, c, "kept.bin", data)
	if err := first.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := first.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}

	_, c = startS3(t, dir)
	ok, err := c.BucketExists(t.Context(), testBucket)
	if err != nil || !ok {
		t.Fatalf("BucketExists after restart: %v, %v", ok, err)
	}
	if got := get(t, c, "kept.bin"); !bytes.Equal(got, data) {
		t.Fatal("object differs after restart")
	}
}
