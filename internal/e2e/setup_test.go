package e2e_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/storydesk/storydesk/internal/app"
	"github.com/storydesk/storydesk/internal/auth"
	"github.com/storydesk/storydesk/internal/config"
	"github.com/storydesk/storydesk/internal/store"
	"github.com/storydesk/storydesk/internal/testenv"
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

type options struct {
	db       string      // "sqlite" | "postgres"
	embedded bool        // in-process Redis and S3 instead of the real servers
	dbURL    string      // a database of the test's own (fault injection); overrides db
	s3       *testenv.S3 // an S3 server of the test's own (fault injection)
	workers  bool        // run workers in-process
	env      map[string]string
	clock    func() time.Time // the rate limiter's clock (default: the real one)
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
		env["STORYDESK_S3_ENDPOINT"] = s3.Endpoint
		env["STORYDESK_S3_ACCESS_KEY"] = s3.AccessKey
		env["STORYDESK_S3_SECRET_KEY"] = s3.SecretKey
		env["STORYDESK_S3_REGION"] = s3.Region
		env["STORYDESK_S3_BUCKET"] = "t-" + testenv.RandomHex(6)
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
	case <-time.After(15 * time.Second):
		t.Fatal("server did not start in 15s")
	}
	t.Cleanup(b.stop)
	b.token = b.editorToken("editor@example.org", "editor", "")
	return b
}

func (b *bundle) stop() {
	if b.cancel == nil {
		return
	}
	b.cancel()
	b.cancel = nil
	select {
	case <-b.done:
	case <-time.After(40 * time.Second):
		b.t.Error("server did not stop in 40s")
	}
	b.app.Close()
}

// editorToken creates an account and returns an API token for it.
func (b *bundle) editorToken(email, role, site string) string {
	b.t.Helper()
	ctx := context.Background()
	hash, err := auth.HashPassword("a long enough password")
	if err != nil {
		b.t.Fatal(err)
	}
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

// waitReady polls the database directly (no HTTP), so it can time the
// pipeline to the millisecond.
func (b *bundle) waitReady(id string, within time.Duration) {
	b.t.Helper()
	deadline := time.Now().Add(within)
	for {
		s, err := b.app.Store.Submission(context.Background(), id)
		if err == nil && s.Status == store.StatusReady {
			return
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("submission %s not ready after %s (%v)", id, within, err)
		}
		time.Sleep(time.Millisecond)
	}
}

func validFields() map[string]string {
	return map[string]string{
		"kind": "story", "title": "Our family in Austin", "body": "We came in 2015.\n\nMy A-number is A123-456-789.",
		"language": "en", "author_name": "Maria Lopez", "author_role": "client", "site": "Austin",
		"consent_publish": "pseudonym", "pseudonym": "M.", "consent_photos": "true",
	}
}

// submit posts to the API and decodes the JSON answer.
func (b *bundle) submit(fields map[string]string, files ...file) (int, map[string]any) {
	b.t.Helper()
	body, ct := form(b.t, fields, files...)
	req, _ := http.NewRequest(http.MethodPost, b.url+"/api/v1/submissions", body)
	req.Header.Set("Content-Type", ct)
	return b.do(req)
}

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

// waitStatus polls the record until it has status want.
func (b *bundle) waitStatus(id, want string, within time.Duration) map[string]any {
	b.t.Helper()
	deadline := time.Now().Add(within)
	for {
		code, rec := b.get("/api/v1/submissions/" + id)
		if code == http.StatusOK && rec["status"] == want {
			return rec
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("submission %s: status %v after %s, want %s", id, rec["status"], within, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
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

func farFuture() time.Time { return time.Now().Add(24 * time.Hour) }

// submissionCount is the number of stored submissions, as the desk's queue
// counts them.
func submissionCount(ctx context.Context, st *store.Store) (int, error) {
	qp, err := st.Queue(ctx, store.Filter{})
	return qp.Total, err
}
