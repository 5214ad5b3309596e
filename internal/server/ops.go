package server

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/redis/go-redis/v9"

	"github.com/storydesk/storydesk/internal/blob"
	"github.com/storydesk/storydesk/internal/store"
)

// opsHandler answers health and readiness probes.
type opsHandler struct {
	store *store.Store
	redis redis.UniversalClient
	blob  *blob.Store
}

func (h *opsHandler) healthz(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}

// readyz checks every service a request needs. The checks run at once, each
// with its own short deadline: a shared one would let a hung service use it
// up and report the others unavailable too.
func (h *opsHandler) readyz(c *gin.Context) error {
	probes := []struct {
		name string
		ping func(context.Context) error
	}{
		{"database", h.store.Ping},
		{"redis", func(ctx context.Context) error { return h.redis.Ping(ctx).Err() }},
		{"s3", h.blob.Ping},
	}
	results := make([]error, len(probes))
	var wg sync.WaitGroup
	for i, p := range probes {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(c.Request.Context(), 3*time.Second)
			defer cancel()
			results[i] = p.ping(ctx)
		})
	}
	wg.Wait()
	checks := gin.H{}
	ready := true
	for i, p := range probes {
		checks[p.name] = "ok"
		if results[i] != nil {
			checks[p.name] = "unavailable"
			ready = false
		}
	}
	status := http.StatusOK
	if !ready {
		status = http.StatusServiceUnavailable
	}
	c.JSON(status, gin.H{"ready": ready, "checks": checks})
	return nil
}
