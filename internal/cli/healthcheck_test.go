package cli

import (
	"maps"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/storydesk/storydesk/internal/testenv"
)

// TestHealthcheck: "storydesk healthcheck" exits 0 while the web server
// answers and 1 with one line when nothing listens; --worker exits 0 while
// a worker of this host heartbeats and 1 before it starts.
func TestHealthcheck(t *testing.T) {
	s3 := testenv.S3Server(t)
	dir := t.TempDir()
	vars := map[string]string{
		"STORYDESK_DATA_DIR":     dir,
		"STORYDESK_ADDR":         "127.0.0.1:0",
		"STORYDESK_DATABASE_URL": "sqlite://" + dir + "/storydesk.db",
		"STORYDESK_REDIS_URL":    testenv.StartRedisServer(t).URL(),
	}
	maps.Copy(vars, s3.Env())
	// Nothing listens on a port just closed.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	vars["STORYDESK_ADDR"] = ln.Addr().String()
	ln.Close()
	check := func(args ...string) (int, string) {
		code, _, stderr := run(t, vars, "", append([]string{"healthcheck"}, args...)...)
		return code, stderr
	}
	if code, stderr := check(); code != 1 || strings.Count(strings.TrimSpace(stderr), "\n") != 0 || !strings.Contains(stderr, "healthcheck") {
		t.Errorf("nothing listening: exit %d, %q; want 1 and one line", code, stderr)
	}
	if code, stderr := check("--worker"); code != 1 || !strings.Contains(stderr, "no worker") {
		t.Errorf("no worker: exit %d, %q; want 1", code, stderr)
	}

	vars["STORYDESK_ADDR"] = "127.0.0.1:0"
	base, stop := startAll(t, vars)
	defer stop()
	vars["STORYDESK_ADDR"] = strings.TrimPrefix(base, "http://")
	if code, stderr := check(); code != 0 {
		t.Errorf("server up: exit %d, %q", code, stderr)
	}
	// asynq records a worker at start and renews the record every few seconds.
	deadline := time.Now().Add(30 * time.Second)
	for {
		code, stderr := check("--worker")
		if code == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("worker up: exit %d, %q", code, stderr)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
