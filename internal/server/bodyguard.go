package server

import (
	"errors"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
)

// A request body must keep arriving: at least bodyMinBytes every
// bodyWindow. A phone on a poor 2G link sends that in a few seconds; a
// client trickling a byte a second to hold a connection (and a spooled
// upload) open is cut off after one window instead of the 15-minute
// ReadTimeout. bodyMax keeps that overall limit for bodies that do flow.
const (
	bodyWindow   = 30 * time.Second
	bodyMinBytes = 16 << 10
	bodyMax      = 15 * time.Minute
)

// refuseEncoded refuses request bodies sent with a Content-Encoding:
// StoryDesk never decompresses what clients send (a small gzip body can
// expand without bound), and reading compressed bytes as a form would
// fail in confusing ways.
func refuseEncoded(c *gin.Context) {
	enc := strings.TrimSpace(c.GetHeader("Content-Encoding"))
	if enc == "" || strings.EqualFold(enc, "identity") {
		c.Next()
		return
	}
	msg := "Content-Encoding " + enc + " is not supported; send the request body uncompressed"
	if isAPI(c.Request) {
		c.AbortWithStatusJSON(http.StatusUnsupportedMediaType, gin.H{"error": msg, "fields": gin.H{"Content-Encoding": "is not supported"}})
		return
	}
	c.Header("Content-Type", "text/plain; charset=utf-8")
	c.AbortWithStatus(http.StatusUnsupportedMediaType)
	c.Writer.WriteString(msg + ".\n")
}

// minBodyRate cuts off request bodies that arrive slower than min bytes per
// window, using the connection's read deadline, so a stalled client is cut
// off too, not only one that trickles.
func minBodyRate(window time.Duration, min int64, maxTotal time.Duration) gin.HandlerFunc {
	return func(c *gin.Context) {
		body := c.Request.Body
		if body == nil || body == http.NoBody || c.Request.ContentLength == 0 {
			c.Next()
			return
		}
		now := time.Now()
		g := &rateGuard{ReadCloser: body, rc: http.NewResponseController(c.Writer), window: window, min: min,
			start: now, hard: now.Add(maxTotal)}
		if err := g.extend(now); err != nil {
			// Not a real connection (tests through a recorder): nothing to guard.
			c.Next()
			return
		}
		c.Request.Body = g
		c.Next()
	}
}

// errBodyTooSlow is what a handler reading a guarded body gets; the error
// adapters answer it with 408.
var errBodyTooSlow = &httpError{status: http.StatusRequestTimeout,
	msg: "the request body arrived too slowly; please try again on a better connection"}

// rateGuard is a request body that fails once a window passes with fewer
// than min bytes received in it.
type rateGuard struct {
	io.ReadCloser
	rc          *http.ResponseController
	window      time.Duration
	min         int64
	got         int64     // bytes in the current window
	start, hard time.Time // current window's start; the overall limit
	failed      bool
}

func (g *rateGuard) Read(p []byte) (int, error) {
	if g.failed {
		return 0, errBodyTooSlow
	}
	n, err := g.ReadCloser.Read(p)
	g.got += int64(n)
	now := time.Now()
	switch {
	case errors.Is(err, os.ErrDeadlineExceeded):
		g.failed = true
		return n, errBodyTooSlow
	case g.got >= g.min:
		g.got, g.start = 0, now
		if derr := g.extend(now); derr != nil && err == nil {
			err = derr
		}
	case now.Sub(g.start) > g.window:
		g.failed = true
		return n, errBodyTooSlow
	}
	return n, err
}

// extend moves the read deadline to the end of the current window, never
// past the overall limit.
func (g *rateGuard) extend(now time.Time) error {
	d := now.Add(g.window)
	if d.After(g.hard) {
		d = g.hard
	}
	return g.rc.SetReadDeadline(d)
}
