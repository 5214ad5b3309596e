package config

import (
	"reflect"
	"testing"
)

func TestParseRedis(t *testing.T) {
	good := []struct {
		in   string
		want Redis
	}{
		{"redis://127.0.0.1:6379/0", Redis{Addr: "127.0.0.1:6379"}},
		{"redis://:p%2Fw%40rd@redis:6379/3", Redis{Addr: "redis:6379", Password: "p/w@rd", DB: 3}},
		{"rediss://user:pw@redis.example:6380", Redis{Addr: "redis.example:6380", Username: "user", Password: "pw", TLS: true}},
		{"redis-sentinel://s1:26379,s2:26379,s3:26379/mymaster",
			Redis{Sentinels: []string{"s1:26379", "s2:26379", "s3:26379"}, Master: "mymaster"}},
		{"redis-sentinel://:pw@s1:26379/mymaster/2?sentinel_password=sp",
			Redis{Sentinels: []string{"s1:26379"}, Master: "mymaster", Password: "pw", DB: 2, SentinelPassword: "sp"}},
	}
	for _, c := range good {
		got, err := ParseRedis(c.in)
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("ParseRedis(%q) = %+v, %v; want %+v", c.in, got, err, c.want)
		}
	}
	for _, bad := range []string{
		"localhost:6379",
		"redis://redis/0",
		"redis://redis:6379/x",
		"redis-sentinel://s1:26379",
		"redis-sentinel://s1:26379,s2/mymaster",
		"redis-sentinel://s1:26379/mymaster/-1",
		"redis://:pa/ss@redis:6379/0",
		"http://redis:6379",
	} {
		if got, err := ParseRedis(bad); err == nil {
			t.Errorf("ParseRedis(%q) = %+v, want an error", bad, got)
		}
	}
}
