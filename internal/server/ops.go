package server

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/redis/go-redis/v9"

	"github.com/storydesk/storydesk/internal/blob"
	"github.com/storydesk/storydesk/internal/store"
)

// opsHandler answers health and readiness probes.
type opsHandler struct {
	store *store.Store
	redis *redis.Client
	blob  *blob.Store
}

func (h *opsHandler) healthz(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}

// readyz checks every service a request needs, each with a short deadline.
func (h *opsHandler) readyz(c *gin.Context) error {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 3*time.Second)
	defer cancel()
	checks := gin.H{}
	ready := true
	check := func(name string, err error) {
		if err != nil {
			checks[name] = "unavailable"
			ready = false
			return
		}
		checks[name] = "ok"
	}
	check("database", h.store.Ping(ctx))
	check("redis", h.redis.Ping(ctx).Err())
	check("s3", h.blob.Ping(ctx))
	status := http.StatusOK
	if !ready {
		status = http.StatusServiceUnavailable
	}
	c.JSON(status, gin.H{"ready": ready, "checks": checks})
	return nil
}
