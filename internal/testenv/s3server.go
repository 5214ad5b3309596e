package testenv

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// S3Gateway is a private Versity S3 gateway for one test, which the test may
// stop and start again (fault injection).
type S3Gateway struct {
	S3
	t    testing.TB
	bin  string
	port int
	dir  string
	cmd  *exec.Cmd
}

// StartS3Gateway starts the pinned versitygw (STORYDESK_TEST_VERSITYGW,
// exported by scripts/test) on a free port over a fresh directory.
func StartS3Gateway(t testing.TB) *S3Gateway {
	t.Helper()
	bin := os.Getenv("STORYDESK_TEST_VERSITYGW")
	if bin == "" {
		t.Fatalf("testenv: STORYDESK_TEST_VERSITYGW is not set: run the tests with scripts/test, which builds the Versity gateway")
	}
	g := &S3Gateway{t: t, bin: bin, port: freePort(t), dir: t.TempDir()}
	g.S3 = S3{Endpoint: "127.0.0.1:" + strconv.Itoa(g.port), AccessKey: "fault-test", SecretKey: "fault-test-secret-" + RandomHex(6), Region: "us-east-1"}
	for _, d := range []string{"data", "sidecar"} {
		if err := os.MkdirAll(filepath.Join(g.dir, d), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	g.Start()
	t.Cleanup(g.Stop)
	return g
}

// Start (re)starts the gateway on the same port and data.
func (g *S3Gateway) Start() {
	g.t.Helper()
	g.cmd = exec.Command(g.bin, "--port", g.Endpoint, "--region", g.Region, "--quiet",
		"posix", "--sidecar", filepath.Join(g.dir, "sidecar"), filepath.Join(g.dir, "data"))
	g.cmd.Env = append(os.Environ(), "ROOT_ACCESS_KEY="+g.AccessKey, "ROOT_SECRET_KEY="+g.SecretKey)
	if err := g.cmd.Start(); err != nil {
		g.t.Fatalf("testenv: start versitygw: %v", err)
	}
	waitPort(g.t, g.Endpoint, "versitygw")
}

// Stop kills the gateway; its data stays for Start.
func (g *S3Gateway) Stop() {
	if g.cmd == nil || g.cmd.Process == nil {
		return
	}
	_ = g.cmd.Process.Kill()
	_, _ = g.cmd.Process.Wait()
	g.cmd = nil
}

func waitPort(t testing.TB, addr, what string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if c, err := net.DialTimeout("tcp", addr, 100*time.Millisecond); err == nil {
			c.Close()
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("testenv: %s on %s did not start", what, addr)
}
