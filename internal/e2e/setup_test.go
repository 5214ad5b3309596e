// The end-to-end suite's one setup file: setup starts a StoryDesk of the
// test's own (its own database, Redis and bucket), and the helpers every
// test shares live here, grouped as waiting, submissions, requests, accounts
// and reading state. Browser helpers (chromedp) are in
// browser_helpers_test.go, and the whole-store dumps of the privacy tests in
// privacy_dump_test.go; a helper one test file alone uses stays in that file.
package e2e_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/textproto"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/storydesk/storydesk/internal/app"
	"github.com/storydesk/storydesk/internal/auth"
	"github.com/storydesk/storydesk/internal/config"
	"github.com/storydesk/storydesk/internal/store"
	"github.com/storydesk/storydesk/internal/task"
	"github.com/storydesk/storydesk/internal/testenv"
	"github.com/storydesk/storydesk/workers"
)

// bundle is one StoryDesk running against real services for one test.
type bundle struct {
	t      testing.TB
	app    *app.App
	url    string
	redis  *testenv.RedisServer
	logs   *syncBuffer
	env    map[string]string // the configuration, for subprocesses
	token  string            // an editor's API token
	cancel context.CancelFunc
	done   chan error
}

// options choose what setup starts.
type options struct {
	db       string      // "sqlite" | "postgres"
	embedded bool        // in-process Redis and S3 instead of the real servers
	dbURL    string      // a database of the test's own (fault injection); overrides db
	s3       *testenv.S3 // an S3 server of the test's own (fault injection)
	workers  bool        // run workers in-process
	env      map[string]string
	clock    func() time.Time // the rate limiter's clock (default: the real one)
	// placeClock is the placement rules' clock (exclusivity windows, the
	// follow-up list); default the real one.
	placeClock func() time.Time
}

// syncBuffer collects logs from many goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// dbs are the databases a test runs on, one subtest each.
func dbs() []string { return []string{"sqlite", "postgres"} }

// setup starts StoryDesk on a private redis-server, the shared S3 gateway
// (its own bucket) and a fresh database.
func setup(t testing.TB, o options) *bundle {
	t.Helper()
	dir := t.TempDir()
	dbURL := "sqlite://" + dir + "/storydesk.db"
	if o.db == "postgres" {
		dbURL = testenv.PostgresURL(t)
	}
	if o.dbURL != "" {
		dbURL = o.dbURL
	}
	env := map[string]string{
		"STORYDESK_ADDR":         "127.0.0.1:0",
		"STORYDESK_DATA_DIR":     dir,
		"STORYDESK_DATABASE_URL": dbURL,
		"STORYDESK_SUBMIT_RATE":  "0",
		// Load tests send thousands a minute; TestGlobalSubmitLimit sets its own.
		"STORYDESK_SUBMIT_GLOBAL_RATE": "0",
	}
	var rs *testenv.RedisServer
	if !o.embedded {
		s3 := o.s3
		if s3 == nil {
			shared := testenv.S3Server(t)
			s3 = &shared
		}
		rs = testenv.StartRedisServer(t)
		env["STORYDESK_REDIS_URL"] = rs.URL()
		maps.Copy(env, s3.Env())
	}
	for k, v := range o.env {
		env[k] = v
	}
	cfg, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.New(ctx, cfg, log)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	if o.clock != nil {
		a.Limiter.SetClock(o.clock)
	}
	a.Clock = o.placeClock
	b := &bundle{t: t, app: a, redis: rs, logs: logs, env: env, cancel: cancel, done: make(chan error, 1)}
	addr := make(chan string, 1)
	ready := func(s string) { addr <- s }
	go func() {
		if o.workers {
			b.done <- a.All(ctx, app.WorkerOptions{Concurrency: 4}, ready)
		} else {
			b.done <- a.Serve(ctx, ready)
		}
	}()
	select {
	case s := <-addr:
		b.url = "http://" + s
	case err := <-b.done:
		t.Fatalf("server did not start: %v", err)
	case <-time.After(time.Until(testDeadline(t))):
		t.Fatal("the server had not started when the test's deadline came near")
	}
	t.Cleanup(b.stop)
	b.token = b.editorToken("editor@example.org", "editor", "")
	return b
}

// stop shuts the bundle's StoryDesk down (once) and waits for it.
func (b *bundle) stop() {
	if b.cancel == nil {
		return
	}
	b.cancel()
	b.cancel = nil
	select {
	case <-b.done:
	case <-time.After(time.Until(testDeadline(b.t))):
		b.t.Error("the server had not stopped when the test's deadline came near")
	}
	b.app.Close()
}

// Waiting: waitFor and what is built on it.

// waitFor is the suite's one way to wait: it calls check until check says
// done. The test's own deadline (go test -timeout) bounds the wait, never a
// short wall-clock budget a loaded machine could blow: within is how long
// the wait should take, past which it logs once what it still sees and goes
// on. If the test's deadline comes near or the test ends first, it fails
// naming what it waited for and the state check last reported.
//
// It polls at a tenth of the time waited so far (1 ms to 100 ms), so a
// short wait is timed closely and a long one costs little.
func waitFor(t testing.TB, within time.Duration, what string, check func() (done bool, state any)) {
	t.Helper()
	start := time.Now()
	giveUp := testDeadline(t)
	noted := false
	for {
		done, state := check()
		if done {
			return
		}
		waited := time.Since(start)
		if !noted && waited > within {
			t.Logf("still waiting for %s after %s (expected within %s); now: %v", what, waited.Round(time.Millisecond), within, state)
			noted = true
		}
		if time.Now().After(giveUp) {
			t.Fatalf("gave up waiting for %s after %s (the test's deadline is near); last seen: %v", what, waited.Round(time.Millisecond), state)
		}
		select {
		case <-t.Context().Done():
			t.Fatalf("the test ended while waiting for %s; last seen: %v", what, state)
		case <-time.After(min(max(waited/10, time.Millisecond), 100*time.Millisecond)):
		}
	}
}

// testDeadline is when a wait gives up: shortly before the test binary's
// deadline, so the failure names what was awaited instead of a panic's
// goroutine dump; ten minutes from now when there is no deadline.
func testDeadline(t testing.TB) time.Time {
	if d, ok := t.(interface{ Deadline() (time.Time, bool) }); ok {
		if end, ok := d.Deadline(); ok {
			return end.Add(-min(30*time.Second, time.Until(end)/10))
		}
	}
	return time.Now().Add(10 * time.Minute)
}

// waitReady waits until submission id is ready, reading the database
// directly (no HTTP), so that it can time the pipeline closely.
func (b *bundle) waitReady(id string, within time.Duration) {
	b.t.Helper()
	waitFor(b.t, within, "submission "+id+" to be ready", func() (bool, any) {
		s, err := b.app.Store.Submission(context.Background(), id)
		if err != nil {
			return false, err
		}
		return s.Status == store.StatusReady, "status " + s.Status
	})
}

// waitStatus waits until the editors' API shows submission id in status
// want, and returns that record.
func (b *bundle) waitStatus(id, want string, within time.Duration) map[string]any {
	b.t.Helper()
	var rec map[string]any
	waitFor(b.t, within, "submission "+id+" to be "+want, func() (bool, any) {
		var code int
		code, rec = b.get("/api/v1/submissions/" + id)
		return code == http.StatusOK && rec["status"] == want, fmt.Sprintf("%d, status %v", code, rec["status"])
	})
	return rec
}

// waitFindings waits until the editors' API shows exactly the finding
// kinds want on submission id, and returns that record.
func (b *bundle) waitFindings(id string, want []string, within time.Duration) map[string]any {
	b.t.Helper()
	var rec map[string]any
	waitFor(b.t, within, fmt.Sprintf("findings %v on %s", want, id), func() (bool, any) {
		var code int
		code, rec = b.get("/api/v1/submissions/" + id)
		return code == http.StatusOK && slices.Equal(findingKinds(rec), want), fmt.Sprintf("%d, findings %v", code, findingKinds(rec))
	})
	return rec
}

// findingKinds returns the kinds of the record's findings, sorted; nil
// before the automated review.
func findingKinds(rec map[string]any) []string {
	list, ok := rec["findings"].([]any)
	if !ok {
		return nil
	}
	kinds := []string{}
	for _, f := range list {
		kinds = append(kinds, f.(map[string]any)["kind"].(string))
	}
	slices.Sort(kinds)
	return kinds
}

// waitQueueEmpty waits until the default queue holds no pending, active or
// retrying task.
func (b *bundle) waitQueueEmpty(within time.Duration) {
	b.t.Helper()
	in := asynq.NewInspector(b.app.RedisOpt)
	defer in.Close()
	waitFor(b.t, within, "an empty queue", func() (bool, any) {
		info, err := in.GetQueueInfo(task.QueueDefault)
		if err != nil {
			return false, err
		}
		return info.Pending+info.Active+info.Retry+info.Scheduled == 0, fmt.Sprintf("%d pending, %d active, %d retrying, %d scheduled",
			info.Pending, info.Active, info.Retry, info.Scheduled)
	})
}

// finishedExport starts an export, waits until it is done and returns its
// id and its download link (path and query).
func (b *bundle) finishedExport(token string) (id, link string) {
	b.t.Helper()
	code, res := b.call(http.MethodPost, "/api/v1/exports", token, `{}`)
	if code != http.StatusAccepted {
		b.t.Fatalf("start export: %d %v", code, res)
	}
	id = res["id"].(string)
	var st map[string]any
	waitFor(b.t, 30*time.Second, "export "+id+" to finish", func() (bool, any) {
		_, st = b.call(http.MethodGet, "/api/v1/exports/"+id, token, "")
		return st["status"] == "done" || st["status"] == "failed", st
	})
	url, _ := st["download_url"].(string)
	if st["status"] != "done" || !strings.Contains(url, "/api/") {
		b.t.Fatalf("export = %v", st)
	}
	return id, url[strings.Index(url, "/api/"):]
}

// Submissions: the fixtures and the moves that bring a piece to a status.

// file is one attachment of a test submission.
type file struct {
	name, contentType string
	data              []byte
}

// form builds a multipart body from fields and files.
func form(t testing.TB, fields map[string]string, files ...file) (io.Reader, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range fields {
		if err := w.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range files {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="attachments"; filename="%s"`, strings.ReplaceAll(f.name, `"`, `\"`)))
		h.Set("Content-Type", f.contentType)
		p, err := w.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		p.Write(f.data)
	}
	w.Close()
	return &buf, w.FormDataContentType()
}

// validFields is a complete, valid story submission.
func validFields() map[string]string {
	return map[string]string{
		"kind": "story", "title": "Our family in Austin", "body": "We came in 2015.\n\nMy A-number is A123-456-789.",
		"language": "en", "author_name": "Maria Lopez", "author_role": "client", "site": "Austin",
		"consent_publish": "pseudonym", "pseudonym": "M.", "consent_photos": "true",
	}
}

// fieldsWith is validFields with a finding-free body and the key/value
// pairs kv set.
func fieldsWith(kv ...string) map[string]string {
	f := validFields()
	f["body"] = "We came in 2015 and built a life here.\n\nOur children go to school in Austin."
	for i := 0; i+1 < len(kv); i += 2 {
		f[kv[i]] = kv[i+1]
	}
	return f
}

// submit posts to the API and decodes the JSON answer.
func (b *bundle) submit(fields map[string]string, files ...file) (int, map[string]any) {
	b.t.Helper()
	body, ct := form(b.t, fields, files...)
	req, _ := http.NewRequest(http.MethodPost, b.url+"/api/v1/submissions", body)
	req.Header.Set("Content-Type", ct)
	return b.do(req)
}

// approved submits fields, waits for the review and approves the piece.
func (b *bundle) approved(fields map[string]string, files ...file) string {
	b.t.Helper()
	code, res := b.submit(fields, files...)
	if code != http.StatusCreated {
		b.t.Fatalf("submit: %d %v", code, res)
	}
	id := res["id"].(string)
	b.waitStatus(id, "ready", 10*time.Second)
	b.move(id, store.StatusReady, store.StatusApproved)
	return id
}

// published approves and publishes a piece through the API and returns its slug.
func (b *bundle) published(fields map[string]string, files ...file) (string, string) {
	b.t.Helper()
	id := b.approved(fields, files...)
	if code, res := b.call(http.MethodPost, "/api/v1/submissions/"+id+"/publish", b.token, ""); code != http.StatusAccepted {
		b.t.Fatalf("publish: %d %v", code, res)
	}
	rec := b.waitStatus(id, "published", 15*time.Second)
	pub, _ := rec["publication"].(map[string]any)
	if pub == nil {
		b.t.Fatalf("record has no publication: %v", rec)
	}
	return id, pub["slug"].(string)
}

// move moves a submission from status from to status to with the write an
// editor's decision makes (store.Decide: status, history and audit in one
// compare-and-set). The desk's rules are not asked, so a test can also put a
// piece where only a job would (received to approved without a review,
// approved to published without the files).
func (b *bundle) move(id string, from, to store.Status) {
	b.t.Helper()
	if _, err := b.app.Store.Decide(context.Background(), id, store.Decision{From: []store.Status{from}, To: to,
		Actor: "editor@example.org", Action: "test move"}); err != nil {
		b.t.Fatal(err)
	}
}

// deskReady submits fields (valid ones with overrides) and waits for the review.
func (b *bundle) deskReady(overrides map[string]string, files ...file) (id, receipt string) {
	b.t.Helper()
	f := validFields()
	f["contact_email"] = "maria@example.org"
	for k, v := range overrides {
		f[k] = v
	}
	code, res := b.submit(f, files...)
	if code != http.StatusCreated {
		b.t.Fatalf("submit: %d %v", code, res)
	}
	id, receipt = res["id"].(string), res["receipt"].(string)
	b.waitStatus(id, "ready", 15*time.Second)
	return id, receipt
}

// Requests: the HTTP API and pages, as a client sees them.

// deskClient shows redirects instead of following them.
var deskClient = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// do sends req and decodes a JSON answer (nil for any other body).
func (b *bundle) do(req *http.Request) (int, map[string]any) {
	b.t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	raw, _ := io.ReadAll(resp.Body)
	if len(raw) > 0 && strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(raw, &out); err != nil {
			b.t.Fatalf("decode %s: %v", raw, err)
		}
	}
	return resp.StatusCode, out
}

// get calls the editors' API with the bundle's token.
func (b *bundle) get(path string) (int, map[string]any) {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.url+path, nil)
	req.Header.Set("Authorization", "Bearer "+b.token)
	return b.do(req)
}

// call sends an authenticated JSON request.
func (b *bundle) call(method, path, token, body string) (int, map[string]any) {
	b.t.Helper()
	req, _ := http.NewRequest(method, b.url+path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return b.do(req)
}

// postJSON sends v as a JSON body to path.
func (b *bundle) postJSON(path string, v any) (int, map[string]any) {
	b.t.Helper()
	js, _ := json.Marshal(v)
	req, _ := http.NewRequest(http.MethodPost, b.url+path, bytes.NewReader(js))
	req.Header.Set("Content-Type", "application/json")
	return b.do(req)
}

// deskCall sends a JSON request (body nil for none) to the API with token ("" for none).
func (b *bundle) deskCall(method, path, token string, body any) (int, map[string]any) {
	b.t.Helper()
	var r io.Reader
	if body != nil {
		js, _ := json.Marshal(body)
		r = bytes.NewReader(js)
	}
	req, _ := http.NewRequest(method, b.url+path, r)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return b.do(req)
}

// status looks a receipt code up through the submitter's API.
func (b *bundle) status(code string) (int, map[string]any) {
	b.t.Helper()
	js, _ := json.Marshal(map[string]string{"receipt": code})
	req, _ := http.NewRequest(http.MethodPost, b.url+"/api/v1/status", bytes.NewReader(js))
	req.Header.Set("Content-Type", "application/json")
	return b.do(req)
}

// deskDecide takes an editor's decision through the API.
func deskDecide(b *bundle, id, token, decision, message string) (int, map[string]any) {
	b.t.Helper()
	return b.deskCall(http.MethodPost, "/api/v1/submissions/"+id+"/decision", token, map[string]string{"decision": decision, "message": message})
}

// deskSubmitterView is what the submitter sees with the receipt code.
func (b *bundle) deskSubmitterView(receipt string) string {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, b.url+"/api/v1/status", strings.NewReader(`{"receipt":"`+receipt+`"}`))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		b.t.Fatalf("status lookup: %d %s", resp.StatusCode, raw)
	}
	return string(raw)
}

// page sends a request (following redirects) and returns status, body
// and headers.
func (b *bundle) page(method, path string, body io.Reader, hdr map[string]string) (int, string, http.Header) {
	b.t.Helper()
	req, _ := http.NewRequest(method, b.url+path, body)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	// A jar of its own per request: the form's redirect to the receipt page
	// carries the receipt slot's cookie, as a browser's would.
	jar, _ := cookiejar.New(nil)
	resp, err := (&http.Client{Jar: jar}).Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(data), resp.Header
}

// deskFollow posts form to path as deskPage does and, when the answer is a
// redirect (every desk form answers 303), follows it with the session and
// the cookies the answer set (the flash), returning the page it leads to.
func (b *bundle) deskFollow(path string, cookie *http.Cookie, form url.Values) (*http.Response, string) {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, b.url+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(cookie)
	resp, err := deskClient.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return resp, string(raw)
	}
	get, _ := http.NewRequest(http.MethodGet, b.url+resp.Header.Get("Location"), nil)
	get.AddCookie(cookie)
	for _, c := range resp.Cookies() {
		get.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	if resp, err = deskClient.Do(get); err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ = io.ReadAll(resp.Body)
	return resp, string(raw)
}

// raw sends a request without following redirects and returns the answer.
func (b *bundle) raw(method, path, body string, hdr map[string]string) (int, http.Header, string) {
	b.t.Helper()
	req, _ := http.NewRequest(method, b.url+path, strings.NewReader(body))
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := deskClient.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(out)
}

// deskPage requests an editors' page with a session cookie (nil for none);
// form != nil makes it a POST.
func (b *bundle) deskPage(path string, cookie *http.Cookie, form url.Values) (*http.Response, string) {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.url+path, nil)
	if form != nil {
		req, _ = http.NewRequest(http.MethodPost, b.url+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if cookie != nil {
		req.AddCookie(cookie)
	}
	resp, err := deskClient.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp, string(raw)
}

// download fetches link (an absolute one from the API) with the editor's
// token and fails the test unless it answers 200.
func (b *bundle) download(link string) ([]byte, http.Header) {
	b.t.Helper()
	u, err := url.Parse(link)
	if err != nil {
		b.t.Fatal(err)
	}
	// Links are built on STORYDESK_BASE_URL; the test server listens elsewhere.
	req, _ := http.NewRequest(http.MethodGet, b.url+u.RequestURI(), nil)
	req.Header.Set("Authorization", "Bearer "+b.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		b.t.Fatalf("download %s: %d %s", link, resp.StatusCode, data)
	}
	return data, resp.Header
}

// fetch GETs a link with a bearer token and returns the status and body.
func (b *bundle) fetch(link, token string) (int, []byte) {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.url+link, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, body
}

// downloadAs fetches an export's download_url with token.
func (b *bundle) downloadAs(link, token string) (int, []byte) {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.url+link[strings.Index(link, "/api/"):], nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, data
}

// atomFeed is the part of an Atom feed the tests read.
type atomFeed struct {
	XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	Entries []struct {
		Title  string `xml:"title"`
		ID     string `xml:"id"`
		Author string `xml:"author>name"`
		Link   struct {
			Href string `xml:"href,attr"`
		} `xml:"link"`
	} `xml:"entry"`
}

// feed reads and parses /stories/feed.xml.
func (b *bundle) feed() atomFeed {
	b.t.Helper()
	code, body, hdr := b.page(http.MethodGet, "/stories/feed.xml", nil, nil)
	if code != http.StatusOK || !strings.HasPrefix(hdr.Get("Content-Type"), "application/atom+xml") {
		b.t.Fatalf("feed: %d %s", code, hdr.Get("Content-Type"))
	}
	var f atomFeed
	if err := xml.Unmarshal([]byte(body), &f); err != nil {
		b.t.Fatalf("feed is not Atom XML: %v\n%s", err, body)
	}
	return f
}

// Accounts: users, tokens, sessions and the login throttle's clock.

// editorToken creates an account and returns an API token for it.
func (b *bundle) editorToken(email, role, site string) string {
	b.t.Helper()
	ctx := context.Background()
	hash := passwordHash(b.t, "a long enough password")
	u, err := b.app.Store.CreateUser(ctx, store.User{Email: email, Role: role, Site: site, PasswordHash: hash})
	if err != nil {
		b.t.Fatal(err)
	}
	tok, th, err := auth.NewToken()
	if err != nil {
		b.t.Fatal(err)
	}
	if _, err := b.app.Store.CreateToken(ctx, store.Token{UserID: u.ID, Name: "test", Hash: th}); err != nil {
		b.t.Fatal(err)
	}
	return tok
}

// adminToken creates an admin and returns an API token for it.
func (b *bundle) adminToken() (string, store.User) {
	b.t.Helper()
	tok := b.editorToken("admin@example.org", "admin", "")
	u, _ := b.app.Store.UserByEmail(context.Background(), "admin@example.org")
	return tok, u
}

// login signs email in through the form and returns the session cookie
// ("name=value"), as acctLogin does.
func (b *bundle) login(email string) string {
	b.t.Helper()
	return b.acctLogin(email)
}

// deskSession signs email in through the form and returns its cookie.
func (b *bundle) deskSession(email string) *http.Cookie {
	b.t.Helper()
	name, value, _ := strings.Cut(b.acctLogin(email), "=")
	return &http.Cookie{Name: name, Value: value}
}

// apiLogin is POST /api/v1/sessions.
func (b *bundle) apiLogin(email, password, code string) (int, map[string]any) {
	b.t.Helper()
	body := map[string]string{"email": email, "password": password}
	if code != "" {
		body["code"] = code
	}
	return b.deskCall(http.MethodPost, "/api/v1/sessions", "", body)
}

// queueUser creates an account and a browser session for it, returning
// the account and the session cookie. Go's cookie jar would not send a
// Secure cookie over http, so tests add the cookie themselves.
func (b *bundle) queueUser(email, name, role, site string) (store.User, *http.Cookie) {
	b.t.Helper()
	ctx := context.Background()
	u, err := b.app.Store.CreateUser(ctx, store.User{Email: email, Name: name, Role: role, Site: site})
	if err != nil {
		b.t.Fatal(err)
	}
	id := "session-" + email
	now := time.Now()
	if err := b.app.Store.CreateSession(ctx, store.Session{IDHash: auth.HashToken(id), UserID: u.ID,
		CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
		b.t.Fatal(err)
	}
	return u, &http.Cookie{Name: "__Host-storydesk", Value: id}
}

// acctPassword is the password acctUser gives every account.
const acctPassword = "a long enough password"

// acctClient is deskClient under the name the account tests know.
var acctClient = deskClient

// acctResp is one answer: status, body, headers and the cookies set.
type acctResp struct {
	code    int
	body    string
	header  http.Header
	cookies []*http.Cookie
}

// cookie returns the value of the named cookie the response set, "" if none.
func (r acctResp) cookie(name string) string {
	for _, c := range r.cookies {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

// acctDo sends method path with a Cookie header (cookies "name=value"
// joined) and, for a non-nil form, a form body; hdr adds headers.
func (b *bundle) acctDo(method, path string, cookies []string, form url.Values, hdr map[string]string) acctResp {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, b.url+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if len(cookies) > 0 {
		req.Header.Set("Cookie", strings.Join(cookies, "; "))
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := acctClient.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return acctResp{code: resp.StatusCode, body: string(raw), header: resp.Header, cookies: resp.Cookies()}
}

// acctUser creates an account with acctPassword.
func (b *bundle) acctUser(email, role, site string) store.User {
	b.t.Helper()
	hash := passwordHash(b.t, acctPassword)
	u, err := b.app.Store.CreateUser(context.Background(), store.User{Email: email, Name: "Secret Person Name", Role: role, Site: site, PasswordHash: hash})
	if err != nil {
		b.t.Fatal(err)
	}
	return u
}

// acctLogin signs in through the form and returns the session cookie ("name=value").
func (b *bundle) acctLogin(email string) string {
	b.t.Helper()
	r := b.acctDo(http.MethodPost, "/login", nil, url.Values{"email": {email}, "password": {acctPassword}}, nil)
	v := r.cookie("__Host-storydesk")
	if r.code != http.StatusSeeOther || v == "" {
		b.t.Fatalf("login %s: %d, cookie %q", email, r.code, v)
	}
	return "__Host-storydesk=" + v
}

// signedIn reports whether cookie is a live session (GET /account answers 200).
func (b *bundle) signedIn(cookie string) bool {
	b.t.Helper()
	r := b.acctDo(http.MethodGet, "/account", []string{cookie}, nil, nil)
	if r.code != http.StatusOK && !(r.code == http.StatusSeeOther && strings.HasPrefix(r.header.Get("Location"), "/login")) {
		b.t.Fatalf("GET /account: %d", r.code)
	}
	return r.code == http.StatusOK
}

// countAudit counts the audit entries on target with action.
func countAudit(t *testing.T, b *bundle, target, action string) int {
	t.Helper()
	log, err := b.app.Store.AuditLog(context.Background(), target, 0)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range log {
		if e.Action == action {
			n++
		}
	}
	return n
}

// inviteLink finds an invitation link in a page or an e-mail.
var inviteLink = regexp.MustCompile(`/invite/[A-Za-z0-9_-]{40,}`)

// fakeClock is a clock the test moves; requests read it concurrently.
type fakeClock struct{ ns atomic.Int64 }

// newFakeClock starts at a fixed instant.
func newFakeClock() *fakeClock {
	c := &fakeClock{}
	c.ns.Store(time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC).UnixNano())
	return c
}

// now is the clock's time, for the code under test.
func (c *fakeClock) now() time.Time { return time.Unix(0, c.ns.Load()).UTC() }

// add moves the clock on by d.
func (c *fakeClock) add(d time.Duration) { c.ns.Add(int64(d)) }

// wait is how long r's Retry-After asks to wait.
func (c *fakeClock) wait(r acctResp) time.Duration {
	s, _ := strconv.Atoi(r.header.Get("Retry-After"))
	return time.Duration(s) * time.Second
}

// Reading state: queue, store, receipt page, archives.

// openDB opens the bundle's database directly (not through the store), for
// reading what the application does not show.
func (b *bundle) openDB() *sql.DB {
	b.t.Helper()
	url := b.env["STORYDESK_DATABASE_URL"]
	driver, dsn := "pgx", url
	if path, ok := strings.CutPrefix(url, "sqlite://"); ok {
		driver, dsn = "sqlite", "file:"+path+"?_pragma=busy_timeout(5000)"
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		b.t.Fatal(err)
	}
	b.t.Cleanup(func() { db.Close() })
	return db
}

// consentActions are the actions of a submission's consent ledger, oldest
// first, read from the table.
func (b *bundle) consentActions(id string) []string {
	b.t.Helper()
	rows, err := b.openDB().QueryContext(context.Background(),
		`SELECT action FROM consent_ledger WHERE submission_id = $1 ORDER BY created_at, id`, id)
	if err != nil {
		b.t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			b.t.Fatal(err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		b.t.Fatal(err)
	}
	return out
}

// queued counts tasks of every state in the default queue.
func (b *bundle) queued() int {
	b.t.Helper()
	in := asynq.NewInspector(b.app.RedisOpt)
	defer in.Close()
	// A queue appears in Redis with its first task, so "no such queue" is
	// zero; any other error fails the test rather than reading as zero,
	// which would let a "nothing was queued" check pass on a broken check.
	queues, err := in.Queues()
	if err != nil {
		b.t.Fatalf("list queues: %v", err)
	}
	if !slices.Contains(queues, "default") {
		return 0
	}
	info, err := in.GetQueueInfo("default")
	if err != nil {
		b.t.Fatalf("queue info: %v", err)
	}
	return info.Size + info.Completed
}

// submissionCount is the number of stored submissions, as the desk's queue
// counts them.
func submissionCount(ctx context.Context, st *store.Store) (int, error) {
	qp, err := st.Queue(ctx, store.Filter{})
	return qp.Total, err
}

// countAction counts the history events with action.
func countAction(events []store.Event, action string) int {
	n := 0
	for _, e := range events {
		if e.Action == action {
			n++
		}
	}
	return n
}

// farFuture is a day from now: every outbox row is due by then.
func farFuture() time.Time { return time.Now().Add(24 * time.Hour) }

// receiptBox is the receipt page's code box.
var receiptBox = regexp.MustCompile(`class="receipt-code">(.*?)</p>`)

// receiptOn reads the receipt code off the receipt page (shown in groups of four).
func receiptOn(html string) string {
	m := receiptBox.FindStringSubmatch(html)
	if m == nil {
		return ""
	}
	code := regexp.MustCompile(`<[^>]*>|\s`).ReplaceAllString(m[1], "")
	if !regexp.MustCompile(`^[0-9A-HJKMNP-TV-Z]{16}$`).MatchString(code) {
		return ""
	}
	return code
}

// retention returns the retention job as the worker runs it, with the
// bundle's configured windows.
func (b *bundle) retention() *workers.Retention {
	c := b.app.Config
	return workers.NewRetention(b.app.Store, b.app.Blob, b.app.RedisOpt,
		workers.PolicyFromDays(c.RetainContactDays, c.RetainRejectedDays, c.RetainUnreviewedDays), b.app.Log)
}

// docxBytesText is the text LibreOffice reads in a DOCX (it fails the test
// when LibreOffice cannot open it).
func docxBytesText(t *testing.T, data []byte) string {
	t.Helper()
	bin := ""
	for _, name := range []string{"soffice", "libreoffice"} {
		if p, err := exec.LookPath(name); err == nil {
			bin = p
			break
		}
	}
	if bin == "" {
		t.Fatal("LibreOffice (soffice) is not installed; run scripts/test, which installs it")
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "piece.docx")
	if err := os.WriteFile(in, data, 0o600); err != nil {
		t.Fatal(err)
	}
	// A private profile: concurrent runs must not share LibreOffice's lock.
	cmd := exec.Command(bin, "-env:UserInstallation=file://"+filepath.Join(dir, "profile"), "--headless",
		"--convert-to", "txt:Text", "--outdir", dir, in)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	txt, err := os.ReadFile(filepath.Join(dir, "piece.txt"))
	if err != nil {
		t.Fatalf("soffice wrote no text: %v", err)
	}
	return string(txt)
}

// checkDOCX: the photo is embedded, bold stays bold, and the properties name
// StoryDesk, not godocx's template.
func checkDOCX(t *testing.T, data []byte) {
	t.Helper()
	parts := testenv.Unzip(t, data)
	doc := parts["word/document.xml"]
	embed := regexp.MustCompile(`r:embed="([^"]+)"`).FindStringSubmatch(doc)
	if embed == nil {
		t.Errorf("piece.docx embeds no photo:\n%s", doc)
	} else if rel := regexp.MustCompile(`Id="` + embed[1] + `"[^>]*Target="(media/[^"]+)"`).FindStringSubmatch(parts["word/_rels/document.xml.rels"]); rel == nil || parts["word/"+rel[1]] == "" {
		t.Errorf("piece.docx's photo %s is not a part under word/media", embed[1])
	}
	if !regexp.MustCompile(`<w:b/>(</w:rPr>)?<w:t[^>]*>\s*2015</w:t>`).MatchString(doc) {
		t.Errorf("piece.docx lost the bold:\n%s", doc)
	}
	if !strings.Contains(parts["docProps/core.xml"], "<dc:creator>StoryDesk</dc:creator>") {
		t.Errorf("piece.docx core.xml:\n%s", parts["docProps/core.xml"])
	}
	for name, body := range parts {
		for _, bad := range []string{"godocx", "gomutex", "2013-"} {
			if !strings.HasPrefix(name, "word/media/") && strings.Contains(body, bad) {
				t.Errorf("piece.docx %s holds %q", name, bad)
			}
		}
	}
	if _, ok := parts["docProps/thumbnail.jpeg"]; ok {
		t.Error("piece.docx carries a blank thumbnail")
	}
}
