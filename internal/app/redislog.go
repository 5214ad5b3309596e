package app

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/redis/go-redis/v9"
)

// redisLogger routes go-redis's own messages (pool dial failures) into the
// structured log instead of a bare line on stderr.
type redisLogger struct{ log *slog.Logger }

func (l redisLogger) Printf(_ context.Context, format string, v ...any) {
	l.log.Warn(fmt.Sprintf(format, v...), "component", "go-redis")
}

// quietRedis installs the adapter. go-redis keeps its logger in a package
// variable; this is the library's only hook.
func quietRedis(log *slog.Logger) { redis.SetLogger(redisLogger{log}) }
