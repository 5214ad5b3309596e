package testenv

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// SentinelMaster is the name the test Sentinel monitors.
const SentinelMaster = "storydesk"

// RedisSentinel is a real high-availability set: a master, one replica and
// a Sentinel process (redis-server --sentinel) watching them.
type RedisSentinel struct {
	Master, Replica *RedisServer
	Addr            string // the Sentinel's host:port
	cmd             *exec.Cmd
}

// StartRedisSentinel starts the set on free loopback ports and stops it when
// the test ends.
func StartRedisSentinel(t testing.TB) *RedisSentinel {
	t.Helper()
	m := StartRedisServer(t)
	r := StartRedisServer(t, "--replicaof", "127.0.0.1", strconv.Itoa(m.port))
	port := freePort(t)
	conf := filepath.Join(t.TempDir(), "sentinel.conf") // Sentinel rewrites it: its own file
	body := fmt.Sprintf("port %d\nbind 127.0.0.1\ndir %s\n"+
		"sentinel monitor %s 127.0.0.1 %d 1\n"+
		"sentinel down-after-milliseconds %[3]s 2000\nsentinel failover-timeout %[3]s 20000\n",
		port, filepath.Dir(conf), SentinelMaster, m.port)
	if err := os.WriteFile(conf, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	s := &RedisSentinel{Master: m, Replica: r, Addr: "127.0.0.1:" + strconv.Itoa(port)}
	s.cmd = exec.Command("redis-server", conf, "--sentinel")
	s.cmd.Stderr = os.Stderr
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("testenv: start redis sentinel: %v", err)
	}
	t.Cleanup(func() {
		_ = s.cmd.Process.Kill()
		_, _ = s.cmd.Process.Wait()
	})
	return s
}

// URL is STORYDESK_REDIS_URL for the set.
func (s *RedisSentinel) URL() string {
	return fmt.Sprintf("redis-sentinel://%s/%s/0", s.Addr, SentinelMaster)
}

func (s *RedisSentinel) client() *redis.SentinelClient {
	return redis.NewSentinelClient(&redis.Options{Addr: s.Addr, MaxRetries: -1, DialTimeout: time.Second})
}

// MasterAddr is where the Sentinel says the master is now ("" if it cannot say).
func (s *RedisSentinel) MasterAddr(ctx context.Context) string {
	c := s.client()
	defer c.Close()
	hp, err := c.GetMasterAddrByName(ctx, SentinelMaster).Result()
	if err != nil || len(hp) != 2 {
		return ""
	}
	return hp[0] + ":" + hp[1]
}

// CanFailOver reports whether the Sentinel knows a replica in sync, which a
// forced failover needs (it learns of replicas from the master's INFO, which
// it reads every few seconds).
func (s *RedisSentinel) CanFailOver(ctx context.Context) (bool, any) {
	c := s.client()
	defer c.Close()
	replicas, err := c.Replicas(ctx, SentinelMaster).Result()
	if err != nil {
		return false, err
	}
	for _, r := range replicas {
		if r["port"] == strconv.Itoa(s.Replica.port) && r["master-link-status"] == "ok" && r["flags"] == "slave" {
			return true, r
		}
	}
	return false, replicas
}

// FailOver asks the Sentinel to promote the replica now (SENTINEL FAILOVER).
func (s *RedisSentinel) FailOver(ctx context.Context) error {
	c := s.client()
	defer c.Close()
	return c.Failover(ctx, SentinelMaster).Err()
}
