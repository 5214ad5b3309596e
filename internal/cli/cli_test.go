package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/storydesk/storydesk/internal/testenv"
)

// run executes one CLI command with env vars and stdin; it returns the exit
// status, stdout and stderr.
func run(t *testing.T, vars map[string]string, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(context.Background(), Env{
		Args: args, Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb,
		Getenv: func(k string) string { return vars[k] }, Version: "test",
	})
	return code, out.String(), errb.String()
}

func TestUsageAndExitCodes(t *testing.T) {
	vars := map[string]string{"STORYDESK_DATA_DIR": t.TempDir()}
	tests := []struct {
		args []string
		code int
		want string
	}{
		{nil, 2, "no command"},
		{[]string{"frobnicate"}, 2, "unknown command"},
		{[]string{"user", "add", "--email", "x@example.org", "--role", "king"}, 2, "--role"},
		{[]string{"user", "add", "--email", "nope", "--role", "editor"}, 2, "--email"},
		{[]string{"user", "add", "--bogus"}, 2, "bogus"},
		{[]string{"token", "create"}, 2, "--email"},
		{[]string{"token", "create", "--email", "ghost@example.org"}, 1, "no account"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, _, stderr := run(t, vars, "", tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, stderr, tt.code, tt.want)
			}
			if first := strings.SplitN(stderr, "\n", 2)[0]; !strings.HasPrefix(first, "storydesk: ") {
				t.Errorf("first stderr line %q is not the one-line error", first)
			}
		})
	}
	// "COMMAND -h" shows that command's flags, not the list of commands.
	for _, tt := range []struct {
		args []string
		want []string
	}{
		{[]string{"bench", "-h"}, []string{"usage: storydesk bench", "-cpu", "-s3-endpoint", "-file-kind"}},
		{[]string{"export", "--help"}, []string{"usage: storydesk export", "-out"}},
		{[]string{"user", "add", "-h"}, []string{"usage: storydesk user add", "-email", "-role"}},
		{[]string{"help"}, []string{"commands:", "bench"}},
	} {
		code, _, stderr := run(t, vars, "", tt.args...)
		for _, w := range tt.want {
			if code != 0 || !strings.Contains(stderr, w) {
				t.Errorf("%v: exit %d, stderr lacks %q:\n%s", tt.args, code, w, stderr)
			}
		}
	}
	if code, out, _ := run(t, vars, "", "version"); code != 0 || !strings.Contains(out, "storydesk test") {
		t.Errorf("version: %d %q", code, out)
	}
	bad := map[string]string{"STORYDESK_MAX_FILES": "many", "STORYDESK_DATA_DIR": t.TempDir()}
	if code, _, stderr := run(t, bad, "", "migrate"); code != 1 || !strings.Contains(stderr, "STORYDESK_MAX_FILES") {
		t.Errorf("bad config: %d %q", code, stderr)
	}
}

// TestEmbeddedDefault runs `storydesk all` with nothing configured: SQLite,
// the in-process Redis and S3 servers, all under the data dir. A story goes
// from the API to ready, and survives a restart.
func TestEmbeddedDefault(t *testing.T) {
	dir := t.TempDir()
	vars := map[string]string{"STORYDESK_DATA_DIR": dir, "STORYDESK_ADDR": "127.0.0.1:0", "STORYDESK_LOG_FORMAT": "json"}

	if code, out, stderr := run(t, vars, "a long enough password\n", "user", "add", "--email", "ed@example.org", "--role", "editor"); code != 0 || len(strings.TrimSpace(out)) < 30 {
		t.Fatalf("user add: %d %q %q", code, out, stderr)
	}
	code, tok, stderr := run(t, vars, "", "token", "create", "--email", "ed@example.org")
	if code != 0 || !strings.HasPrefix(tok, "sdt_") {
		t.Fatalf("token create: %d %q %q", code, tok, stderr)
	}
	tok = strings.TrimSpace(tok)

	base, stop := startAll(t, vars)
	id := submitStory(t, base)
	rec := waitReady(t, base, tok, id)
	atts := rec["attachments"].([]any)
	if len(atts) != 1 {
		t.Fatalf("attachments %v", atts)
	}
	stop()

	// Restart on the same data dir: the record and the stored photo are still there.
	base, stop = startAll(t, vars)
	defer stop()
	rec = waitReady(t, base, tok, id)
	link, err := url.Parse(rec["attachments"].([]any)[0].(map[string]any)["download_url"].(string))
	if err != nil {
		t.Fatal(err)
	}
	// The link is built on STORYDESK_BASE_URL; the test server listens elsewhere.
	req, _ := http.NewRequest(http.MethodGet, base+link.RequestURI(), nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || len(data) < 100 || testenv.HasEXIF(data) {
		t.Errorf("download after restart: %d, %d bytes", resp.StatusCode, len(data))
	}
}

// startAll runs `storydesk all` in the background and returns its base URL and a stop function.
func startAll(t *testing.T, vars map[string]string) (string, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	addr := make(chan string, 1)
	done := make(chan int, 1)
	var errb syncWriter
	go func() {
		done <- Run(ctx, Env{Args: []string{"all"}, Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: &errb,
			Getenv: func(k string) string { return vars[k] }, Ready: func(a string) { addr <- a }})
	}()
	select {
	case a := <-addr:
		if !strings.Contains(errb.String(), "storydesk user add") {
			t.Errorf("start-up does not say how to create the first editor: %s", errb.String())
		}
		return "http://" + a, func() {
			cancel()
			select {
			case code := <-done:
				if code != 0 {
					t.Errorf("all exited %d: %s", code, errb.String())
				}
			case <-time.After(40 * time.Second):
				t.Error("all did not stop")
			}
		}
	case code := <-done:
		cancel()
		t.Fatalf("all exited %d: %s", code, errb.String())
	case <-time.After(20 * time.Second):
		cancel()
		t.Fatal("all did not start in 20 s")
	}
	return "", nil
}

func submitStory(t *testing.T, base string) string {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range map[string]string{"kind": "oped", "title": "Una historia", "body": "Llegamos en 2015.",
		"language": "es", "consent_publish": "anonymous"} {
		w.WriteField(k, v)
	}
	p, _ := w.CreateFormFile("attachments", "foto.jpg")
	p.Write(testenv.JPEGWithGPS(t))
	w.Close()
	resp, err := http.Post(base+"/api/v1/submissions", w.FormDataContentType(), &buf)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var res map[string]any
	json.NewDecoder(resp.Body).Decode(&res)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("submit: %d %v", resp.StatusCode, res)
	}
	return res["id"].(string)
}

func waitReady(t *testing.T, base, tok, id string) map[string]any {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		req, _ := http.NewRequest(http.MethodGet, base+"/api/v1/submissions/"+id, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var rec map[string]any
		json.NewDecoder(resp.Body).Decode(&rec)
		resp.Body.Close()
		if rec["status"] == "ready" {
			return rec
		}
		if time.Now().After(deadline) {
			t.Fatalf("not ready in 20 s: %d %v", resp.StatusCode, rec)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

type syncWriter struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (w *syncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.Write(p)
}

func (w *syncWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}
