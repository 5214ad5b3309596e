package e2e_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/storydesk/storydesk/internal/export"
	"github.com/storydesk/storydesk/internal/store"
	"github.com/storydesk/storydesk/internal/task"
	"github.com/storydesk/storydesk/internal/testenv"
	"github.com/storydesk/storydesk/workers"
)

// TestWithdrawalRevokesExports: a staff export holds a piece and its photo;
// staff downloads it; the submitter withdraws through the status API. From
// that moment the download answers 410 saying why, the archive leaves S3,
// and the export reads "revoked" with the reason and who downloaded it when,
// so staff can ask them to delete their copy. An export without the piece
// is left alone.
func TestWithdrawalRevokesExports(t *testing.T) {
	t.Parallel()
	for _, db := range dbs() {
		t.Run(db, func(t *testing.T) {
			t.Parallel()
			b := setup(t, options{db: db, workers: true})
			ctx := context.Background()
			staff := b.editorToken("staff@example.org", "staff", "")
			id, receipt := b.deskReady(map[string]string{"consent_photos": "true", "site": "Austin"},
				file{"p.jpg", "image/jpeg", testenv.JPEGWithGPS(t)})
			b.move(id, store.StatusReady, store.StatusApproved)
			b.approved(fieldsWith("title", "Stays", "site", "El Paso"))

			exp, link := b.finishedExport(staff)
			code, res := b.call(http.MethodPost, "/api/v1/exports", staff, `{"site":"El Paso"}`)
			if code != http.StatusAccepted {
				t.Fatalf("start export: %d %v", code, res)
			}
			keep := res["id"].(string)
			waitFor(t, 30*time.Second, "second export done", func() (bool, any) {
				_, st := b.call(http.MethodGet, "/api/v1/exports/"+keep, staff, "")
				return st["status"] == "done", st
			})
			if code, body := b.fetch(link, staff); code != http.StatusOK || len(body) == 0 {
				t.Fatalf("download before withdrawal: %d", code)
			}

			if code, res := b.postJSON("/api/v1/status/withdraw", map[string]string{"receipt": receipt}); code != http.StatusOK {
				t.Fatalf("withdraw: %d %v", code, res)
			}
			// At once, not after the job: the withdrawal commits the revocation.
			code, body := b.fetch(link, staff)
			var gone map[string]any
			json.Unmarshal(body, &gone)
			if msg, _ := gone["error"].(string); code != http.StatusGone || !strings.Contains(msg, "withdrawn") {
				t.Errorf("download after withdrawal: %d %.80q, want 410 saying a piece was withdrawn", code, body)
			}
			waitFor(t, 30*time.Second, "revoked archive deleted", func() (bool, any) {
				keys, err := b.app.Blob.Keys(ctx, "exports/")
				return err == nil && slices.Equal(keys, []string{"exports/" + keep + ".zip"}), fmt.Sprint(keys, err)
			})

			_, st := b.call(http.MethodGet, "/api/v1/exports/"+exp, staff, "")
			if st["status"] != "revoked" || st["download_url"] != nil {
				t.Errorf("export after withdrawal = %v, want revoked without a link", st)
			}
			if reason, _ := st["revoked_reason"].(string); !strings.Contains(reason, "withdrawn") {
				t.Errorf("revoked_reason = %q", reason)
			}
			downloads, _ := st["downloads"].([]any)
			if len(downloads) != 1 {
				t.Fatalf("downloads = %v, want the one download", st["downloads"])
			}
			d := downloads[0].(map[string]any)
			if d["account"] != "staff@example.org" || d["at"] == nil {
				t.Errorf("download = %v, want staff@example.org with a time", d)
			}
			if _, st := b.call(http.MethodGet, "/api/v1/exports/"+keep, staff, ""); st["status"] != "done" {
				t.Errorf("export without the piece = %v, want done", st)
			}
			_, page := b.deskPage("/desk/exports", b.deskSession("staff@example.org"), nil)
			if !strings.Contains(page, "Revoked") || !strings.Contains(page, "staff@example.org") || !strings.Contains(page, "Export again without it") {
				t.Errorf("exports page does not show the revocation and its downloads:\n%s", page)
			}
		})
	}
}

// TestExportRevokedWhileRunning: an export whose run died after it recorded
// its pieces is revoked by a withdrawal; when its task comes back, the job
// writes no archive and closes its outbox row, so the reconciler stops
// handing it back, while the revocation's own task stays due.
func TestExportRevokedWhileRunning(t *testing.T) {
	t.Parallel()
	b := setup(t, options{db: "postgres"}) // no workers: the test runs the handler
	ctx := context.Background()
	code, res := b.submit(fieldsWith("title", "Goes during the export"))
	if code != http.StatusCreated {
		t.Fatalf("submit: %d %v", code, res)
	}
	id, receipt := res["id"].(string), res["receipt"].(string)
	b.move(id, store.StatusReceived, store.StatusApproved)
	exp := store.NewExportID()
	if _, err := b.app.Store.CreateExport(ctx, store.Export{ID: exp, RequestedBy: "staff"}, task.Export(exp)); err != nil {
		t.Fatal(err)
	}
	if err := b.app.Store.StartExport(ctx, exp, 1); err != nil {
		t.Fatal(err)
	}
	if batch, err := b.app.Store.ExportBatchFor(ctx, exp, store.ExportFilter{}, store.ExportCursor{}, 10); err != nil || len(batch) != 1 {
		t.Fatalf("batch: %d pieces, %v", len(batch), err)
	}
	if code, res := b.postJSON("/api/v1/status/withdraw", map[string]string{"receipt": receipt}); code != http.StatusOK {
		t.Fatalf("withdraw: %d %v", code, res)
	}
	tmp := t.TempDir()
	h := workers.NewExport(b.app.Store, b.app.Blob, export.New(b.app.Store, b.app.Blob, tmp), tmp, nil, b.app.Log)
	t0 := task.Export(exp)
	if err := h.ProcessTask(ctx, asynq.NewTask(t0.TaskType, t0.Payload)); err != nil {
		t.Fatalf("export task of a revoked export: %v", err)
	}
	if e, err := b.app.Store.ExportByID(ctx, exp); err != nil || e.Status != store.ExportRevoked {
		t.Errorf("export = %+v %v, want revoked", e, err)
	}
	if keys, _ := b.app.Blob.Keys(ctx, "exports/"); len(keys) != 0 {
		t.Errorf("archives written: %v", keys)
	}
	pending, err := b.app.Store.PendingOutbox(ctx, time.Now().Add(time.Hour), 100)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, p := range pending {
		ids = append(ids, p.TaskID)
	}
	if slices.Contains(ids, t0.TaskID) || !slices.Contains(ids, task.ExportRevokeID(exp)) {
		t.Errorf("outbox due = %v, want the revocation and not the export", ids)
	}
}
