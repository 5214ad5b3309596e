package config

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// Redis says where Redis is: one server (Addr), or a master that Sentinels
// name (Master, Sentinels) and that may move to another host on failover.
type Redis struct {
	Addr      string   // host:port of a single server; "" with Sentinel
	Sentinels []string // host:port of each Sentinel
	Master    string   // the name the Sentinels monitor
	Username  string
	Password  string // for the Redis servers (master and replicas)
	// SentinelPassword authenticates to the Sentinels themselves, which
	// often have none even when the servers do (?sentinel_password=).
	SentinelPassword string
	DB               int
	TLS              bool // rediss://
}

// ParseRedis reads STORYDESK_REDIS_URL:
//
//	redis://[[user]:password@]host:port[/db]
//	rediss://…                                  (TLS)
//	redis-sentinel://[[user]:password@]host:port[,host:port…]/MASTER_NAME[/db][?sentinel_password=P]
//
// Redis Cluster is not supported: asynq keeps each queue's keys in one hash
// slot, so a cluster would put the whole queue on one shard anyway, and the
// rate limiter's scripts touch keys a cluster may place apart.
func ParseRedis(raw string) (Redis, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return Redis{}, fmt.Errorf("not a URL (percent-encode / @ : in the password, e.g. %%2F %%40 %%3A)")
	}
	if strings.Contains(u.Host+u.Path, "@") {
		return Redis{}, fmt.Errorf("percent-encode / @ : in the password (%%2F %%40 %%3A)")
	}
	var r Redis
	if u.User != nil {
		r.Username = u.User.Username()
		r.Password, _ = u.User.Password()
	}
	path := strings.Trim(u.Path, "/")
	switch u.Scheme {
	case "redis", "rediss":
		if _, _, err := net.SplitHostPort(u.Host); err != nil {
			return Redis{}, fmt.Errorf("%q: want redis://[:password@]host:port/db", u.Host)
		}
		r.Addr, r.TLS = u.Host, u.Scheme == "rediss"
		if path != "" {
			if r.DB, err = strconv.Atoi(path); err != nil || r.DB < 0 {
				return Redis{}, fmt.Errorf("database %q is not a number", path)
			}
		}
	case "redis-sentinel":
		for _, h := range strings.Split(u.Host, ",") {
			if _, _, err := net.SplitHostPort(h); err != nil {
				return Redis{}, fmt.Errorf("sentinel %q: want host:port", h)
			}
			r.Sentinels = append(r.Sentinels, h)
		}
		master, db, _ := strings.Cut(path, "/")
		if master == "" {
			return Redis{}, fmt.Errorf("no master name: want redis-sentinel://host:port[,host:port…]/MASTER_NAME[/db]")
		}
		r.Master = master
		if db != "" {
			if r.DB, err = strconv.Atoi(db); err != nil || r.DB < 0 {
				return Redis{}, fmt.Errorf("database %q is not a number", db)
			}
		}
		r.SentinelPassword = u.Query().Get("sentinel_password")
	default:
		return Redis{}, fmt.Errorf("scheme %q: want redis://, rediss:// or redis-sentinel://", u.Scheme)
	}
	return r, nil
}
