package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/hibiken/asynq"

	"github.com/storydesk/storydesk/internal/config"
)

// healthTimeout bounds one check: a container healthcheck has its own
// timeout, and an answer this late is a failure anyway.
const healthTimeout = 5 * time.Second

// healthcheck checks the StoryDesk running beside it, for container
// healthchecks on an image without a shell or curl: by default the web
// server's /healthz on STORYDESK_ADDR; with --worker, that a worker on this
// host is heartbeating in Redis (asynq renews each worker's record every
// few seconds and the record expires soon after a worker dies or hangs).
func healthcheck(ctx context.Context, env Env, args []string) error {
	var worker bool
	if err := flags("healthcheck", args, func(fs *flag.FlagSet) {
		fs.BoolVar(&worker, "worker", false, "check the worker of this host instead of the web server")
	}); err != nil {
		return err
	}
	cfg, err := config.Load(env.Getenv)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, healthTimeout)
	defer cancel()
	if worker {
		return workerHealth(cfg)
	}
	return webHealth(ctx, cfg.Addr)
}

// webHealth asks the web server listening on addr for /healthz.
func webHealth(ctx context.Context, addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("healthcheck: STORYDESK_ADDR %q: %w", addr, err)
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1" // listening on every address: loopback is one
	}
	url := "http://" + net.JoinHostPort(host, port) + "/healthz"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: %s answered %d", url, resp.StatusCode)
	}
	return nil
}

// workerHealth looks for a live worker of this host in Redis.
func workerHealth(cfg config.Config) error {
	if cfg.EmbeddedRedis() {
		return errors.New("healthcheck: --worker needs STORYDESK_REDIS_URL (with the embedded Redis, check the web server of 'storydesk all')")
	}
	opt, err := asynq.ParseRedisURI(cfg.RedisURL)
	if err != nil {
		return fmt.Errorf("healthcheck: STORYDESK_REDIS_URL: %w", err)
	}
	host, err := os.Hostname()
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	in := asynq.NewInspector(opt)
	defer in.Close()
	servers, err := in.Servers()
	if err != nil {
		return fmt.Errorf("healthcheck: worker heartbeats in Redis: %w", err)
	}
	for _, s := range servers {
		if s.Host == host && s.Status == "active" {
			return nil
		}
	}
	return fmt.Errorf("healthcheck: no worker of host %s is heartbeating in Redis", host)
}
