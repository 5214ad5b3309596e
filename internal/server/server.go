// Package server is StoryDesk's HTTP layer: the only package that imports gin.
// Handlers are methods on small structs, one file per area; routes.go builds
// each handler once and holds the whole route table, and role.go names the
// roles its guards admit.
package server

import (
	"github.com/storydesk/storydesk/internal/auth"
	"log/slog"
	"net/http"
	"net/netip"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/storydesk/storydesk/internal/blob"
	"github.com/storydesk/storydesk/internal/intake"
	"github.com/storydesk/storydesk/internal/limit"
	"github.com/storydesk/storydesk/internal/metric"
	"github.com/storydesk/storydesk/internal/receipt"
	"github.com/storydesk/storydesk/internal/sanitize"
	"github.com/storydesk/storydesk/internal/store"
	"github.com/storydesk/storydesk/internal/task"
	"github.com/storydesk/storydesk/web"
)

// Deps is everything the HTTP layer uses.
type Deps struct {
	Store     *store.Store
	Blob      *blob.Store
	Intake    *intake.Service
	Sanitizer *sanitize.Sanitizer
	Renderer  *web.Renderer
	Limiter   *limit.Limiter
	Passwords *auth.Passwords       // every password hash and check, capped at once
	Redis     redis.UniversalClient // for readiness checks
	Registry  *prometheus.Registry
	Metrics   *metric.Metrics // intake and decision counts; nil records nothing
	Log       *slog.Logger
	// Dispatch enqueues outbox tasks after commit (publish, export).
	Dispatch *task.Dispatcher

	Secret         []byte
	BaseURL        string
	SubmitRate     int // per client per hour; 0 = unlimited
	SubmitGlobal   int // all clients together per minute; 0 = unlimited
	TrustedProxies []netip.Prefix
	// MetricsToken is the bearer token /metrics asks for; "" serves no /metrics.
	MetricsToken string
	// Receipts keep the receipt page showable after the form's redirect.
	Receipts *receipt.Slots
	// Clock is the placement rules' time; nil is time.Now.
	Clock func() time.Time
}

// Rates that are not configurable: they only slow down guessing.
const (
	statusRate   = 60 // receipt look-ups per client per hour
	downloadLife = 15 * time.Minute
)

// loginBackoff throttles guesses of passwords and codes: the guessing client
// slows down (10 free failures, then 2 s, 4 s, … up to 15 minutes between
// tries, forgotten an hour after its last failure), never the account, so
// the real person on another client still signs in. 50 failures an hour on
// one account, from every client together, stop the clients that failed.
var loginBackoff = limit.Backoff{Free: 10, Base: 2 * time.Second, Max: 15 * time.Minute, Forget: time.Hour, Ceiling: 50}

// New builds the HTTP handler with every route.
func New(d Deps) (http.Handler, error) {
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	e.HandleMethodNotAllowed = true
	e.ForwardedByClientIP = len(d.TrustedProxies) > 0
	proxies := make([]string, len(d.TrustedProxies))
	for i, p := range d.TrustedProxies {
		proxies[i] = p.String()
	}
	// With no trusted proxy, forwarding headers are ignored: the peer address is the client.
	if err := e.SetTrustedProxies(proxies); err != nil {
		return nil, err
	}
	m := newMetrics(d.Registry)
	e.Use(recovery(d.Log), accessLog(d.Log, m), refuseEncoded, refuseInvalidQuery(d.Renderer, d.Log), minBodyRate(bodyWindow, bodyMinBytes, bodyMax))
	routes(e, d)
	// Refuse cross-site state-changing requests from browsers (Sec-Fetch-Site / Origin).
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(crossOriginRefusal(d.Renderer, d.Log))
	return securityHeaders(d.BaseURL, headAsGet(cop.Handler(e))), nil
}
