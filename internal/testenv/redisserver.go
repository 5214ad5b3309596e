package testenv

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// RedisServer is a private redis-server process for one test, so tests do
// not share queues and a test may stop and restart it (fault injection).
type RedisServer struct {
	t    testing.TB
	Addr string
	port int
	dir  string
	cmd  *exec.Cmd
	args []string // more redis-server arguments (a replica's --replicaof)
}

// StartRedisServer starts a fresh redis-server on a free loopback port and
// stops it when the test ends. It fails the test if redis-server is missing.
func StartRedisServer(t testing.TB, args ...string) *RedisServer {
	t.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		t.Fatalf("testenv: redis-server is not installed (run scripts/test, which installs it): %v", err)
	}
	r := &RedisServer{t: t, port: freePort(t), dir: t.TempDir(), args: args}
	r.Addr = "127.0.0.1:" + strconv.Itoa(r.port)
	r.Start()
	t.Cleanup(r.Stop)
	return r
}

// Start (re)starts the server on the same port.
func (r *RedisServer) Start() {
	r.t.Helper()
	r.cmd = exec.Command("redis-server", append([]string{"--port", strconv.Itoa(r.port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--dir", r.dir, "--maxmemory-policy", "noeviction"}, r.args...)...)
	r.cmd.Stdout, r.cmd.Stderr = nil, os.Stderr
	if err := r.cmd.Start(); err != nil {
		r.t.Fatalf("testenv: start redis-server: %v", err)
	}
	// Generous: a loaded machine may take seconds to start a process.
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if pid, err := r.pid(); err == nil {
			// Another test's server on a port ours could not bind would
			// answer too: tests would share a queue without knowing it.
			if pid != r.cmd.Process.Pid {
				r.t.Fatalf("testenv: %s answers as redis-server pid %d, not ours (%d): the port was taken", r.Addr, pid, r.cmd.Process.Pid)
			}
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	r.t.Fatalf("testenv: redis-server on %s did not start", r.Addr)
}

// pid asks the server on r.Addr for its process id.
func (r *RedisServer) pid() (int, error) {
	c := redis.NewClient(&redis.Options{Addr: r.Addr, MaxRetries: -1, DialTimeout: time.Second})
	defer c.Close()
	info, err := c.Info(context.Background(), "server").Result()
	if err != nil {
		return 0, err
	}
	for line := range strings.Lines(info) {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "process_id:"); ok {
			return strconv.Atoi(v)
		}
	}
	return 0, fmt.Errorf("no process_id in INFO server")
}

// Stop kills the server (its data is lost, as in a crash without persistence).
func (r *RedisServer) Stop() {
	if r.cmd == nil || r.cmd.Process == nil {
		return
	}
	_ = r.cmd.Process.Kill()
	_, _ = r.cmd.Process.Wait()
	r.cmd = nil
}

// URL is the redis:// URL of the server.
func (r *RedisServer) URL() string { return fmt.Sprintf("redis://%s/0", r.Addr) }

func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("testenv: free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
