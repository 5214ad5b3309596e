package e2e_test

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// TestUploadTimeThrottled measures, on a phone-sized headless Chromium
// throttled to 1.6 Mbit/s each way with 150 ms of latency, the time from
// tapping Send to the receipt for a story with five 12-megapixel photos:
// with JavaScript off (the form as it was: the photos go as they are) and
// with form.js (photos shrunk to the print size, sent by XMLHttpRequest).
// The photos are chosen just before the tap, so the shrinking's time is
// counted. It only logs (docs/benchmarks.md has the figures): set
// STORYDESK_BENCH_UPLOAD=1 to run it; it takes about five minutes.
func TestUploadTimeThrottled(t *testing.T) {
	if os.Getenv("STORYDESK_BENCH_UPLOAD") == "" {
		t.Skip("a measurement, not a test: set STORYDESK_BENCH_UPLOAD=1")
	}
	b := setup(t, options{db: "sqlite"})
	photo := phonePhoto(t, 4032, 3024)
	var paths []string
	for i := range 5 {
		paths = append(paths, writeFile(t, fmt.Sprintf("IMG_%04d.jpg", 1000+i), photo))
	}
	conditions := &network.Conditions{Latency: 150, UploadThroughput: 1.6e6 / 8, DownloadThroughput: 1.6e6 / 8}
	t.Logf("five photos of %d bytes (4032×3024, EXIF orientation 6); %.0f bytes/s up and down, %.0f ms latency",
		len(photo), conditions.UploadThroughput, conditions.Latency)

	times := map[string]time.Duration{}
	for _, script := range []bool{false, true} {
		name := map[bool]string{false: "javascript-off", true: "form.js"}[script]
		t.Run(name, func(t *testing.T) {
			br := startBrowser(t, b.url)
			br.phone()
			if !script {
				br.noScript()
			}
			br.visit("/?lang=en")
			br.fillStory("Five photos from "+name, "We came in 2015. These are the photos of our first year.")
			br.throttle(conditions)
			br.do("choose five photos", chromedp.SetUploadFiles(chromedp.ID("attachments"), paths))
			marks := br.markRequests()
			start := time.Now()
			if script {
				br.do("send", chromedp.Click(chromedp.CSS(`main form button[type=submit]`)),
					chromedp.WaitVisible(chromedp.CSS(".receipt-code")))
			} else {
				br.load("send", http.StatusOK, chromedp.Click(chromedp.CSS(`main form button[type=submit]`)))
			}
			times[name] = time.Since(start)
			if p := br.path(); p != "/receipt?lang=en" {
				t.Fatalf("after sending: on %s", p)
			}
			posted, answered := marks.at("POST /submit"), marks.at("GET /receipt")
			t.Logf("%s: tap Send → receipt %.1f s (tap → post starts %.1f s, → answered %.1f s, → receipt shown %.1f s)", name, times[name].Seconds(),
				posted.Sub(start).Seconds(), answered.Sub(posted).Seconds(), start.Add(times[name]).Sub(answered).Seconds())
		})
	}
	if off, on := times["javascript-off"], times["form.js"]; off > 0 && on > 0 {
		t.Logf("tap Send → receipt: %.1f s without the script, %.1f s with it (%.2f× as long)", off.Seconds(), on.Seconds(), on.Seconds()/off.Seconds())
	}
}

// requestMarks holds when the tab first started each kind of request
// ("POST /submit"), by the clock of the test.
type requestMarks struct {
	mu    sync.Mutex
	first map[string]time.Time
}

func (m *requestMarks) at(what string) time.Time {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.first[what]
}

// markRequests notes from now on when each kind of request starts: for the
// form's post, after the photos are prepared; the first GET /receipt is the
// redirect that answers the post.
func (br *browser) markRequests() *requestMarks {
	m := &requestMarks{first: map[string]time.Time{}}
	err := chromedp.Listen(br.ctx, func(ev any) {
		if e, ok := ev.(*network.EventRequestWillBeSent); ok {
			u, err := url.Parse(e.Request.URL)
			if err != nil {
				return
			}
			what := e.Request.Method + " " + u.Path
			m.mu.Lock()
			if _, seen := m.first[what]; !seen {
				m.first[what] = time.Now()
			}
			m.mu.Unlock()
		}
	})
	if err != nil {
		br.t.Fatal(err)
	}
	return m
}
