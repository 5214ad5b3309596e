package e2e_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/storydesk/storydesk/internal/testenv"
)

// Shape of TestManyInstances's run.
const (
	multiPieces = 40              // submissions in the burst
	killAfter   = 15              // a worker is SIGKILLed once this many are answered
	rollAfter   = 25              // a serve is replaced once this many are answered
	jobPeriod   = 2 * time.Second // STORYDESK_TEST_JOB_PERIOD
)

// TestManyInstances runs StoryDesk as a network that outgrew one server
// does: two serve and two worker processes over PostgreSQL, Redis and the S3
// gateway, no load balancer (the test's clients spread their requests over
// the serves). A burst of submissions with files; two editors deciding the
// same pieces at once on different serves; publications with a webhook;
// exports; the periodic jobs every two seconds, with the digest mailed to a
// real SMTP conversation. In the middle, a worker is SIGKILLed (and a new
// one started, as a supervisor would), and a serve is replaced as a rolling
// restart does: the new one started, then the old one sent SIGTERM.
//
// Afterwards every 201 is a row, every accepted file exactly one object and
// no object is left over, every piece has one review; no request answered
// 5xx (connections the stopping serve refused are counted and sent again to
// another serve); no piece was published, announced or mailed twice; each
// periodic job ran once per period across all the workers.
func TestManyInstances(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("takes a minute or more: the SIGKILLed worker's tasks come back only once asynq's lease on them expires")
	}
	bin := buildBinary(t)
	hooks := startHookReceiver(t)
	mail := startSMTP(t)
	b := setup(t, options{db: "postgres", env: map[string]string{
		"STORYDESK_SECRET":          testenv.RandomHex(32),
		"STORYDESK_WEBHOOK_URL":     hooks.url,
		"STORYDESK_WEBHOOK_SECRET":  "the multi-instance test's webhook secret",
		"STORYDESK_SMTP_ADDR":       mail.ln.Addr().String(),
		"STORYDESK_SMTP_FROM":       "desk@example.org",
		"STORYDESK_TEST_JOB_PERIOD": jobPeriod.String(),
	}})
	staff := b.editorToken("staff@example.org", "staff", "")
	editors := []string{b.editorToken("ed1@example.org", "editor", ""), b.editorToken("ed2@example.org", "editor", "")}
	c := &cluster{t: t, bin: bin, env: b.env, stopping: map[string]bool{}}
	began := time.Now()
	first := c.startServe()
	c.startServe()
	// The worker to be killed sleeps in every review it takes, so it is
	// sure to hold some when killed: asynq hands them to another worker
	// once their lease expires, and each piece must still be reviewed once.
	killed := c.startWorker(map[string]string{"STORYDESK_TEST_REVIEW_PAUSE": "1h"})
	c.startWorker(nil)

	// The burst. Pieces from killAfter on wait until the worker is killed,
	// and from rollAfter on until the serve is replaced, so both happen
	// with submissions still coming. Nothing is published before the kill:
	// a webhook is delivered at least once, and a worker killed between
	// the receiver's 2xx and the task's acknowledgement announces the piece
	// again on retry (receivers tell notices apart by id); the kill lands
	// on reviews and periodic jobs, which are idempotent, and the
	// publications, notices and exports run across the serve's replacement.
	var (
		answered     = make(chan struct{}, multiPieces)
		killDone     = make(chan struct{})
		rollDone     = make(chan struct{})
		burst        sync.WaitGroup
		next         = make(chan int, multiPieces)
		mu           sync.Mutex
		accepted     = map[string]int{} // id → piece number
		filesSent    int
		burstErrs    []error
		editorsDone  = make(chan struct{})
		editorErrors []error
	)
	for i := range multiPieces {
		next <- i
	}
	close(next)
	for range 4 {
		burst.Add(1)
		go func() {
			defer burst.Done()
			for i := range next {
				if i >= killAfter {
					<-killDone
				}
				if i >= rollAfter {
					<-rollDone
				}
				files := multiFiles(t, i)
				body, ct := form(t, fieldsWith("title", fmt.Sprintf("Piece %d", i), "contact_email", "maria@example.org"), files...)
				raw, _ := io.ReadAll(body)
				code, out, err := c.sendOnce(i, http.MethodPost, "/api/v1/submissions", "", ct, testenv.RandomHex(16), raw)
				mu.Lock()
				if err != nil || code != http.StatusCreated {
					burstErrs = append(burstErrs, fmt.Errorf("piece %d: %d %.200s %v", i, code, out, err))
				} else {
					var res struct{ ID string }
					json.Unmarshal(out, &res)
					accepted[res.ID] = i
					filesSent += len(files)
				}
				mu.Unlock()
				answered <- struct{}{}
			}
		}()
	}

	// Two editors decide every ready piece at once, each on its own serve:
	// one of them wins each decision, the other is told 409.
	db := b.openDB()
	statuses := func() map[string]string {
		rows, err := db.QueryContext(context.Background(), `SELECT id, status FROM submissions`)
		if err != nil {
			t.Error(err)
			return nil
		}
		defer rows.Close()
		out := map[string]string{}
		for rows.Next() {
			var id, st string
			rows.Scan(&id, &st)
			out[id] = st
		}
		return out
	}
	var decided sync.WaitGroup
	for e, token := range editors {
		decided.Add(1)
		go func() {
			defer decided.Done()
			for {
				select {
				case <-editorsDone:
					return
				case <-time.After(50 * time.Millisecond): // polling the database, not waiting for an event
				}
				st := statuses()
				mu.Lock()
				ids := make(map[string]int, len(accepted))
				for id, i := range accepted {
					ids[id] = i
				}
				mu.Unlock()
				for id, i := range ids {
					path, body := "", ""
					switch st[id] {
					case "ready":
						path, body = "/decision", decisionFor(i)
					case "approved":
						select {
						case <-killDone:
						default:
							continue // see killDone
						}
						path = "/publish"
					default:
						continue
					}
					code, out, err := c.send(e, http.MethodPost, "/api/v1/submissions/"+id+path, token, "application/json", []byte(body))
					if err != nil || (code != http.StatusOK && code != http.StatusAccepted && code != http.StatusConflict) {
						mu.Lock()
						editorErrors = append(editorErrors, fmt.Errorf("editor %d on piece %d %s: %d %.200s %v", e+1, i, path, code, out, err))
						mu.Unlock()
					}
				}
			}
		}()
	}

	// The editors stop before the test ends, however it ends.
	stopEditors := sync.OnceFunc(func() { close(editorsDone); decided.Wait() })
	defer stopEditors()

	// In the middle: the worker killed, then the serve replaced.
	for range killAfter {
		<-answered
	}
	in := asynq.NewInspector(b.app.RedisOpt)
	defer in.Close()
	held := 0
	waitFor(t, time.Minute, "the worker to be killed to hold a review", func() (bool, any) {
		servers, err := in.Servers() // as of each worker's last heartbeat
		if err != nil {
			return false, err
		}
		for _, s := range servers {
			if s.PID == killed.cmd.Process.Pid {
				held = len(s.ActiveWorkers)
			}
		}
		return held > 0, fmt.Sprintf("%d tasks held", held)
	})
	killed.kill(t)
	c.startWorker(nil) // its supervisor starts it again
	exportA := c.startExport(0, staff)
	close(killDone)
	for range rollAfter - killAfter {
		<-answered
	}
	c.startServe()
	c.stop(first)
	close(rollDone)
	exportB := c.startExport(1, staff)
	burst.Wait()
	if len(burstErrs) > 0 {
		t.Fatalf("%d submissions not accepted: %v", len(burstErrs), burstErrs)
	}

	final := func(s string) bool { return s == "published" || s == "rejected" || s == "changes_requested" }
	waitFor(t, 3*time.Minute, "every piece decided and every approved one published", func() (bool, any) {
		st := statuses()
		left := map[string]int{}
		for id := range accepted {
			if !final(st[id]) {
				left[st[id]]++
			}
		}
		return len(left) == 0, left
	})
	stopEditors()
	for _, err := range editorErrors {
		t.Error(err)
	}
	published := []string{}
	for id, st := range statuses() {
		if st == "published" {
			published = append(published, id)
		}
	}
	waitFor(t, time.Minute, "a webhook notice for every publication", func() (bool, any) {
		got := hooks.counts()
		missing := 0
		for _, id := range published {
			if got[id] == 0 {
				missing++
			}
		}
		return missing == 0, fmt.Sprintf("%d of %d not announced", missing, len(published))
	})
	for i, id := range []string{exportA, exportB} {
		c.finishExport(id, 1-i, staff)
	}
	// One more run of every periodic job, in a period that began after
	// everything above: the digest of that run covers every review.
	after := time.Now()
	waitFor(t, time.Minute, "every periodic job to run after the last outcome", func() (bool, any) {
		late := map[string]bool{}
		for _, r := range c.periodicRuns() {
			if r.at.After(after.Add(jobPeriod)) {
				late[r.typ] = true
			}
		}
		return len(late) == len(periodicTypes), late
	})
	c.stopAll()
	ended := time.Now()

	ctx := context.Background()
	count := func(q string, args ...any) int {
		var n int
		if err := db.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return n
	}

	// Every 201 is a row, and there is no row without a 201.
	rows := count(`SELECT COUNT(*) FROM submissions`)
	for id := range accepted {
		if count(`SELECT COUNT(*) FROM submissions WHERE id = $1`, id) != 1 {
			t.Errorf("accepted submission %s has no row", id)
		}
	}
	if rows != len(accepted) {
		t.Errorf("%d rows for %d answers 201", rows, len(accepted))
	}
	// Exactly one object per accepted file, none left over.
	keys, err := b.app.Blob.Keys(ctx, "attachments/")
	if err != nil {
		t.Fatal(err)
	}
	var stored []string
	r, err := db.QueryContext(ctx, `SELECT object_key FROM attachments`)
	if err != nil {
		t.Fatal(err)
	}
	for r.Next() {
		var k string
		r.Scan(&k)
		stored = append(stored, k)
	}
	r.Close()
	slices.Sort(keys)
	slices.Sort(stored)
	if len(stored) != filesSent || !slices.Equal(keys, stored) {
		t.Errorf("%d files accepted, %d attachment rows, %d objects; objects without a row: %v; rows without an object: %v",
			filesSent, len(stored), len(keys), minus(keys, stored), minus(stored, keys))
	}
	// One review per piece; one publication, one notice per published piece.
	reviews := count(`SELECT COUNT(*) FROM events WHERE action = 'reviewed'`)
	if twice := count(`SELECT COUNT(*) FROM (SELECT submission_id FROM events WHERE action = 'reviewed' GROUP BY submission_id HAVING COUNT(*) <> 1) x`); twice > 0 || reviews != len(accepted) {
		t.Errorf("%d reviews for %d pieces; %d pieces reviewed more than once", reviews, len(accepted), twice)
	}
	if n := count(`SELECT COUNT(*) FROM (SELECT submission_id FROM events WHERE to_status = 'published' GROUP BY submission_id HAVING COUNT(*) > 1) x`); n > 0 {
		t.Errorf("%d pieces published more than once", n)
	}
	if n := count(`SELECT COUNT(*) FROM publications`); n != len(published) {
		t.Errorf("%d publications for %d published pieces", n, len(published))
	}
	notices := 0
	for id, n := range hooks.counts() {
		notices += n
		if n != 1 {
			t.Errorf("piece %s announced %d times", id, n)
		}
	}
	// No e-mail twice: each digest covers a window of its own, so the
	// reviews it counts add up to no more than the pieces reviewed.
	mailed := map[string]int{}
	mails := mail.received()
	for _, m := range mails {
		for _, n := range regexp.MustCompile(`(\d+)[ _]ready[ _]for[ _]review`).FindAllStringSubmatch(m.data, 1) {
			var k int
			fmt.Sscan(n[1], &k)
			mailed[strings.Join(m.to, ",")] += k
		}
	}
	for to, n := range mailed {
		if n > len(accepted) {
			t.Errorf("the digests to %s counted %d reviews of %d pieces: a window was mailed twice", to, n, len(accepted))
		}
	}
	// Each periodic job once per period, across every worker.
	runs := map[string]int{}
	periods := map[string]map[time.Time]bool{}
	for _, r := range c.periodicRuns() {
		if r.start.IsZero() {
			t.Errorf("periodic run %q names no period", r.id)
		}
		runs[r.id]++
		if periods[r.typ] == nil {
			periods[r.typ] = map[time.Time]bool{}
		}
		periods[r.typ][r.start] = true
	}
	for id, n := range runs {
		if n != 1 {
			t.Errorf("periodic run %s ran %d times", id, n)
		}
	}
	// However the runs are named: no more runs than periods began while
	// the workers ran.
	boundaries := int(ended.Truncate(jobPeriod).Sub(began.Truncate(jobPeriod)) / jobPeriod)
	for typ, n := range c.runsPerType() {
		if n > boundaries {
			t.Errorf("%s ran %d times in %d periods", typ, n, boundaries)
		}
	}
	c.mu.Lock()
	fivexx, refused := c.fivexx, c.refused
	c.mu.Unlock()
	for _, e := range fivexx {
		t.Errorf("5xx: %s", e)
	}
	t.Logf("201s %d, rows %d, files %d, objects %d, reviews %d (tasks the killed worker held: %d), published %d, webhook notices %d, digests %d (reviews counted per recipient %v), 5xx %d, refused by the stopping serve %d (sent again), periodic runs %d in %d periods of %s (runs per job %v), %s in all",
		len(accepted), rows, filesSent, len(keys), reviews, held, len(published), notices, len(mails), mailed, len(fivexx), refused, len(runs), boundaries, jobPeriod, periodCounts(periods), ended.Sub(began).Round(time.Second))
}

// decisionFor is what the editors decide on piece i.
func decisionFor(i int) string {
	switch i % 4 {
	case 0:
		return `{"decision":"reject","message":"Not for us, thank you."}`
	case 1:
		return `{"decision":"request_changes","message":"Please tell us more about the first year."}`
	}
	return `{"decision":"approve"}`
}

// multiFiles are piece i's attachments: a PDF, and a photo on every third.
func multiFiles(t *testing.T, i int) []file {
	files := []file{{"scan.pdf", "application/pdf", testenv.MinimalPDF()}}
	if i%3 == 0 {
		files = append(files, file{"photo.jpg", "image/jpeg", testenv.JPEGWithGPS(t)})
	}
	return files
}

// minus is what a holds that b does not.
func minus(a, b []string) []string {
	var out []string
	for _, s := range a {
		if !slices.Contains(b, s) {
			out = append(out, s)
		}
	}
	return out
}

// periodCounts is the number of periods each job ran in.
func periodCounts(p map[string]map[time.Time]bool) map[string]int {
	out := map[string]int{}
	for typ, ps := range p {
		out[typ] = len(ps)
	}
	return out
}
