package app_test

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/storydesk/storydesk/internal/store"
	"github.com/storydesk/storydesk/internal/testenv"
)

// TestWithdrawalRevokesExports: a staff export holds a piece and its photo;
// staff downloads it; the submitter withdraws through the status API. From
// that moment the download answers 410 saying why, the archive leaves S3,
// and the export reads "revoked" with the reason and who downloaded it when,
// so staff can ask them to delete their copy. An export without the piece
// is left alone.
func TestWithdrawalRevokesExports(t *testing.T) {
	for _, db := range dbs() {
		t.Run(db, func(t *testing.T) {
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
			waitFor(t, 30*time.Second, "second export done", func() bool {
				_, st := b.call(http.MethodGet, "/api/v1/exports/"+keep, staff, "")
				return st["status"] == "done"
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
			waitFor(t, 30*time.Second, "revoked archive deleted", func() bool {
				keys, err := b.app.Blob.Keys(ctx, "exports/")
				return err == nil && slices.Equal(keys, []string{"exports/" + keep + ".zip"})
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
