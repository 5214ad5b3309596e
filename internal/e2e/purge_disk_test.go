package e2e_test

import (
	"bytes"
	"context"
	"database/sql"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/storydesk/storydesk/internal/store"
	"github.com/storydesk/storydesk/internal/testenv"
)

// purgedOnEmbedded submits a piece with a photo and the given e-mail and
// body on the embedded default, rejects it and returns its id: the next
// retention run 31 days on deletes it.
func purgedOnEmbedded(t *testing.T, email, body string) (*bundle, string) {
	t.Helper()
	b := setup(t, options{db: "sqlite", embedded: true, workers: true})
	f := validFields()
	f["contact_email"], f["body"] = email, body
	code, res := b.submit(f, file{"photo.jpg", "image/jpeg", testenv.JPEGWithGPS(t)})
	if code != 201 {
		t.Fatalf("submit: %d %v", code, res)
	}
	id := res["id"].(string)
	b.waitStatus(id, "ready", 15*time.Second)
	b.move(id, store.StatusReady, store.StatusRejected)
	return b, id
}

// TestEmbeddedPurgeSucceeds: on the embedded default, retention deletes a
// piece's files without an error, the audit says so, and no empty folder
// of the piece stays on disk.
func TestEmbeddedPurgeSucceeds(t *testing.T) {
	t.Parallel()
	b, id := purgedOnEmbedded(t, "ana@example.org", "A story with a photo.")
	ctx := context.Background()
	rep, err := b.retention().Run(ctx, time.Now().Add(31*24*time.Hour))
	if err != nil || rep.Deleted != 1 || rep.Objects < 1 {
		t.Fatalf("retention: %+v %v", rep, err)
	}
	// Beside the editor's decision, one deletion entry: the whole purge.
	audit, err := b.app.Store.AuditLog(ctx, id, 10)
	var deletions []string
	for _, a := range audit {
		if a.Action == "retention_deleted" {
			deletions = append(deletions, a.Detail)
		}
	}
	if err != nil || len(deletions) != 1 || deletions[0] != "rows deleted" {
		t.Errorf("audit = %+v %v, want one deletion entry saying rows deleted", audit, err)
	}
	buckets := filepath.Join(b.env["STORYDESK_DATA_DIR"], "s3", "buckets")
	filepath.WalkDir(buckets, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() || filepath.Dir(path) == buckets || path == buckets {
			return err
		}
		if entries, _ := os.ReadDir(path); len(entries) == 0 {
			t.Errorf("empty folder left: %s", strings.TrimPrefix(path, buckets))
		}
		return nil
	})
}

// TestPurgeLeavesNoBytesOnDisk: after retention deletes a piece, no file
// under the data directory (the database, its -wal and -shm, the embedded
// S3's objects and metadata, temporary and spool folders) holds its e-mail
// address or a word of its body, as UTF-8 or UTF-16. A reader that holds an
// old snapshot open keeps the write-ahead log from being emptied: the run
// says so, and the next run, once the reader is gone, finishes the job.
func TestPurgeLeavesNoBytesOnDisk(t *testing.T) {
	t.Parallel()
	mark := strings.ToLower(testenv.RandomHex(8))
	email, word := "walsentinel"+mark+"@example.org", "walbodysentinel"+mark
	b, _ := purgedOnEmbedded(t, email, "Our story: "+word+" stays with us.")
	ctx := context.Background()
	dir := b.env["STORYDESK_DATA_DIR"]
	needles := []string{email, word}
	if len(scanDir(t, dir, needles)) == 0 {
		t.Fatal("the piece is on no file: the scan below would prove nothing")
	}

	// A reader with a snapshot from before the deletion.
	path, _ := strings.CutPrefix(b.env["STORYDESK_DATABASE_URL"], "sqlite://")
	reader, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	tx, err := reader.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM submissions`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(31 * 24 * time.Hour)
	rep, err := b.retention().Run(ctx, later)
	if rep.Deleted != 1 {
		t.Fatalf("retention: %+v %v", rep, err)
	}
	if err == nil || !strings.Contains(err.Error(), "checkpoint") {
		t.Errorf("retention with a reader holding the log: err = %v, want one naming the checkpoint", err)
	}
	tx.Rollback()

	if _, err := b.retention().Run(ctx, later); err != nil {
		t.Fatalf("retention once the reader is gone: %v", err)
	}
	for _, where := range scanDir(t, dir, needles) {
		t.Error("purged piece still on disk: " + where)
	}
}

// scanDir reports every file under dir holding one of needles, as UTF-8 or
// UTF-16 (either byte order).
func scanDir(t *testing.T, dir string, needles []string) []string {
	t.Helper()
	var forms [][]byte
	for _, s := range needles {
		forms = append(forms, []byte(s))
		for _, bigEndian := range []bool{false, true} {
			var u []byte
			for _, r := range utf16.Encode([]rune(s)) {
				if bigEndian {
					u = append(u, byte(r>>8), byte(r))
				} else {
					u = append(u, byte(r), byte(r>>8))
				}
			}
			forms = append(forms, u)
		}
	}
	var found []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			if os.IsNotExist(err) {
				return nil // a temporary file that went meanwhile
			}
			return err
		}
		for i, f := range forms {
			if bytes.Contains(data, f) {
				found = append(found, needles[i/3]+" in "+strings.TrimPrefix(path, dir))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return found
}
