package e2e_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/storydesk/storydesk/internal/store"
	"github.com/storydesk/storydesk/internal/task"
	"github.com/storydesk/storydesk/workers"
)

// rechecks counts the history entries of findings re-checked for revision n.
func rechecks(rec map[string]any, n string) int {
	c := 0
	for _, e := range rec["history"].([]any) {
		ev := e.(map[string]any)
		if ev["action"] == store.RecheckedAction && ev["detail"] == "revision "+n {
			c++
		}
	}
	return c
}

// TestFindingsFollowRevisions: the automated review's findings follow the
// current text. A submitter's revision that adds a phone number and an
// address gets them listed; an editor's edit that takes them out empties
// the list again (through the outbox reconciler: the edit handler holds no
// dispatcher); no re-check moves the status; and a task delivered again
// records nothing twice.
func TestFindingsFollowRevisions(t *testing.T) {
	t.Parallel()
	for _, db := range dbs() {
		t.Run(db, func(t *testing.T) {
			t.Parallel()
			b := setup(t, options{db: db, workers: true})
			ctx := context.Background()
			fields := validFields()
			fields["body"] = "We came in 2015.\n\nOur garden feeds the whole street on Sundays."
			code, res := b.submit(fields)
			if code != http.StatusCreated {
				t.Fatalf("submit: %d %v", code, res)
			}
			id, receipt := res["id"].(string), res["receipt"].(string)
			b.waitReady(id, 15*time.Second)
			b.waitFindings(id, []string{}, time.Second)

			b.move(id, store.StatusReady, store.StatusChangesRequested)
			code, got := b.postJSON("/api/v1/status/reply", map[string]string{"receipt": receipt, "message": "Here it is",
				"title": "Our garden", "body": "We came in 2015.\n\nCall me at (512) 555-0134, I live at 42 Oak Street."})
			if code != http.StatusOK || got["status"] != "ready" {
				t.Fatalf("revision: %d %v", code, got)
			}
			rec := b.waitFindings(id, []string{"address", "phone"}, 15*time.Second)
			if rec["status"] != "ready" || rechecks(rec, "2") != 1 {
				t.Errorf("after the re-check: status %v, %d re-check entries for revision 2", rec["status"], rechecks(rec, "2"))
			}

			b.move(id, store.StatusReady, store.StatusApproved)
			code, got = b.call(http.MethodPut, "/api/v1/submissions/"+id, b.token,
				`{"body": "We came in 2015.\n\nWrite to the office, not to me."}`)
			if code != http.StatusOK || got["revision"] != float64(3) {
				t.Fatalf("edit: %d %v", code, got)
			}
			// The reconciler runs every 5 s on rows older than 10 s.
			rec = b.waitFindings(id, []string{}, 40*time.Second)
			if rec["status"] != "approved" || rechecks(rec, "3") != 1 {
				t.Errorf("after the edit's re-check: status %v, %d re-check entries for revision 3", rec["status"], rechecks(rec, "3"))
			}

			// Delivered again, by hand and through the queue, the current
			// revision's task and the outdated one record nothing more.
			h := workers.NewFindings(b.app.Store, b.app.Log)
			for _, n := range []int{3, 3, 2} {
				tk := task.Findings(id, n)
				if err := h.ProcessTask(ctx, asynq.NewTask(tk.TaskType, tk.Payload)); err != nil {
					t.Fatalf("redelivery of revision %d: %v", n, err)
				}
			}
			if err := b.app.Dispatch.Dispatch(ctx, task.Findings(id, 3), task.Findings(id, 2)); err != nil {
				t.Fatal(err)
			}
			b.waitQueueEmpty(10 * time.Second)
			_, rec = b.get("/api/v1/submissions/" + id)
			if n2, n3 := rechecks(rec, "2"), rechecks(rec, "3"); n2 != 1 || n3 != 1 || len(findingKinds(rec)) != 0 || rec["status"] != "approved" {
				t.Errorf("after redeliveries: %d and %d re-check entries, findings %v, status %v; want 1, 1, none, approved",
					n2, n3, findingKinds(rec), rec["status"])
			}
			pending, err := b.app.Store.PendingOutbox(ctx, farFuture(), 100)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range pending {
				if strings.HasPrefix(p.TaskID, "findings:") {
					t.Errorf("outbox row %s is not done", p.TaskID)
				}
			}
		})
	}
}
