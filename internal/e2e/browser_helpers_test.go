package e2e_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// browser is one headless Chromium tab on the app, recording what the page
// reports to its console.
type browser struct {
	t    *testing.T
	ctx  context.Context
	base string // the app's URL
	dir  string // where screenshots go

	mu       sync.Mutex
	problems []string // exceptions, console errors and warnings, CSP violations
}

// chromiumPath is the browser to drive: STORYDESK_TEST_CHROMIUM, else
// chromium on PATH. Missing it is a failure, never a skip: the strict CSP is
// only proven to leave desk.js working in a real browser.
func chromiumPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("STORYDESK_TEST_CHROMIUM"); p != "" {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("STORYDESK_TEST_CHROMIUM=%s: %v (run scripts/test, which installs Chromium)", p, err)
		}
		return p
	}
	p, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatal("no Chromium: STORYDESK_TEST_CHROMIUM is unset and chromium is not on PATH; run scripts/test, which installs it")
	}
	return p
}

// artifactDir is where the test leaves its screenshots for a person to look
// at: STORYDESK_TEST_ARTIFACTS, else artifacts/browser at the repository root.
func artifactDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("STORYDESK_TEST_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join("..", "..", "artifacts", "browser") // go test runs in internal/e2e
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("artifacts: %v", err)
	}
	return dir
}

// startBrowser starts headless Chromium with a fresh profile on one tab and
// stops it when the test ends. Its bound is the test's deadline, not a
// wall-clock budget: a busy machine makes a page slow, not wrong (a sweep
// of a hundred pages took 4 minutes on a machine running eight test suites).
func startBrowser(t *testing.T, base string) *browser {
	t.Helper()
	br := &browser{t: t, base: base, dir: artifactDir(t)}
	budget, cancelBudget := context.WithDeadline(context.Background(), testDeadline(t))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(budget,
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
	)
	// WithListener sees the tab from its first event, before any page loads.
	ctx, cancelTab := chromedp.NewContext(allocCtx, chromedp.WithListener(br.note))
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc() // waits for the browser process to exit
		cancelBudget()
	})
	br.ctx = ctx
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return br
}

// note records what the page says went wrong. It runs in the tab's read
// loop, so it only appends under the lock.
func (br *browser) note(ev any) {
	var problem string
	switch ev := ev.(type) {
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		problem = fmt.Sprintf("exception at %s:%d: %s", d.URL, d.LineNumber+1, d.Text)
		if d.Exception != nil {
			problem += " " + d.Exception.Description
		}
	case *runtime.EventConsoleAPICalled:
		if ev.Type != runtime.ConsoleAPICalledTypeError && ev.Type != runtime.ConsoleAPICalledTypeWarning && ev.Type != runtime.ConsoleAPICalledTypeAssert {
			return
		}
		var args []string
		for _, a := range ev.Args {
			args = append(args, string(a.Value)+a.Description)
		}
		problem = fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(args, " "))
	case *log.EventEntryAdded:
		e := ev.Entry
		// CSP violations come as security entries; failed loads as network errors.
		if e.Source != log.EntrySourceSecurity && e.Level != log.EntryLevelError && e.Level != log.EntryLevelWarning {
			return
		}
		problem = fmt.Sprintf("log %s/%s %s: %s", e.Source, e.Level, e.URL, e.Text)
	default:
		return
	}
	br.mu.Lock()
	br.problems = append(br.problems, problem)
	br.mu.Unlock()
}

// consoleProblems returns what the page has reported so far.
func (br *browser) consoleProblems() []string {
	br.mu.Lock()
	defer br.mu.Unlock()
	return append([]string(nil), br.problems...)
}

// do runs steps that do not navigate.
func (br *browser) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	br.t.Helper()
	if err := chromedp.Do(br.ctx, steps...); err != nil {
		br.t.Fatalf("%s: %v", what, err)
	}
}

// load runs steps that end in a navigation (a link, a form, a key that opens
// a row) and waits for the page, which must answer want.
func (br *browser) load(what string, want int, steps ...chromedp.Action[chromedp.Void]) {
	br.t.Helper()
	resp, err := chromedp.RunResponse(br.ctx, steps...)
	if err != nil {
		br.t.Fatalf("%s: %v", what, err)
	}
	if resp.Status != int64(want) {
		br.t.Fatalf("%s: %s answered %d, want %d", what, resp.URL, resp.Status, want)
	}
}

// visit opens path on the app.
func (br *browser) visit(path string) {
	br.t.Helper()
	br.load("open "+path, http.StatusOK, chromedp.Navigate(br.base+path))
}

// browserRun runs one action that returns a value.
func browserRun[T any](br *browser, what string, a chromedp.Action[T]) T {
	br.t.Helper()
	v, err := chromedp.Run(br.ctx, a)
	if err != nil {
		br.t.Fatalf("%s: %v", what, err)
	}
	return v
}

// text is the rendered text of the first element matching css.
func (br *browser) text(css string) string {
	br.t.Helper()
	return strings.TrimSpace(browserRun(br, "text of "+css, chromedp.Text(chromedp.CSS(css))))
}

// path is the current page's URL without the app's origin.
func (br *browser) path() string {
	br.t.Helper()
	return strings.TrimPrefix(browserRun(br, "location", chromedp.Location()), br.base)
}

// screenshot saves the whole page as name.png in the artifact directory,
// after checking that it decodes to a real picture.
func (br *browser) screenshot(name string) {
	br.t.Helper()
	// A PNG encoded for speed rather than size: the accessibility sweep
	// takes a hundred of these.
	yes := true
	shot, err := chromedp.Call(br.ctx, page.CaptureScreenshot, page.CaptureScreenshotParams{
		Format: page.CaptureScreenshotFormatPng, CaptureBeyondViewport: &yes, FromSurface: &yes, OptimizeForSpeed: &yes})
	if err != nil {
		br.t.Fatalf("screenshot %s: %v", name, err)
	}
	buf := shot.Data
	img, err := png.Decode(bytes.NewReader(buf))
	if err != nil {
		br.t.Fatalf("screenshot %s is not a PNG: %v", name, err)
	}
	if b := img.Bounds(); b.Dx() <= 0 || b.Dy() <= 0 || colours(img) < 3 {
		br.t.Fatalf("screenshot %s is blank: %dx%d, %d colours", name, b.Dx(), b.Dy(), colours(img))
	}
	path := filepath.Join(br.dir, name+".png")
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		br.t.Fatal(err)
	}
	br.t.Logf("screenshot %s (%dx%d, %d bytes)", path, img.Bounds().Dx(), img.Bounds().Dy(), len(buf))
}

// colours counts the distinct colours on a coarse grid: a page that rendered
// nothing is one colour.
func colours(img image.Image) int {
	seen := map[[4]uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 7 {
		for x := b.Min.X; x < b.Max.X; x += 7 {
			r, g, bl, a := img.At(x, y).RGBA()
			seen[[4]uint32{r, g, bl, a}] = true
		}
	}
	return len(seen)
}

// expectCSPReported proves the console watch works: an inline script, which
// the app's CSP forbids, must show up as a reported problem.
func (br *browser) expectCSPReported() {
	br.t.Helper()
	before := len(br.consoleProblems())
	br.do("inject an inline script", chromedp.Evaluate[chromedp.Void](
		`document.body.appendChild(Object.assign(document.createElement("script"), {textContent: "window.cspCanary = 1"}))`))
	waitFor(br.t, 5*time.Second, "the inline script to be reported as a CSP violation", func() (bool, any) {
		seen := br.consoleProblems()[before:]
		for _, p := range seen {
			if strings.Contains(p, "Content Security Policy") {
				br.t.Logf("the console watch sees CSP violations: %s", p)
				return true, nil
			}
		}
		return false, fmt.Sprintf("console problems %q", seen)
	})
}
