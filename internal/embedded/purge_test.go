package embedded

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/storydesk/storydesk/internal/blob"
)

// TestS3PurgeLeavesNoFolders: blob.PurgePrefix, as retention runs it, removes
// a piece's objects from the embedded S3 without an error (the server has
// no multipart uploads to list) and leaves no folder naming the piece.
// Another piece's folder stays.
func TestS3PurgeLeavesNoFolders(t *testing.T) {
	dir := t.TempDir()
	s, c := startS3(t, dir)
	makeBucket(t, c)
	put(t, c, "attachments/piece-1/a.jpg", randomBytes(t, 1000))
	put(t, c, "attachments/piece-1/b.pdf", randomBytes(t, 1000))
	put(t, c, "attachments/piece-2/a.jpg", randomBytes(t, 1000))
	bl, err := blob.New(blob.Options{Endpoint: s.Endpoint(), AccessKey: s.AccessKey(), SecretKey: s.SecretKey(),
		Bucket: testBucket, Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	n, err := bl.PurgePrefix(t.Context(), "attachments/piece-1/")
	if err != nil || n != 2 {
		t.Fatalf("PurgePrefix = %d, %v; want 2 objects and no error", n, err)
	}
	objects := filepath.Join(dir, "buckets", testBucket, "attachments")
	if _, err := os.Stat(filepath.Join(objects, "piece-1")); !os.IsNotExist(err) {
		t.Errorf("the purged piece's folder is still there: %v", err)
	}
	if _, err := os.Stat(filepath.Join(objects, "piece-2", "a.jpg")); err != nil {
		t.Errorf("the other piece's object: %v", err)
	}
	if err := bl.Delete(t.Context(), "attachments/piece-2/a.jpg"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(objects); !os.IsNotExist(err) {
		t.Errorf("attachments/ left empty: %v", err)
	}
	// A new object under the removed folders is stored as usual.
	put(t, c, "attachments/piece-3/a.jpg", randomBytes(t, 10))
	if got := get(t, c, "attachments/piece-3/a.jpg"); len(got) != 10 {
		t.Errorf("read back %d bytes", len(got))
	}
}
