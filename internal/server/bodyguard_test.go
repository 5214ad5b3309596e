package server

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
)

// guarded serves a handler that reads the whole body behind minBodyRate with
// a short window (the real one is 30 s), on a real listener so read
// deadlines apply.
func guarded(t *testing.T, window time.Duration, min int64) *httptest.Server {
	t.Helper()
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	e.Use(refuseEncoded, minBodyRate(window, min, time.Minute))
	e.POST("/", func(c *gin.Context) {
		n, err := io.Copy(io.Discard, c.Request.Body)
		if err != nil {
			c.String(classify(err).status, "cut off after %d bytes", n)
			return
		}
		c.String(http.StatusOK, "read %d bytes", n)
	})
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	return srv
}

// paced is a body that sends size bytes in chunks, one chunk per interval.
type paced struct {
	left, chunk int
	every       time.Duration
}

func (p *paced) Read(b []byte) (int, error) {
	if p.left == 0 {
		return 0, io.EOF
	}
	time.Sleep(p.every)
	n := min(p.chunk, p.left, len(b))
	for i := range n {
		b[i] = 'a'
	}
	p.left -= n
	return n, nil
}

// TestMinBodyRate: a slow but steady upload (a phone on a poor network)
// gets through; a trickle and a stalled body are cut off after about one
// window, and another client is served meanwhile.
func TestMinBodyRate(t *testing.T) {
	// Every margin is wide, so a loaded machine cannot tip a case over: the
	// steady upload sends 10 times the minimum, the trickle a tenth of it.
	const window = 2 * time.Second
	srv := guarded(t, window, 1024)
	send := func(body io.Reader, size int) (int, string, time.Duration) {
		req, _ := http.NewRequest(http.MethodPost, srv.URL, body)
		req.ContentLength = int64(size)
		start := time.Now()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, err.Error(), time.Since(start)
		}
		defer resp.Body.Close()
		text, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(text), time.Since(start)
	}
	// Steady: 512 bytes every 100 ms is 10 KiB per window, ten times 1 KiB.
	if code, text, _ := send(&paced{left: 8 << 10, chunk: 512, every: 100 * time.Millisecond}, 8<<10); code != http.StatusOK {
		t.Errorf("steady upload: %d %s", code, text)
	}
	done := make(chan string, 2)
	go func() {
		// Trickle: a byte every 20 ms is 100 bytes per window.
		code, text, d := send(&paced{left: 1 << 20, chunk: 1, every: 20 * time.Millisecond}, 1<<20)
		if code != http.StatusRequestTimeout && code != 0 || d > 5*window {
			done <- "trickle: " + text
			return
		}
		done <- ""
	}()
	go func() {
		pr, pw := io.Pipe()
		defer pw.Close()
		go pw.Write([]byte("only this"))
		code, text, d := send(pr, 1<<20) // then nothing, ever
		if code != http.StatusRequestTimeout && code != 0 || d > 5*window {
			done <- "stalled: " + text
			return
		}
		done <- ""
	}()
	// Meanwhile another client is served at once.
	if code, text, d := send(strings.NewReader("hello"), 5); code != http.StatusOK || d > window {
		t.Errorf("other client: %d %s after %v", code, text, d)
	}
	for range 2 {
		if msg := <-done; msg != "" {
			t.Error(msg)
		}
	}
}

// TestRefuseEncoded: compressed request bodies get 415 naming Content-Encoding.
func TestRefuseEncoded(t *testing.T) {
	srv := guarded(t, time.Second, 1)
	for _, enc := range []string{"gzip", "deflate", "br"} {
		req, _ := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader("x"))
		req.Header.Set("Content-Encoding", enc)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		text, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnsupportedMediaType || !strings.Contains(string(text), "Content-Encoding "+enc) {
			t.Errorf("%s: %d %s", enc, resp.StatusCode, text)
		}
	}
}
