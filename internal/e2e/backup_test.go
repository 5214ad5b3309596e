package e2e_test

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/storydesk/storydesk/internal/app"
	"github.com/storydesk/storydesk/internal/blob"
	"github.com/storydesk/storydesk/internal/cli"
	"github.com/storydesk/storydesk/internal/config"
	"github.com/storydesk/storydesk/internal/deletion"
	"github.com/storydesk/storydesk/internal/store"
	"github.com/storydesk/storydesk/internal/testenv"
)

// TestBackupRestoreDrill backs a desk up, deletes its database and every
// object, restores the backup and finds every row of every table and every
// object back, bytes and content types equal. A restore over data is
// refused without --force, and a backup is never written into the data dir.
func TestBackupRestoreDrill(t *testing.T) {
	t.Parallel()
	for _, db := range dbs() {
		t.Run(db, func(t *testing.T) {
			t.Parallel()
			b := setup(t, options{db: db, workers: true})
			ctx := context.Background()
			photo, _ := b.deskReady(map[string]string{"title": "Drill photo"}, file{"photo.jpg", "image/jpeg", testenv.JPEGWithGPS(t)})
			b.deskReady(map[string]string{"title": "Drill document"}, file{"doc.pdf", "application/pdf", testenv.MinimalPDF()})
			if err := b.app.Blob.Put(ctx, blob.PublishedKey(photo, "piece.html"), strings.NewReader("<p>drill</p>"), 12, "text/html; charset=utf-8"); err != nil {
				t.Fatal(err)
			}
			b.waitQueueEmpty(15 * time.Second)
			b.stop()
			tables, objects := b.dumpTables(), b.dumpObjects()
			if len(objects) < 3 {
				t.Fatalf("only %d objects: the drill would prove little", len(objects))
			}

			if code, _, stderr := runCLI(t, b.env, "backup", "--out", filepath.Join(b.env["STORYDESK_DATA_DIR"], "b.tar")); code != 2 || !strings.Contains(stderr, "inside the data directory") {
				t.Errorf("backup into the data dir: exit %d, %s", code, stderr)
			}
			out := t.TempDir()
			code, stdout, stderr := runCLI(t, b.env, "backup", "--out", out)
			if code != 0 {
				t.Fatalf("backup: %d %s", code, stderr)
			}
			if !strings.Contains(stderr, "backup: ") || !strings.Contains(stdout, "objects") {
				t.Errorf("backup output: %q %q", stdout, stderr)
			}
			file := onlyFile(t, out)
			if st, _ := os.Stat(file); st.Mode().Perm() != 0o600 {
				t.Errorf("backup mode %v, want 0600", st.Mode().Perm())
			}

			wipe(t, b)
			if n := len(b.dumpObjects()); n != 0 {
				t.Fatalf("%d objects left after the wipe", n)
			}
			if code, _, stderr := runCLI(t, b.env, "restore", "--in", file); code != 0 {
				t.Fatalf("restore: %d %s", code, stderr)
			}
			sameData(t, b, tables, objects)
			if ct := contentType(t, b, blob.PublishedKey(photo, "piece.html")); ct != "text/html; charset=utf-8" {
				t.Errorf("restored content type %q", ct)
			}

			if code, _, stderr := runCLI(t, b.env, "restore", "--in", file); code != 1 || !strings.Contains(stderr, "not empty") {
				t.Errorf("restore over data: exit %d, %s", code, stderr)
			}
			if code, _, stderr := runCLI(t, b.env, "restore", "--in", file, "--force"); code != 0 {
				t.Fatalf("restore --force: %d %s", code, stderr)
			}
			sameData(t, b, tables, objects)
		})
	}
}

// TestRestoreKeepsDeletions: a piece withdrawn and purged after a backup
// was taken stays deleted when that backup is restored, and nothing of its
// text is in the restored database, its files or the objects; a backup
// taken after the purge does not hold it either.
func TestRestoreKeepsDeletions(t *testing.T) {
	t.Parallel()
	for _, db := range dbs() {
		t.Run(db, func(t *testing.T) {
			t.Parallel()
			b := setup(t, options{db: db, workers: true})
			before, gone, keep, needles := withdrawnAfterBackup(t, b)
			wipe(t, b)
			code, stdout, stderr := runCLI(t, b.env, "restore", "--in", before)
			if code != 0 {
				t.Fatalf("restore: %d %s", code, stderr)
			}
			if !strings.Contains(stdout, "1 object left out") {
				t.Errorf("restore output: %q", stdout)
			}
			checkGone(t, b, gone, keep, needles)
			if n := auditCount(t, b, gone, "deletion_reapplied"); n != 1 {
				t.Errorf("%d deletion_reapplied audit entries, want 1", n)
			}

			after := t.TempDir()
			if code, _, stderr := runCLI(t, b.env, "backup", "--out", after); code != 0 {
				t.Fatalf("backup: %d %s", code, stderr)
			}
			for _, where := range scanDir(t, after, needles) {
				t.Error("the purged piece is in a later backup: " + where)
			}
		})
	}
}

// TestStartReappliesDeletions: a database put back by other means than
// the restore command (a file copy, pg_restore) loses the purged piece
// again when StoryDesk starts.
func TestStartReappliesDeletions(t *testing.T) {
	t.Parallel()
	for _, db := range dbs() {
		t.Run(db, func(t *testing.T) {
			t.Parallel()
			b := setup(t, options{db: db, workers: true})
			archive, gone, keep, needles := withdrawnAfterBackup(t, b)
			// The database alone, straight out of the archive.
			dump := filepath.Join(t.TempDir(), "db")
			extract(t, archive, "database.", dump)
			url := b.env["STORYDESK_DATABASE_URL"]
			if path, ok := store.SQLiteFile(url); ok {
				for _, s := range []string{"", "-wal", "-shm"} {
					os.Remove(path + s)
				}
				data, _ := os.ReadFile(dump)
				if err := os.WriteFile(path, data, 0o600); err != nil {
					t.Fatal(err)
				}
			} else {
				resetSchema(t, url)
				if out, err := exec.Command("pg_restore", "--no-owner", "--dbname="+url, dump).CombinedOutput(); err != nil {
					t.Fatalf("pg_restore: %v %s", err, out)
				}
			}
			if n := len(tableText(b.dumpTables(), "submissions", gone)); n == 0 {
				t.Fatal("the piece is not back in the database: the start would prove nothing")
			}
			cfg, err := config.Load(func(k string) string { return b.env[k] })
			if err != nil {
				t.Fatal(err)
			}
			a, err := app.New(context.Background(), cfg, slog.New(slog.DiscardHandler))
			if err != nil {
				t.Fatal(err)
			}
			a.Close()
			checkGone(t, b, gone, keep, needles)
		})
	}
}

// withdrawnAfterBackup submits two pieces, backs up, then has the
// submitter withdraw the first and retention purge it. It stops b and
// returns the backup file, the purged id, the kept one and the purged
// piece's words.
func withdrawnAfterBackup(t *testing.T, b *bundle) (archive, gone, keep string, needles []string) {
	t.Helper()
	ctx := context.Background()
	mark := strings.ToLower(testenv.RandomHex(8))
	needles = []string{"backupsentinel" + mark + "@example.org", "backupbodysentinel" + mark}
	gone, receipt := b.deskReady(map[string]string{"contact_email": needles[0], "body": "Our story: " + needles[1] + " is ours."},
		file{"photo.jpg", "image/jpeg", testenv.JPEGWithGPS(t)})
	keep, _ = b.deskReady(nil, file{"doc.pdf", "application/pdf", testenv.MinimalPDF()})
	b.waitQueueEmpty(15 * time.Second)
	archive = filepath.Join(t.TempDir(), "before.tar")
	if code, _, stderr := runCLI(t, b.env, "backup", "--out", archive); code != 0 {
		t.Fatalf("backup: %d %s", code, stderr)
	}
	if code, res := b.postJSON("/api/v1/status/withdraw", map[string]string{"receipt": receipt}); code != 200 {
		t.Fatalf("withdraw: %d %v", code, res)
	}
	rep, err := b.retention().Run(ctx, time.Now().Add(31*24*time.Hour))
	if err != nil || rep.Deleted != 1 {
		t.Fatalf("retention: %+v %v", rep, err)
	}
	// The log names the piece, withdrawn then deleted, by hashes only.
	log, err := b.app.Blob.Keys(ctx, blob.DeletionLogPrefix)
	if err != nil || !slices.Equal(log, []string{blob.DeletionLogKey(deletion.Hash(gone)), blob.WithdrawalLogKey(deletion.Hash(gone))}) {
		t.Fatalf("deletion log = %v %v", log, err)
	}
	for k, data := range b.dumpObjects() {
		if strings.HasPrefix(k, blob.DeletionLogPrefix) && (strings.Contains(string(data), gone) || strings.Contains(string(data), "attachments/")) {
			t.Errorf("the deletion log holds more than hashes: %s", data)
		}
	}
	b.waitQueueEmpty(15 * time.Second)
	b.stop()
	return archive, gone, keep, needles
}

// checkGone checks that submission gone and its words are nowhere in the
// database or the bucket (nor, on SQLite, in any file of the data dir),
// and that keep is back with its attachment.
func checkGone(t *testing.T, b *bundle, gone, keep string, needles []string) {
	t.Helper()
	tables := b.dumpTables()
	for table, text := range tables {
		if table == "audit" {
			continue // ids and actions only
		}
		for _, n := range append([]string{gone}, needles...) {
			if strings.Contains(text, n) {
				t.Errorf("%q still in table %s", n, table)
			}
		}
	}
	if len(tableText(tables, "submissions", keep)) == 0 {
		t.Error("the kept piece is not back")
	}
	objects := b.dumpObjects()
	kept := false
	for k, data := range objects {
		if strings.Contains(k, gone) {
			t.Errorf("object %s of the purged piece is back", k)
		}
		for _, n := range needles {
			if bytes.Contains(data, []byte(n)) {
				t.Errorf("%q in object %s", n, k)
			}
		}
		kept = kept || strings.HasPrefix(k, blob.AttachmentPrefix(keep))
	}
	if !kept {
		t.Error("the kept piece's attachment is not back")
	}
	if strings.HasPrefix(b.env["STORYDESK_DATABASE_URL"], "sqlite://") {
		for _, where := range scanDir(t, b.env["STORYDESK_DATA_DIR"], needles) {
			t.Error("the purged piece is on disk: " + where)
		}
	}
}

// runCLI runs the storydesk command with the bundle's configuration.
func runCLI(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := cli.Run(context.Background(), cli.Env{Args: args, Stdout: &stdout, Stderr: &stderr, Stdin: strings.NewReader(""),
		Getenv: func(k string) string { return env[k] }})
	return code, stdout.String(), stderr.String()
}

// wipe deletes the stopped bundle's database and every object but the
// deletion log.
func wipe(t *testing.T, b *bundle) {
	t.Helper()
	url := b.env["STORYDESK_DATABASE_URL"]
	if path, ok := store.SQLiteFile(url); ok {
		for _, s := range []string{"", "-wal", "-shm"} {
			if err := os.Remove(path + s); err != nil && !errors.Is(err, os.ErrNotExist) {
				t.Fatal(err)
			}
		}
	} else {
		resetSchema(t, url)
	}
	keys, err := b.app.Blob.Keys(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	keys = slices.DeleteFunc(keys, func(k string) bool { return strings.HasPrefix(k, blob.DeletionLogPrefix) })
	if err := b.app.Blob.Delete(context.Background(), keys...); err != nil {
		t.Fatal(err)
	}
}

func resetSchema(t *testing.T, url string) {
	t.Helper()
	st, err := store.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.ResetSchema(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// sameData compares the bundle's tables (rows in any order) and objects
// with the ones before the backup.
func sameData(t *testing.T, b *bundle, tables map[string]string, objects map[string][]byte) {
	t.Helper()
	now := b.dumpTables()
	for name, text := range tables {
		if sortedLines(now[name]) != sortedLines(text) {
			t.Errorf("table %s differs after the restore:\n%s\nwant\n%s", name, now[name], text)
		}
	}
	if len(now) != len(tables) {
		t.Errorf("%d tables after the restore, want %d", len(now), len(tables))
	}
	got := b.dumpObjects()
	for k, data := range objects {
		if !bytes.Equal(got[k], data) {
			t.Errorf("object %s: %d bytes after the restore, want %d equal bytes", k, len(got[k]), len(data))
		}
	}
	if len(got) != len(objects) {
		t.Errorf("%d objects after the restore, want %d", len(got), len(objects))
	}
}

func sortedLines(s string) string {
	lines := strings.Split(s, "\n")
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}

// tableText returns the rows of table that contain s.
func tableText(tables map[string]string, table, s string) []string {
	var out []string
	for _, line := range strings.Split(tables[table], "\n") {
		if strings.Contains(line, s) {
			out = append(out, line)
		}
	}
	return out
}

func contentType(t *testing.T, b *bundle, key string) string {
	t.Helper()
	o, err := b.app.Blob.Open(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	o.Close()
	return o.ContentType
}

// auditCount counts the audit entries of action on target, read straight
// from the database.
func auditCount(t *testing.T, b *bundle, target, action string) int {
	t.Helper()
	n := 0
	for _, line := range strings.Split(b.dumpTables()["audit"], "\n") {
		if strings.Contains(line, target) && strings.Contains(line, "action="+action+"\t") {
			n++
		}
	}
	return n
}

// onlyFile returns the one file in dir.
func onlyFile(t *testing.T, dir string) string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) != 1 {
		t.Fatalf("files in %s: %v %v", dir, entries, err)
	}
	return filepath.Join(dir, entries[0].Name())
}

// extract writes the archive's first entry whose name starts with prefix to path.
func extract(t *testing.T, archive, prefix, path string) {
	t.Helper()
	f, err := os.Open(archive)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tr := tar.NewReader(f)
	for {
		hdr, err := tr.Next()
		if err != nil {
			t.Fatalf("no %s* in %s: %v", prefix, archive, err)
		}
		if strings.HasPrefix(hdr.Name, prefix) {
			data, err := io.ReadAll(tr)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, data, 0o600); err != nil {
				t.Fatal(err)
			}
			return
		}
	}
}

// TestRestoreKeepsWithdrawal: a piece withdrawn after a backup was taken,
// and not yet deleted by retention, comes back from that backup withdrawn,
// not as it was.
func TestRestoreKeepsWithdrawal(t *testing.T) {
	t.Parallel()
	for _, db := range dbs() {
		t.Run(db, func(t *testing.T) {
			t.Parallel()
			b := setup(t, options{db: db, workers: true})
			id, receipt := b.deskReady(nil)
			b.move(id, store.StatusReady, store.StatusApproved)
			b.waitQueueEmpty(15 * time.Second)
			archive := filepath.Join(t.TempDir(), "before.tar")
			if code, _, stderr := runCLI(t, b.env, "backup", "--out", archive); code != 0 {
				t.Fatalf("backup: %d %s", code, stderr)
			}
			if code, res := b.postJSON("/api/v1/status/withdraw", map[string]string{"receipt": receipt}); code != 200 {
				t.Fatalf("withdraw: %d %v", code, res)
			}
			b.waitQueueEmpty(15 * time.Second)
			b.stop()
			wipe(t, b)
			if code, _, stderr := runCLI(t, b.env, "restore", "--in", archive); code != 0 {
				t.Fatalf("restore: %d %s", code, stderr)
			}
			rows := tableText(b.dumpTables(), "submissions", id)
			if len(rows) != 1 || !strings.Contains(rows[0], "status=withdrawn\t") {
				t.Errorf("restored submission: %v, want it withdrawn", rows)
			}
			if n := auditCount(t, b, id, "withdrawal_reapplied"); n != 1 {
				t.Errorf("%d withdrawal_reapplied audit entries, want 1", n)
			}
		})
	}
}
