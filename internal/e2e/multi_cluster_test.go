package e2e_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/storydesk/storydesk/internal/task"
)

// cluster is the serve and worker processes of one test, and the clients'
// view of them: the serves to send requests to, and what they answered.
type cluster struct {
	t   *testing.T
	bin string
	env map[string]string

	mu       sync.Mutex
	serves   []*instance     // in the clients' rotation
	stopping map[string]bool // serves sent SIGTERM: their refusals are expected
	workers  []*process      // every worker started, killed ones too
	all      []*process
	fivexx   []string
	refused  int
}

// instance is a serve process and its address.
type instance struct {
	p   *process
	url string
}

// multiClient opens a connection per request: a kept-alive connection the
// stopping serve closes would fail a request in a way a load balancer's
// health check would hide, and the test has no load balancer.
var multiClient = &http.Client{
	Transport:     &http.Transport{DisableKeepAlives: true},
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// env is the cluster's configuration with a data directory of the
// process's own, as on a host of its own.
func (c *cluster) procEnv() map[string]string {
	env := map[string]string{}
	for k, v := range c.env {
		env[k] = v
	}
	env["STORYDESK_DATA_DIR"] = c.t.TempDir()
	return env
}

func (c *cluster) startServe() *instance {
	p := startProcess(c.t, c.bin, c.procEnv(), "serve")
	in := &instance{p: p, url: "http://" + p.waitLine(c.t, "StoryDesk is listening on ")}
	c.mu.Lock()
	c.serves = append(c.serves, in)
	c.all = append(c.all, p)
	c.mu.Unlock()
	return in
}

func (c *cluster) startWorker(extra map[string]string) *process {
	env := c.procEnv()
	for k, v := range extra {
		env[k] = v
	}
	p := startProcess(c.t, c.bin, env, "worker", "-concurrency", "4")
	p.waitLine(c.t, `"msg":"workers started"`)
	c.mu.Lock()
	c.workers = append(c.workers, p)
	c.all = append(c.all, p)
	c.mu.Unlock()
	return p
}

// stop sends SIGTERM to a serve, as a rolling restart does once its
// successor listens, and takes it out of the rotation once it has ended.
func (c *cluster) stop(in *instance) {
	c.mu.Lock()
	c.stopping[in.url] = true
	c.mu.Unlock()
	if err := in.p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		c.t.Fatal(err)
	}
	go func() {
		<-in.p.done
		c.mu.Lock()
		defer c.mu.Unlock()
		c.serves = slices.DeleteFunc(c.serves, func(s *instance) bool { return s == in })
	}()
}

// stopAll ends every process gracefully and waits for it.
func (c *cluster) stopAll() {
	for _, p := range c.all {
		p.cmd.Process.Signal(syscall.SIGTERM)
	}
	for _, p := range c.all {
		<-p.done
	}
}

// send makes one request through the rotation (client k's turn picks the
// serve). A connection a stopping serve refused is counted and sent again
// to the next serve, as a client retries; every 5xx is recorded.
func (c *cluster) send(k int, method, path, token, contentType string, body []byte) (int, []byte, error) {
	return c.sendOnce(k, method, path, token, contentType, "", body)
}

// sendOnce is send with an Idempotency-Key (none if ""), which makes the
// resending of a refused submission safe even had it been stored.
func (c *cluster) sendOnce(k int, method, path, token, contentType, key string, body []byte) (int, []byte, error) {
	for try := 0; ; try++ {
		c.mu.Lock()
		in := c.serves[(k+try)%len(c.serves)]
		c.mu.Unlock()
		req, _ := http.NewRequest(method, in.url+path, bytes.NewReader(body))
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		if key != "" {
			req.Header.Set("Idempotency-Key", key)
		}
		resp, err := multiClient.Do(req)
		if err != nil {
			c.mu.Lock()
			expected := c.stopping[in.url]
			if expected {
				c.refused++
			}
			c.mu.Unlock()
			if expected && try < 10 {
				continue
			}
			return 0, nil, err
		}
		out, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode >= 500 {
			c.mu.Lock()
			c.fivexx = append(c.fivexx, fmt.Sprintf("%s %s: %d %.200s", method, path, resp.StatusCode, out))
			c.mu.Unlock()
		}
		return resp.StatusCode, out, err
	}
}

// startExport asks for an export on client k's serve and returns its id.
func (c *cluster) startExport(k int, token string) string {
	c.t.Helper()
	code, out, err := c.send(k, http.MethodPost, "/api/v1/exports", token, "application/json", []byte(`{}`))
	var res struct{ ID string }
	if err != nil || code != http.StatusAccepted || json.Unmarshal(out, &res) != nil {
		c.t.Fatalf("start export: %d %.200s %v", code, out, err)
	}
	return res.ID
}

// finishExport waits for export id and downloads it through client k's
// serve with the link another serve signed.
func (c *cluster) finishExport(id string, k int, token string) {
	c.t.Helper()
	var st struct {
		Status      string
		DownloadURL string `json:"download_url"`
	}
	waitFor(c.t, time.Minute, "export "+id+" to finish", func() (bool, any) {
		code, out, err := c.send(k+1, http.MethodGet, "/api/v1/exports/"+id, token, "", nil)
		if err != nil || code != http.StatusOK || json.Unmarshal(out, &st) != nil {
			return false, fmt.Sprintf("%d %.200s %v", code, out, err)
		}
		return st.Status == "done" || st.Status == "failed", st
	})
	link := st.DownloadURL[strings.Index(st.DownloadURL, "/api/"):]
	code, out, err := c.send(k, http.MethodGet, link, token, "", nil)
	if st.Status != "done" || err != nil || code != http.StatusOK || !bytes.HasPrefix(out, []byte("PK")) {
		c.t.Errorf("export %s: %s; download: %d %.100q %v", id, st.Status, code, out, err)
	}
}

// periodicTypes are the periodic jobs' task types.
var periodicTypes = []string{task.TypeCleanup, task.TypeRetention, task.TypeDigest, task.TypeExportCleanup, task.TypePurgeExpired}

// periodicRun is one "periodic job done" line of a worker's log.
type periodicRun struct {
	typ, id string
	at      time.Time // when it was logged
	start   time.Time // the period's start, from the TaskID; zero if it names none
}

// periodicRuns reads every worker's log, killed ones included.
func (c *cluster) periodicRuns() []periodicRun {
	c.mu.Lock()
	ws := slices.Clone(c.workers)
	c.mu.Unlock()
	var out []periodicRun
	for _, w := range ws {
		for line := range strings.Lines(w.stderr.String()) {
			var e struct {
				Time            time.Time
				Msg, Type, Task string
			}
			if json.Unmarshal([]byte(line), &e) != nil || e.Msg != "periodic job done" {
				continue
			}
			start, _ := time.Parse(time.RFC3339Nano, strings.TrimPrefix(e.Task, e.Type+":"))
			out = append(out, periodicRun{typ: e.Type, id: e.Task, at: e.Time, start: start})
		}
	}
	return out
}

// runsPerType counts the "periodic job done" lines of every worker's log
// per job, whatever their TaskIDs.
func (c *cluster) runsPerType() map[string]int {
	c.mu.Lock()
	ws := slices.Clone(c.workers)
	c.mu.Unlock()
	out := map[string]int{}
	for _, w := range ws {
		for line := range strings.Lines(w.stderr.String()) {
			var e struct{ Msg, Type string }
			if json.Unmarshal([]byte(line), &e) == nil && e.Msg == "periodic job done" {
				out[e.Type]++
			}
		}
	}
	return out
}

// hookCounter counts the webhook notices per piece (the multi-instance test needs only counts).
type hookCounter struct {
	url string
	mu  sync.Mutex
	n   map[string]int
}

func startHookReceiver(t *testing.T) *hookCounter {
	t.Helper()
	h := &hookCounter{n: map[string]int{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var notice struct{ ID string }
		if err := json.NewDecoder(r.Body).Decode(&notice); err != nil || notice.ID == "" {
			http.Error(w, "bad notice", http.StatusBadRequest)
			return
		}
		h.mu.Lock()
		h.n[notice.ID]++
		h.mu.Unlock()
	}))
	t.Cleanup(srv.Close)
	h.url = srv.URL
	return h
}

func (h *hookCounter) counts() map[string]int {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make(map[string]int, len(h.n))
	for k, v := range h.n {
		out[k] = v
	}
	return out
}
