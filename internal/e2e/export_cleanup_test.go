package e2e_test

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/storydesk/storydesk/internal/blob"
	"github.com/storydesk/storydesk/internal/export"
	"github.com/storydesk/storydesk/internal/store"
	"github.com/storydesk/storydesk/internal/task"
	"github.com/storydesk/storydesk/workers"
)

// TestExportCleanup lets one export outlive its archive's life: the API
// calls it expired and its download answers 410 at once, the scheduled job
// deletes its object and marks it expired, and a young export is
// untouched. Several cleanup workers at once do the work once, without error.
func TestExportCleanup(t *testing.T) {
	t.Parallel()
	for _, db := range dbs() {
		t.Run(db, func(t *testing.T) {
			t.Parallel()
			b := setup(t, options{db: db, workers: true})
			ctx := context.Background()
			staff := b.editorToken("staff@example.org", "staff", "")
			b.approved(fieldsWith())
			old, oldLink := b.finishedExport(staff)
			young, youngLink := b.finishedExport(staff)
			b.backdateExport(old, export.ArchiveLife+time.Hour)

			// Past its life the archive is gone for the API before the job runs.
			if _, st := b.call(http.MethodGet, "/api/v1/exports/"+old, staff, ""); st["status"] != store.ExportExpired || st["download_url"] != nil {
				t.Errorf("expired export before the job = %v", st)
			}
			b.wantGone(oldLink, staff)

			for range 2 { // the job is safe to run twice
				if _, err := b.app.Queue.Enqueue(asynq.NewTask(task.TypeExportCleanup, nil)); err != nil {
					t.Fatal(err)
				}
			}
			waitFor(t, 15*time.Second, "the cleanup job to expire the export", func() (bool, any) {
				e, err := b.app.Store.ExportByID(ctx, old)
				if err != nil {
					return false, err
				}
				return e.Status == store.ExportExpired, "status " + e.Status
			})
			if ok, err := b.app.Blob.Exists(ctx, blob.ExportKey(old)); ok || err != nil {
				t.Errorf("expired archive still in S3: %v %v", ok, err)
			}
			b.wantGone(oldLink, staff)

			// The young export keeps its row, its object and its download.
			if e, err := b.app.Store.ExportByID(ctx, young); err != nil || e.Status != store.ExportDone {
				t.Errorf("young export = %+v, %v", e, err)
			}
			if ok, err := b.app.Blob.Exists(ctx, blob.ExportKey(young)); !ok || err != nil {
				t.Errorf("young archive gone from S3: %v %v", ok, err)
			}
			_, st := b.call(http.MethodGet, "/api/v1/exports/"+young, staff, "")
			if st["status"] != store.ExportDone || st["download_url"] == nil || st["expires_at"] == nil {
				t.Errorf("young export = %v", st)
			}
			if code, _ := b.fetch(youngLink, staff); code != http.StatusOK {
				t.Errorf("young download: %d, want 200", code)
			}

			// Four workers on one expired export at once.
			third, _ := b.finishedExport(staff)
			b.backdateExport(third, export.ArchiveLife)
			h := workers.NewExportCleanup(b.app.Store, b.app.Blob, b.app.Log)
			var wg sync.WaitGroup
			errs := make(chan error, 4)
			for range 4 {
				wg.Go(func() { errs <- h.ProcessTask(ctx, asynq.NewTask(task.TypeExportCleanup, nil)) })
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Errorf("concurrent cleanup: %v", err)
				}
			}
			if e, _ := b.app.Store.ExportByID(ctx, third); e.Status != store.ExportExpired {
				t.Errorf("third export after concurrent cleanup: %s", e.Status)
			}
			if keys, _ := b.app.Blob.Keys(ctx, "exports/"); len(keys) != 1 || keys[0] != blob.ExportKey(young) {
				t.Errorf("export objects = %v, want only the young one", keys)
			}

			// The scheduler runs it: it is a periodic job of the job table,
			// which the Scheduler enqueues every period.
			jobs := workers.NewJobs(workers.Deps{Store: b.app.Store, Blob: b.app.Blob, Dispatch: b.app.Dispatch,
				Redis: b.app.RedisOpt, Config: b.app.Config, Log: b.app.Log, TempDir: b.app.TempDir})
			if !slices.Contains(jobs.Periodic(), task.TypeExportCleanup) {
				t.Errorf("periodic jobs %v lack %s", jobs.Periodic(), task.TypeExportCleanup)
			}
		})
	}
}

// backdateExport moves an export's finish back by age, in the database
// itself: nothing in the app may change the past.
func (b *bundle) backdateExport(id string, age time.Duration) {
	b.t.Helper()
	b.execOne(`UPDATE exports SET finished_at = $1 WHERE id = $2`, time.Now().Add(-age).UnixMicro(), id)
}

// execOne runs a statement that must change exactly one row on the bundle's
// database, bypassing the app: for states its rules would never produce.
func (b *bundle) execOne(query string, args ...any) {
	b.t.Helper()
	res, err := b.openDB().ExecContext(context.Background(), query, args...)
	if err != nil {
		b.t.Fatalf("%s: %v", query, err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		b.t.Fatalf("%s: %d rows, %v", query, n, err)
	}
}

// wantGone checks that a download link answers 410 with a message that
// says what to do.
func (b *bundle) wantGone(link, token string) {
	b.t.Helper()
	code, body := b.fetch(link, token)
	var res map[string]any
	json.Unmarshal(body, &res)
	if msg, _ := res["error"].(string); code != http.StatusGone || !strings.Contains(msg, "expired") || !strings.Contains(msg, "new export") {
		b.t.Errorf("download of an expired export: %d %s, want 410 saying to start a new export", code, body)
	}
}
