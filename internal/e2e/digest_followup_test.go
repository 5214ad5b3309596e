package e2e_test

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/storydesk/storydesk/internal/app"
	"github.com/storydesk/storydesk/internal/config"
	"github.com/storydesk/storydesk/internal/store"
	"github.com/storydesk/storydesk/internal/task"
	"github.com/storydesk/storydesk/workers"
)

// TestDigestFollowUpOnce: a pitch past its outlet's window without an
// answer is chased in the editors' digest, as a count and a link to the
// follow-up list (never the piece's title or the outlet), and two worker
// processes running the digest for the same period send one reminder.
func TestDigestFollowUpOnce(t *testing.T) {
	t.Parallel()
	for _, db := range dbs() {
		t.Run(db, func(t *testing.T) {
			t.Parallel()
			sink := startSMTP(t)
			b := setup(t, options{db: db, env: map[string]string{
				"STORYDESK_SMTP_ADDR": sink.ln.Addr().String(), "STORYDESK_SMTP_FROM": "desk@example.org"}})
			// The pieces are approved before any worker runs: no review
			// moves them to ready, so the digests have only pitches to tell.
			id, _ := b.approvedPiece(fieldsWith("title", "Secret title", "site", "Austin"))
			id2, _ := b.approvedPiece(fieldsWith("title", "Secret two", "site", "Austin"))
			startWorker(t, b)
			other := startWorker(t, b)
			staff := b.editorToken("staff@example.org", "staff", "Austin")
			b.acctUser("tr@example.org", "translator", "") // translators are not reminded
			// No exclusivity window: the pitch is due as soon as it is made.
			outlet := b.outlet(staff, map[string]any{"name": "Secret Outlet", "language": "en", "exclusive_days": 0})
			if code, res := b.deskCall(http.MethodPost, "/api/v1/submissions/"+id+"/pitches", staff, map[string]any{"outlet_id": outlet}); code != http.StatusCreated {
				t.Fatalf("pitch: %d %v", code, res)
			}
			// Two digests at once, one per worker process (no Unique: the
			// scheduler's guard is not what is tested).
			for range 2 {
				if _, err := b.app.Queue.Enqueue(asynq.NewTask(task.TypeDigest, nil), asynq.Queue(task.QueueDefault)); err != nil {
					t.Fatal(err)
				}
			}
			b.waitQueueEmpty(15 * time.Second)
			got := sink.received()
			byRcpt := map[string]int{}
			for _, m := range got {
				rcpt := m.to[0][strings.Index(m.to[0], "<"):]
				byRcpt[rcpt]++
				body := unQP(m.data)
				if strings.Contains(rcpt, "tr@") {
					t.Errorf("translator reminded:\n%s", body)
				}
				if !strings.Contains(body, "1 pitch to an outlet needs a follow-up") || !strings.Contains(body, "/desk/follow-up") ||
					!strings.Contains(body, "1 propuesta a un medio necesita seguimiento") {
					t.Errorf("reminder to %s:\n%s", rcpt, body)
				}
				for _, secret := range []string{"Secret", "Austin", "Our family"} {
					if strings.Contains(m.data, secret) {
						t.Errorf("digest to %s holds %q", rcpt, secret)
					}
				}
			}
			// editor@ (every site) and staff@ (Austin) hear of it once each.
			if len(got) != 2 || byRcpt["<editor@example.org>"] != 1 || byRcpt["<staff@example.org>"] != 1 {
				t.Errorf("reminders %v, want one each to editor@ and staff@", byRcpt)
			}
			// The next run has nothing new: the pitch was chased once.
			if _, err := b.app.Queue.Enqueue(asynq.NewTask(task.TypeDigest, nil), asynq.Queue(task.QueueDefault)); err != nil {
				t.Fatal(err)
			}
			b.waitQueueEmpty(15 * time.Second)
			if n := len(sink.received()); n != 2 {
				t.Errorf("%d messages after a third run, want still 2", n)
			}
			// The same period run by both processes' digests at once: a new
			// due pitch is told once per account, whichever claims it.
			if code, res := b.deskCall(http.MethodPost, "/api/v1/submissions/"+id2+"/pitches", staff, map[string]any{"outlet_id": outlet}); code != http.StatusCreated {
				t.Fatalf("pitch: %d %v", code, res)
			}
			smtp := workers.SMTP{Addr: sink.ln.Addr().String(), From: "desk@example.org"}
			at := time.Now().Add(time.Minute)
			var wg sync.WaitGroup
			sent := make([]int, 2)
			for i, st := range []*store.Store{b.app.Store, other.Store} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					n, err := workers.NewDigest(st, smtp, "https://desk.example", slog.New(slog.NewJSONHandler(b.logs, nil))).Run(context.Background(), at)
					if err != nil {
						t.Error(err)
					}
					sent[i] = n
				}()
			}
			wg.Wait()
			if got := sink.received(); len(got) != 4 || sent[0]+sent[1] != 2 {
				t.Errorf("same period twice: %d messages in all (want 4), sent %v", len(got), sent)
			} else if !strings.Contains(unQP(got[3].data), "2 pitches to outlets need a follow-up") {
				t.Errorf("second reminder:\n%s", unQP(got[3].data))
			}
		})
	}
}

// startWorker runs a second worker process on b's database and Redis
// until the test ends, and returns it.
func startWorker(t *testing.T, b *bundle) *app.App {
	t.Helper()
	cfg, err := config.Load(func(k string) string { return b.env[k] })
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.New(ctx, cfg, slog.New(slog.NewJSONHandler(b.logs, nil)))
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Work(ctx, app.WorkerOptions{Concurrency: 2}) }()
	t.Cleanup(func() {
		cancel()
		<-done
		a.Close()
	})
	return a
}
