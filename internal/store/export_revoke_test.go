package store

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/storydesk/storydesk/internal/blob"
)

// startExport stores a running export that holds the pieces batch returns
// for it (ExportBatchFor records them).
func startExport(t *testing.T, s *Store, f ExportFilter, after ExportCursor, limit int) Export {
	t.Helper()
	ctx := context.Background()
	id := NewExportID()
	e, err := s.CreateExport(ctx, Export{ID: id, RequestedBy: "staff", Filter: f}, OutboxTask{TaskType: "export", TaskID: "export:" + id})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.StartExport(ctx, e.ID, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ExportBatchFor(ctx, e.ID, f, after, limit); err != nil {
		t.Fatal(err)
	}
	return e
}

func exportStatus(t *testing.T, s *Store, id string) Export {
	t.Helper()
	e, err := s.ExportByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// TestExportRevocation: withdrawing a piece revokes, in the same
// transaction, exactly the exports that hold it, with an outbox task each;
// deleting a piece does the same with its own reason, and the tasks
// outlive the piece; an export revoked while it runs cannot be finished.
func TestExportRevocation(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		a, b := approve(t, s, "A"), approve(t, s, "B")
		all := ExportFilter{Status: []Status{StatusApproved}}
		both := startExport(t, s, all, ExportCursor{}, 10)
		if err := s.FinishExport(ctx, both.ID, 2, blob.ExportKey(both.ID), 10, "export:"+both.ID); err != nil {
			t.Fatal(err)
		}
		onlyB := startExport(t, s, all, ExportCursor{CreatedAt: a.CreatedAt, ID: a.ID}, 10)
		if err := s.FinishExport(ctx, onlyB.ID, 1, blob.ExportKey(onlyB.ID), 10, "export:"+onlyB.ID); err != nil {
			t.Fatal(err)
		}
		none := startExport(t, s, ExportFilter{Kind: "oped"}, ExportCursor{}, 10)
		if err := s.RecordExportDownload(ctx, both.ID, "u1", "staff@example.org"); err != nil {
			t.Fatal(err)
		}

		w, err := s.Withdraw(ctx, a.ID, revokeTask)
		if err != nil || !w.Changed {
			t.Fatalf("Withdraw: %+v %v", w, err)
		}
		if len(w.Tasks) != 1 || w.Tasks[0].TaskID != revokeTask(both.ID).TaskID || w.Tasks[0].TaskType != revokeTask(both.ID).TaskType ||
			!strings.Contains(string(w.Tasks[0].Payload), both.ID) {
			t.Errorf("withdrawal tasks = %+v, want the revocation of %s", w.Tasks, both.ID)
		}
		if e := exportStatus(t, s, both.ID); e.Status != ExportRevoked || e.RevokedReason != RevokedWithdrawn || e.RevokedAt.IsZero() {
			t.Errorf("export holding the piece: %+v", e)
		}
		for _, id := range []string{onlyB.ID, none.ID} {
			if e := exportStatus(t, s, id); e.Status == ExportRevoked {
				t.Errorf("export %s without the piece was revoked", id)
			}
		}
		if d, err := s.ExportDownloads(ctx, both.ID); err != nil || len(d) != 1 || d[0].Account != "staff@example.org" || d[0].At.IsZero() {
			t.Errorf("downloads = %+v %v", d, err)
		}
		if w, err := s.Withdraw(ctx, a.ID, revokeTask); err != nil || w.Changed || len(w.Tasks) != 0 {
			t.Errorf("second withdrawal: %+v %v", w, err)
		}

		running := startExport(t, s, all, ExportCursor{}, 10)
		// Its archive is gone, its downloaded copies are not.
		if ok, err := s.ExpireExport(ctx, onlyB.ID); err != nil || !ok {
			t.Fatalf("ExpireExport: %v %v", ok, err)
		}
		keys, err := s.DeleteSubmission(ctx, b.ID, revokeTask)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range []string{onlyB.ID, running.ID} {
			if e := exportStatus(t, s, id); e.Status != ExportRevoked || e.RevokedReason != RevokedDeleted {
				t.Errorf("export %s after deletion: %+v", id, e)
			}
			if !slices.Contains(keys, blob.ExportKey(id)) {
				t.Errorf("keys %v lack the archive of %s", keys, id)
			}
		}
		if err := s.FinishExport(ctx, running.ID, 1, blob.ExportKey(running.ID), 10, "export:"+running.ID); !errors.Is(err, ErrConflict) {
			t.Errorf("FinishExport of a revoked export: %v, want ErrConflict", err)
		}
		if e := exportStatus(t, s, running.ID); e.Status != ExportRevoked {
			t.Errorf("finishing turned a revoked export into %s", e.Status)
		}
		pending, err := s.PendingOutbox(ctx, time.Now().Add(time.Hour), 100)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, p := range pending {
			ids = append(ids, p.TaskID)
		}
		for _, e := range []string{both.ID, onlyB.ID, running.ID} {
			if !slices.Contains(ids, revokeTask(e).TaskID) {
				t.Errorf("outbox %v lacks the revocation of %s", ids, e)
			}
		}
	})
}

// TestForgetDeletedEmptiesLog: after a deletion SQLite's write-ahead log is
// empty (it held the deleted row), unless a reader holds it open; on
// PostgreSQL the call is harmless.
func TestForgetDeletedEmptiesLog(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		sub := newSubmission("Forget me")
		create(t, s, sub)
		var path string
		if s.Dialect() == DialectSQLite {
			if err := s.db.QueryRowContext(ctx, `SELECT file FROM pragma_database_list WHERE name = 'main'`).Scan(&path); err != nil {
				t.Fatal(err)
			}
			// A reader in a transaction (another process: this pool's
			// transactions take the write lock) keeps the log from being emptied.
			other, err := sql.Open("sqlite", "file:"+path)
			if err != nil {
				t.Fatal(err)
			}
			defer other.Close()
			tx, err := other.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM submissions`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if err := s.ForgetDeleted(ctx); !errors.Is(err, ErrLogBusy) {
				t.Errorf("ForgetDeleted with a reader: %v, want ErrLogBusy", err)
			}
			tx.Rollback()
		}
		if _, err := s.DeleteSubmission(ctx, sub.ID, revokeTask); err != nil {
			t.Fatal(err)
		}
		if s.Dialect() != DialectSQLite {
			return
		}
		if fi, err := os.Stat(path + "-wal"); err != nil || fi.Size() != 0 {
			t.Errorf("write-ahead log after a deletion: %v %v, want empty", fi.Size(), err)
		}
	})
}
