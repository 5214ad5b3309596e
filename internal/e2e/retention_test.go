package e2e_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/storydesk/storydesk/internal/blob"
	"github.com/storydesk/storydesk/internal/store"
	"github.com/storydesk/storydesk/internal/task"
	"github.com/storydesk/storydesk/internal/testenv"
	"github.com/storydesk/storydesk/workers"
)

// TestDeletionLeavesNothing rejects a submission that has an attachment, a
// published file, messages, a revision, a translation with two revisions,
// consent entries and a queued task, lets the retention windows pass, and
// then searches every table, every object, every Redis key and value and
// the logs: nothing of it is left but one audit entry without personal
// data. A young submission survives.
func TestDeletionLeavesNothing(t *testing.T) {
	t.Parallel()
	for _, db := range dbs() {
		t.Run(db, func(t *testing.T) {
			t.Parallel()
			b := setup(t, options{db: db, workers: true})
			ctx := context.Background()
			f := validFields()
			f["author_name"], f["contact_email"] = "Quetzalli Deletable", "quetzalli.deletable@example.org"
			f["body"] = "Deletable story text about our family."
			code, res := b.submit(f, file{"photo.jpg", "image/jpeg", testenv.JPEGWithGPS(t)})
			if code != 201 {
				t.Fatalf("submit: %d %v", code, res)
			}
			id, receipt := res["id"].(string), res["receipt"].(string)
			code, res = b.submit(validFields())
			if code != 201 {
				t.Fatal(code)
			}
			keep := res["id"].(string)
			b.waitStatus(id, "ready", 15*time.Second)
			b.waitStatus(keep, "ready", 15*time.Second)
			if code, _ := b.postJSON("/api/v1/status/reply", map[string]string{"receipt": receipt, "message": "Deletable reply"}); code != 200 {
				t.Fatalf("reply: %d", code)
			}
			// A translation with two revisions: the purge takes them too.
			if code, res := b.deskCall(http.MethodPost, "/api/v1/submissions/"+id+"/translations", b.token,
				map[string]string{"language": "es", "title": "Deletable traducción", "body": "Texto Deletable traducido."}); code != http.StatusCreated {
				t.Fatalf("translation: %d %v", code, res)
			}
			if code, res := b.deskCall(http.MethodPut, "/api/v1/submissions/"+id+"/translations/es", b.token,
				map[string]string{"title": "Deletable traducción", "body": "Texto Deletable revisado."}); code != http.StatusOK {
				t.Fatalf("translation edit: %d %v", code, res)
			}
			if _, err := b.app.Store.AddMessage(ctx, id, store.Message{FromEditor: true, Body: "Editor note"}); err != nil {
				t.Fatal(err)
			}
			if err := b.app.Blob.Put(ctx, "published/"+id+"/piece.html", strings.NewReader("<p>Deletable</p>"), 16, "text/html"); err != nil {
				t.Fatal(err)
			}
			// A photo's narrower copy for phones, as the publish job writes it.
			if err := b.app.Blob.Put(ctx, blob.PublishedImageWidthKey(id, "photo-1.jpg", 480), strings.NewReader("Deletable photo"), 15, "image/jpeg"); err != nil {
				t.Fatal(err)
			}
			// A task still waiting for the submission, as a publish job would be.
			if _, err := b.app.Queue.Enqueue(asynq.NewTask("later", []byte(`{"submission_id":"`+id+`"}`)),
				asynq.TaskID("later:"+id), asynq.ProcessIn(24*time.Hour)); err != nil {
				t.Fatal(err)
			}
			b.move(id, store.StatusReady, store.StatusRejected)

			// Not yet: 29 days later everything is still there.
			if rep, err := b.retention().Run(ctx, time.Now().Add(29*24*time.Hour)); err != nil || rep.Deleted != 0 {
				t.Fatalf("after 29 days: %+v %v", rep, err)
			}
			if len(b.findAnywhere([]string{id}, "audit")) < 4 {
				t.Fatal("the submission is not spread over the stores: the search below would prove nothing")
			}
			rep, err := b.retention().Run(ctx, time.Now().Add(31*24*time.Hour))
			if err != nil || rep.Deleted != 1 || rep.Objects < 3 || rep.Tasks != 1 {
				t.Fatalf("after 31 days: %+v %v", rep, err)
			}
			personal := []string{"Quetzalli", "quetzalli.deletable", "Deletable", receipt}
			for _, where := range b.findAnywhere(append([]string{id}, personal...), "audit") {
				if !strings.HasPrefix(where, `"`+id+`" in logs`) { // ids in logs are not personal data
					t.Error("left behind: " + where)
				}
			}
			for _, where := range b.findAnywhere(personal) {
				t.Error("personal data left: " + where)
			}
			// The editor's decision and the deletion, nothing else.
			audit, err := b.app.Store.AuditLog(ctx, id, 10)
			var actions []string
			for _, a := range audit {
				actions = append(actions, a.Action)
			}
			slices.Sort(actions)
			if err != nil || !slices.Equal(actions, []string{"decision", "retention_deleted"}) {
				t.Errorf("audit: %v %+v", err, audit)
			}
			if s, err := b.app.Store.Submission(ctx, keep); err != nil || s.AuthorName != "Maria Lopez" {
				t.Errorf("the young submission was touched: %v %+v", err, s)
			}
			if code, _ := b.status(receipt); code != 404 {
				t.Errorf("status of a deleted submission: %d, want 404", code)
			}
		})
	}
}

// TestRetentionConcurrentWorkers: three workers run retention at once; each
// due submission is deleted and audited exactly once, without errors.
func TestRetentionConcurrentWorkers(t *testing.T) {
	t.Parallel()
	b := setup(t, options{db: "postgres", workers: true})
	ctx := context.Background()
	var ids []string
	for range 4 {
		code, res := b.submit(validFields(), file{"doc.pdf", "application/pdf", testenv.MinimalPDF()})
		if code != 201 {
			t.Fatal(code)
		}
		ids = append(ids, res["id"].(string))
	}
	for _, id := range ids {
		b.waitStatus(id, "ready", 15*time.Second)
	}
	b.move(ids[0], store.StatusReady, store.StatusRejected)
	if code, _ := b.postJSON("/api/v1/status/withdraw", map[string]string{"receipt": "x"}); code != 404 {
		t.Fatal(code)
	}
	if _, err := b.app.Store.Withdraw(ctx, ids[1], task.ExportRevoke); err != nil {
		t.Fatal(err)
	}
	b.move(ids[2], store.StatusReady, store.StatusApproved)
	// ids[3] stays ready: unreviewed, deleted after 180 days, not after 31.
	var wg sync.WaitGroup
	errs := make(chan error, 3)
	reps := make(chan workers.RetentionReport, 3)
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rep, err := b.retention().Run(ctx, time.Now().Add(31*24*time.Hour))
			errs <- err
			reps <- rep
		}()
	}
	wg.Wait()
	close(errs)
	close(reps)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	total := workers.RetentionReport{}
	for r := range reps {
		total.Deleted += r.Deleted
		total.ContactDropped += r.ContactDropped
	}
	if total.Deleted != 2 || total.ContactDropped != 0 {
		// validFields has no contact details, so no contact rule applies.
		t.Errorf("deleted %d (want 2), contact dropped %d (want 0)", total.Deleted, total.ContactDropped)
	}
	for i, id := range ids {
		deletions := countAudit(t, b, id, "retention_deleted")
		_, err := b.app.Store.Submission(ctx, id)
		gone := errors.Is(err, store.ErrNotFound)
		if want := i < 2; gone != want || (want && deletions != 1) {
			t.Errorf("submission %d: gone %v (want %v), audited as deleted %d times", i, gone, want, deletions)
		}
		if keys, _ := b.app.Blob.Keys(ctx, "attachments/"+id+"/"); (len(keys) == 0) != (i < 2) {
			t.Errorf("submission %d: objects %v", i, keys)
		}
	}
}

// TestRetentionScheduled: the "retention" task reaches its handler through
// the worker mux, with windows from the configuration (0 days: at once),
// and drops contact details and, after publication, the name.
func TestRetentionScheduled(t *testing.T) {
	t.Parallel()
	b := setup(t, options{db: "sqlite", workers: true, env: map[string]string{
		"STORYDESK_RETAIN_REJECTED_DAYS": "0", "STORYDESK_RETAIN_CONTACT_DAYS": "0"}})
	ctx := context.Background()
	f := validFields()
	f["contact_phone"] = "+1 512 555 0142"
	var ids []string
	for range 3 {
		code, res := b.submit(f)
		if code != 201 {
			t.Fatal(code)
		}
		ids = append(ids, res["id"].(string))
		b.waitStatus(ids[len(ids)-1], "ready", 15*time.Second)
	}
	b.move(ids[0], store.StatusReady, store.StatusRejected)
	b.move(ids[1], store.StatusReady, store.StatusApproved)
	b.move(ids[2], store.StatusReady, store.StatusApproved)
	b.move(ids[2], store.StatusApproved, store.StatusPublished)
	time.Sleep(5 * time.Millisecond) // the decisions must be strictly in the past
	if _, err := b.app.Queue.Enqueue(asynq.NewTask(task.TypeRetention, nil)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 15*time.Second, "the scheduled job to delete the rejected submission", func() (bool, any) {
		_, err := b.app.Store.Submission(ctx, ids[0])
		return errors.Is(err, store.ErrNotFound), err
	})
	// The same run goes on to the other rules: wait for their effect, then
	// check that it went no further than they allow.
	var a, p store.Submission
	waitFor(t, 15*time.Second, "contact details dropped by the same run", func() (bool, any) {
		a, _ = b.app.Store.Submission(ctx, ids[1])
		p, _ = b.app.Store.Submission(ctx, ids[2])
		return a.ContactPhone == "" && p.ContactPhone == "" && p.AuthorName == "",
			fmt.Sprintf("approved phone kept %t; published phone kept %t, name kept %t", a.ContactPhone != "", p.ContactPhone != "", p.AuthorName != "")
	})
	if a.ContactPhone != "" || a.AuthorName == "" {
		t.Errorf("approved: phone %q name %q, want the phone gone and the name kept until publication", a.ContactPhone, a.AuthorName)
	}
	if p.ContactPhone != "" || p.AuthorName != "" {
		t.Errorf("published with a pseudonym: phone %q name %q, want both gone", p.ContactPhone, p.AuthorName)
	}
}
