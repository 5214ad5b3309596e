package app

import (
	"crypto/tls"
	"net"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
	"github.com/storydesk/storydesk/internal/config"
)

// Short timeouts: when Redis is down, a submitter should wait a moment, not
// minutes; the outbox makes up for it later.
const redisTimeout = 2 * time.Second

// redisClient connects to one server, or through Sentinel to whichever
// server is master now (go-redis follows +switch-master on failover).
func redisClient(rc config.Redis) redis.UniversalClient {
	if rc.Master != "" {
		return redis.NewFailoverClient(&redis.FailoverOptions{
			MasterName: rc.Master, SentinelAddrs: rc.Sentinels, SentinelPassword: rc.SentinelPassword,
			Username: rc.Username, Password: rc.Password, DB: rc.DB,
			DialTimeout: redisTimeout, ReadTimeout: redisTimeout, WriteTimeout: redisTimeout,
		})
	}
	return redis.NewClient(&redis.Options{
		Addr: rc.Addr, Username: rc.Username, Password: rc.Password, DB: rc.DB, TLSConfig: redisTLS(rc),
		DialTimeout: redisTimeout, ReadTimeout: redisTimeout, WriteTimeout: redisTimeout,
	})
}

// asynqRedis is the same connection for asynq's server, scheduler and inspector.
func asynqRedis(rc config.Redis) asynq.RedisConnOpt {
	if rc.Master != "" {
		return asynq.RedisFailoverClientOpt{
			MasterName: rc.Master, SentinelAddrs: rc.Sentinels, SentinelPassword: rc.SentinelPassword,
			Username: rc.Username, Password: rc.Password, DB: rc.DB,
			DialTimeout: redisTimeout, ReadTimeout: redisTimeout, WriteTimeout: redisTimeout,
		}
	}
	return asynq.RedisClientOpt{
		Addr: rc.Addr, Username: rc.Username, Password: rc.Password, DB: rc.DB, TLSConfig: redisTLS(rc),
		DialTimeout: redisTimeout, ReadTimeout: redisTimeout, WriteTimeout: redisTimeout,
	}
}

func redisTLS(rc config.Redis) *tls.Config {
	if !rc.TLS {
		return nil
	}
	host, _, _ := net.SplitHostPort(rc.Addr)
	return &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
}
