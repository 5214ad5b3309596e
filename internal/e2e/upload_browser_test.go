package e2e_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"image"
	"image/jpeg"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/storydesk/storydesk/internal/store"
	"github.com/storydesk/storydesk/internal/testenv"
)

// phonePhoto is a w×h JPEG laid out as a phone's camera writes it: the
// sensor's landscape pixels with an EXIF Orientation 6 (turn 90° clockwise
// to show), a red square in the sensor's top-left corner to tell which way
// the stored photo was turned, and grain all over, so that it weighs what a
// 12-megapixel phone photo does (about 4-5 MB at 4032×3024).
func phonePhoto(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	seed := uint32(2463534242)
	mark := w / 10
	for y := range h {
		for x := range w {
			seed ^= seed << 13
			seed ^= seed >> 17
			seed ^= seed << 5
			v := 60 + 120*x/w + 40*y/h + int(seed%48) - 24
			if x < mark && y < mark {
				v = 81 // red's luma
			}
			img.Y[y*img.YStride+x] = uint8(max(0, min(255, v)))
		}
	}
	for y := range (h + 1) / 2 {
		for x := range (w + 1) / 2 {
			cb, cr := uint8(100+60*x*2/w), uint8(110+40*y*2/h)
			if 2*x < mark && 2*y < mark {
				cb, cr = 90, 240
			}
			img.Cb[y*img.CStride+x], img.Cr[y*img.CStride+x] = cb, cr
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 92}); err != nil {
		t.Fatal(err)
	}
	// An EXIF APP1 after SOI: a big-endian TIFF whose IFD0 holds Orientation 6.
	tiff := []byte("MM\x00\x2a\x00\x00\x00\x08\x00\x01")
	tiff = append(tiff, 0x01, 0x12, 0x00, 0x03, 0, 0, 0, 1, 0x00, 0x06, 0, 0) // Orientation, SHORT, 1, 6
	tiff = append(tiff, 0, 0, 0, 0)                                           // no next IFD
	payload := append([]byte("Exif\x00\x00"), tiff...)
	app1 := binary.BigEndian.AppendUint16([]byte{0xff, 0xe1}, uint16(len(payload)+2))
	raw := buf.Bytes()
	out := append(append(append([]byte{}, raw[:2]...), app1...), payload...)
	return append(out, raw[2:]...)
}

// writeFile puts data in a file named name for the file input.
func writeFile(t testing.TB, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// proxyStep is what the proxy does with one POST /submit.
type proxyStep int

const (
	pass      proxyStep = iota
	hold                // read the whole body, report it, wait for release, then pass it on
	dropAfter           // pass it on (the story is stored), then cut the connection
	failAfter           // pass it on, then answer 502 as a gateway whose upstream died
)

// flakyProxy stands between the browser and the app like a mobile network
// or a load balancer: every request goes through untouched, except the
// form's posts, each of which meets the next step of plan.
type flakyProxy struct {
	url     string
	mu      sync.Mutex
	plan    []proxyStep // for the 1st, 2nd, … POST /submit; then mode
	mode    proxyStep   // for every post after the plan (set with setMode)
	posts   int
	held    chan int      // a held post's body size, once all of it arrived
	release chan struct{} // lets a held post go on
}

type stepKey struct{}

func startFlakyProxy(t *testing.T, target string, plan ...proxyStep) *flakyProxy {
	t.Helper()
	to, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	p := &flakyProxy{plan: plan, held: make(chan int, 1), release: make(chan struct{})}
	rp := httputil.NewSingleHostReverseProxy(to)
	rp.ModifyResponse = func(resp *http.Response) error {
		if step, _ := resp.Request.Context().Value(stepKey{}).(proxyStep); step == dropAfter || step == failAfter {
			resp.Body.Close()
			return errLost
		}
		return nil
	}
	rp.ErrorHandler = func(w http.ResponseWriter, r *http.Request, err error) {
		if step, _ := r.Context().Value(stepKey{}).(proxyStep); step == dropAfter {
			if conn, _, herr := http.NewResponseController(w).Hijack(); herr == nil {
				conn.Close()
				return
			}
		}
		w.WriteHeader(http.StatusBadGateway)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == "/submit" {
			step := p.next()
			if step == hold {
				body, err := io.ReadAll(r.Body)
				if err != nil {
					return
				}
				r.Body = io.NopCloser(bytes.NewReader(body))
				p.held <- len(body)
				<-p.release
			}
			r = r.WithContext(context.WithValue(r.Context(), stepKey{}, step))
		}
		rp.ServeHTTP(w, r)
	})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	p.url = "http://" + ln.Addr().String()
	return p
}

var errLost = &net.OpError{Op: "read", Err: io.ErrUnexpectedEOF}

func (p *flakyProxy) next() proxyStep {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.posts++
	if p.posts <= len(p.plan) {
		return p.plan[p.posts-1]
	}
	return p.mode
}

// setMode sets what happens to the posts after the plan. A mode rather
// than a count: Chromium sends a POST again by itself when a kept-alive
// connection drops before any answer, so one send may be two posts.
func (p *flakyProxy) setMode(s proxyStep) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.mode = s
}

// storedPhoto reads back the one photo of the one submission stored.
func (b *bundle) storedPhoto(t *testing.T) (image.Image, []byte) {
	t.Helper()
	qp, err := b.app.Store.Queue(t.Context(), store.Filter{})
	if err != nil || qp.Total != 1 {
		t.Fatalf("%d submissions stored (%v), want 1", qp.Total, err)
	}
	code, rec := b.get("/api/v1/submissions/" + qp.Items[0].ID)
	atts, _ := rec["attachments"].([]any)
	if code != http.StatusOK || len(atts) != 1 {
		t.Fatalf("the submission: %d, %d attachments; want 200 and 1", code, len(atts))
	}
	data, _ := b.download(atts[0].(map[string]any)["download_url"].(string))
	img, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("the stored photo: %v", err)
	}
	return img, data
}

// red reports whether the pixel at x, y is the marker's red.
func red(img image.Image, x, y int) bool {
	r, g, bl, _ := img.At(x, y).RGBA()
	return r>>8 > 180 && g>>8 < 100 && bl>>8 < 100
}

// sendState is what the form shows while it sends.
type sendState struct {
	Shown        bool
	Value, Max   float64
	Label, Bytes string
	Announced    string
}

// TestPhonePhotoShrunkWithProgress is issue 16 on a phone, in English: a
// 12-megapixel photo with EXIF orientation 6 and a PDF are chosen; the list
// shows a picture of the photo (upright) and the document's name and size;
// the PDF is removed with the keyboard; the form is sent with the keyboard.
// While the proxy holds the post, the page shows a labelled progress bar
// at all the bytes sent, which are fewer than the photo's own: it was
// shrunk in the browser. The stored photo is 2250×3000, upright (the red
// corner top right), without EXIF; one submission, one receipt.
func TestPhonePhotoShrunkWithProgress(t *testing.T) {
	t.Parallel()
	b := setup(t, options{db: "sqlite"})
	proxy := startFlakyProxy(t, b.url, hold)
	br := startBrowser(t, proxy.url)
	br.phone()
	photo := phonePhoto(t, 4032, 3024)
	t.Logf("the phone photo: 4032×3024, %d bytes", len(photo))
	photoPath := writeFile(t, "IMG_0412.jpg", photo)
	pdfPath := writeFile(t, "letter.pdf", testenv.MinimalPDF())

	br.visit("/?lang=en")
	br.fillStory("Our first winter", "We came in 2015. The first winter was the hardest.")
	br.do("choose a photo and a PDF", chromedp.SetUploadFiles(chromedp.ID("attachments"), []string{photoPath, pdfPath}))
	type item struct {
		Name, Note    string
		Thumb, Icon   bool
		Width, Height float64
	}
	var items []item
	waitFor(t, 20*time.Second, "the photo to be ready", func() (bool, any) {
		items = browserRun(br, "the list", chromedp.Evaluate[[]item](`[...document.querySelectorAll("#file-names .file-item")].map(li => {
			const c = li.querySelector("canvas.file-thumb");
			return {name: li.querySelector(".file-name").textContent, note: (li.querySelector(".file-note") || {textContent: ""}).textContent,
				thumb: !!c, icon: !!li.querySelector(".file-icon"), width: c ? c.width : 0, height: c ? c.height : 0};
		})`))
		return len(items) == 2 && strings.Contains(items[0].Note, "made smaller"), items
	})
	if !items[0].Thumb || items[0].Height <= items[0].Width || items[0].Name != "IMG_0412.jpg" {
		t.Errorf("the photo is listed as %+v; want its name and an upright (portrait) picture", items[0])
	}
	if items[1].Thumb || !items[1].Icon || items[1].Name != "letter.pdf" {
		t.Errorf("the PDF is listed as %+v; want its name and a document mark", items[1])
	}
	br.screenshot("upload-chosen-en-phone")

	br.tabTo(".file-item:nth-child(2) .file-remove")
	br.press(kb.Enter, 0)
	left := browserRun(br, "after removing", chromedp.Evaluate[[]string](`[...document.querySelectorAll("#file-names .file-name")].map(n => n.textContent)`))
	focus := browserRun(br, "focus", chromedp.Evaluate[string](`document.activeElement.matches(".file-item .file-remove") ? "remove" : document.activeElement.outerHTML`))
	if len(left) != 1 || left[0] != "IMG_0412.jpg" || focus != "remove" {
		t.Fatalf("after removing the PDF with the keyboard: files %q, focus on %s", left, focus)
	}

	br.tabTo("main form button[type=submit]")
	br.press(kb.Enter, 0)
	var sent int
	select {
	case sent = <-proxy.held:
	case <-time.After(time.Until(testDeadline(t))):
		t.Fatal("the form's post never reached the proxy")
	}
	// The browser reports upload progress on a timer: the bar catches up
	// with the bytes the proxy already holds.
	var st sendState
	waitFor(t, 5*time.Second, "the progress bar to show every byte sent", func() (bool, any) {
		st = browserRun(br, "the progress", chromedp.Evaluate[sendState](`(() => {
			const s = document.getElementById("send-status"), p = document.getElementById("send-progress");
			return {shown: !s.hidden && s.offsetHeight > 0, value: p.value, max: p.max, label: p.labels[0].textContent,
				bytes: document.getElementById("send-bytes").textContent, announced: document.getElementById("send-announce").textContent};
		})()`))
		return st.Max > 100 && st.Value == st.Max, st
	})
	br.screenshot("upload-progress-en-phone")
	if !st.Shown || st.Max <= 0 || st.Value != st.Max || st.Label != "Sending your story" || !strings.Contains(st.Bytes, " of ") || st.Announced == "" {
		t.Errorf("while the post is held: %+v; want the labelled bar full, the bytes said and announced", st)
	}
	if sent >= len(photo) {
		t.Errorf("the browser sent %d bytes for a %d-byte photo: not shrunk", sent, len(photo))
	}
	t.Logf("sent %d bytes (the photo alone: %d)", sent, len(photo))
	close(proxy.release)
	br.do("the receipt", chromedp.WaitVisible(chromedp.CSS(".receipt-code")))
	if p := br.path(); p != "/receipt?lang=en" {
		t.Errorf("after sending: on %s", p)
	}

	img, data := b.storedPhoto(t)
	bounds := img.Bounds()
	if bounds.Dx() != 2250 || bounds.Dy() != 3000 {
		t.Errorf("stored photo is %d×%d; want 2250×3000 (upright, long edge at the print size)", bounds.Dx(), bounds.Dy())
	}
	if !red(img, bounds.Dx()-40, 40) || red(img, 40, 40) {
		t.Errorf("the stored photo is not upright: the sensor's top-left corner is not at the top right")
	}
	if testenv.HasEXIF(data) {
		t.Error("the stored photo has EXIF")
	}
	if p := br.consoleProblems(); len(p) > 0 {
		t.Errorf("the page reported problems: %q", p)
	}
}

// throttle applies network conditions to every request of the tab; nil
// lifts them. (Network.emulateNetworkConditionsByRule with one rule for
// every URL: the protocol's replacement for emulateNetworkConditions.)
func (br *browser) throttle(c *network.Conditions) {
	br.t.Helper()
	rules := []*network.Conditions{}
	if c != nil {
		rules = append(rules, c)
	}
	if _, err := chromedp.Call(br.ctx, network.EmulateNetworkConditionsByRule,
		network.EmulateNetworkConditionsByRuleParams{MatchedNetworkConditions: rules}); err != nil {
		br.t.Fatalf("network conditions: %v", err)
	}
}

// offline cuts the tab off the network, or puts it back.
func (br *browser) offline(on bool) {
	br.t.Helper()
	if !on {
		br.throttle(nil)
		return
	}
	br.throttle(&network.Conditions{Offline: true, DownloadThroughput: -1, UploadThroughput: -1})
}

// noScript turns the page's JavaScript off, as some phones' browsers and
// some people do; the test still drives the page through the protocol.
func (br *browser) noScript() {
	br.t.Helper()
	if _, err := chromedp.Call(br.ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		br.t.Fatalf("turn JavaScript off: %v", err)
	}
}

// TestFormWithoutScript: with JavaScript off the form posts itself as it
// always has, files and all, and the browser lands on the receipt.
func TestFormWithoutScript(t *testing.T) {
	t.Parallel()
	b := setup(t, options{db: "sqlite"})
	br := startBrowser(t, b.url)
	br.phone()
	br.noScript()
	br.visit("/?lang=es")
	if shown := browserRun(br, "the script's button", chromedp.Evaluate[bool](`!document.querySelector(".file-choose").hidden`)); shown {
		t.Fatal("the script ran: the page's own file button shows")
	}
	br.fillStory("Sin JavaScript", "Enviado desde un teléfono sencillo.")
	br.do("choose a photo", chromedp.SetUploadFiles(chromedp.ID("attachments"), []string{writeFile(t, "foto.jpg", testenv.JPEGWithGPS(t))}))
	br.load("send", http.StatusOK, chromedp.Click(chromedp.CSS(`main form button[type=submit]`)))
	if p := br.path(); p != "/receipt?lang=es" || len(strings.ReplaceAll(br.text(".receipt-code"), " ", "")) != 16 {
		t.Fatalf("after sending without JavaScript: on %s", p)
	}
	if _, data := b.storedPhoto(t); testenv.HasEXIF(data) {
		t.Error("the stored photo has EXIF")
	}
}
