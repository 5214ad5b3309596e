package e2e_test

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/storydesk/storydesk/internal/testenv"
)

// zipOf builds a ZIP archive; each entry's content is given as a repeated
// byte and a length, so a bomb costs little memory to build.
func zipOf(t testing.TB, entries map[string]string, bomb string, bombSize int) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range entries {
		w, _ := zw.Create(name)
		w.Write([]byte(body))
	}
	if bomb != "" {
		w, _ := zw.Create(bomb)
		chunk := bytes.Repeat([]byte{'0'}, 1<<20)
		for i := 0; i < bombSize>>20; i++ {
			w.Write(chunk)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const contentTypesXML = `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
	`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`

// polyglotJPEG is a real JPEG that is also an HTML page: markup in a
// comment segment and after the end-of-image marker.
func polyglotJPEG(t testing.TB) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 16, 16))
	for i := range img.Pix {
		img.Pix[i] = byte(i)
	}
	img.Set(0, 0, color.White)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	raw := buf.Bytes()
	html := []byte("<html><script>alert(document.cookie)</script></html>")
	com := append([]byte{0xFF, 0xFE, 0, byte(len(html) + 2)}, html...)
	out := append(append(append([]byte{}, raw[:2]...), com...), raw[2:]...)
	return append(out, html...)
}

// TestBadInputCorpus: archives that expand without bound, disguised
// executables, many-part and compressed bodies are refused with the right
// status and a message naming the problem, and leave nothing behind.
func TestBadInputCorpus(t *testing.T) {
	t.Parallel()
	b := setup(t, options{db: "sqlite", workers: true, env: map[string]string{"STORYDESK_MAX_FILE_MB": "2"}})
	docx := func(bomb string, size int) []byte {
		return zipOf(t, map[string]string{"[Content_Types].xml": contentTypesXML}, bomb, size)
	}
	for _, tt := range []struct {
		name   string
		files  []file
		status int
	}{
		{"zip bomb", []file{{"photos.zip", "application/zip", zipOf(t, nil, "zeros.bin", 64<<20)}}, 415},
		{"docx bomb", []file{{"story.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", docx("word/document.xml", 64<<20)}}, 415},
		{"docx past 100 MiB", []file{{"story.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
			zipOf(t, map[string]string{"[Content_Types].xml": contentTypesXML, "word/document.xml": "<w:document/>"}, "word/media/big.bin", 101<<20)}}, 415},
		{"double extension exe", []file{{"story.pdf.exe", "application/pdf", append([]byte("MZ\x90\x00"), make([]byte, 256)...)}}, 415},
		{"rtl override exe", []file{{"photo\u202Egpj.exe", "image/jpeg", append([]byte("MZ\x90\x00"), make([]byte, 256)...)}}, 415},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, res := b.submit(validFields(), tt.files...)
			if code != tt.status || !strings.Contains(fmt.Sprint(res["error"]), "attachments") {
				t.Errorf("%d %v, want %d naming attachments", code, res, tt.status)
			}
		})
	}
	t.Run("1500 parts", func(t *testing.T) {
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		for k, v := range validFields() {
			w.WriteField(k, v)
		}
		for i := range 1500 {
			w.WriteField(fmt.Sprintf("x%d", i), "y")
		}
		w.Close()
		req, _ := http.NewRequest(http.MethodPost, b.url+"/api/v1/submissions", &buf)
		req.Header.Set("Content-Type", w.FormDataContentType())
		if code, res := b.do(req); code != 413 && code != 400 || !strings.Contains(fmt.Sprint(res["error"]), "form") {
			t.Errorf("%d %v, want a refusal naming the form", code, res)
		}
	})
	t.Run("gzip body", func(t *testing.T) {
		body, ct := form(t, validFields())
		var gz bytes.Buffer
		zw := gzip.NewWriter(&gz)
		zw.Write(body.(*bytes.Buffer).Bytes())
		zw.Close()
		for _, path := range []string{"/api/v1/submissions", "/submit"} {
			req, _ := http.NewRequest(http.MethodPost, b.url+path, bytes.NewReader(gz.Bytes()))
			req.Header.Set("Content-Type", ct)
			req.Header.Set("Content-Encoding", "gzip")
			code, text, _ := b.fetchPageReq(req)
			if code != http.StatusUnsupportedMediaType || !strings.Contains(text, "Content-Encoding") {
				t.Errorf("%s: %d %s, want 415 naming Content-Encoding", path, code, text)
			}
		}
	})

	ctx := context.Background()
	if total, err := submissionCount(ctx, b.app.Store); err != nil || total != 0 {
		t.Errorf("%d submissions stored (%v), want 0", total, err)
	}
	if keys, err := b.app.Blob.Keys(ctx, ""); err != nil || len(keys) != 0 {
		t.Errorf("objects left: %v (%v)", keys, err)
	}
	if n := b.queued(); n != 0 {
		t.Errorf("%d tasks queued, want 0", n)
	}
	if tmp, _ := os.ReadDir(b.app.TempDir); len(tmp) != 0 {
		t.Errorf("temp files left: %v", tmp)
	}
}

// TestDisguisedFilesStoredSafely: files whose content is allowed are kept
// under their real type whatever their name says; a JPEG that is also an
// HTML page is kept only as re-encoded pixels.
func TestDisguisedFilesStoredSafely(t *testing.T) {
	t.Parallel()
	b := setup(t, options{db: "sqlite", workers: true})
	pdf := testenv.MinimalPDF()
	code, res := b.submit(validFields(),
		file{"holiday.jpg", "image/jpeg", polyglotJPEG(t)},
		file{"photo\u202Egpj.exe", "image/jpeg", polyglotJPEG(t)},
		file{"story.pdf.exe", "application/octet-stream", pdf})
	if code != http.StatusCreated {
		t.Fatalf("submit: %d %v", code, res)
	}
	id := res["id"].(string)
	rec := b.waitStatus(id, "ready", 15*time.Second)
	for k, data := range b.dumpObjects() {
		if bytes.Contains(bytes.ToLower(data), []byte("<script")) || bytes.Contains(data, []byte("<html")) {
			t.Errorf("stored object %s still holds the HTML", k)
		}
	}
	atts, _ := rec["attachments"].([]any)
	if len(atts) != 3 {
		t.Fatalf("attachments: %v", rec["attachments"])
	}
	for _, a := range atts {
		m := a.(map[string]any)
		name, ct := m["filename"].(string), m["content_type"].(string)
		if strings.ContainsRune(name, '\u202E') {
			t.Errorf("filename %q keeps the right-to-left override", name)
		}
		if ct != "image/jpeg" && ct != "application/pdf" {
			t.Errorf("%s stored as %s", name, ct)
		}
	}
	s, _ := b.app.Store.Submission(context.Background(), id)
	for _, a := range s.Attachments {
		if !strings.HasSuffix(a.ObjectKey, ".jpg") && !strings.HasSuffix(a.ObjectKey, ".pdf") {
			t.Errorf("object key %s does not carry the sniffed type", a.ObjectKey)
		}
	}
}

func (b *bundle) fetchPageReq(req *http.Request) (int, string, http.Header) {
	b.t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	buf.ReadFrom(resp.Body)
	return resp.StatusCode, buf.String(), resp.Header
}

// TestGlobalSubmitLimit: beyond STORYDESK_SUBMIT_GLOBAL_RATE a minute, every
// client gets 429 with Retry-After, whatever its address.
func TestGlobalSubmitLimit(t *testing.T) {
	t.Parallel()
	// A stopped clock: the four requests fall in one minute's window even
	// when a loaded machine spreads them over a minute's boundary.
	at := time.Now()
	b := setup(t, options{db: "sqlite", clock: func() time.Time { return at }, env: map[string]string{
		"STORYDESK_SUBMIT_GLOBAL_RATE": "3", "STORYDESK_SUBMIT_RATE": "20", "STORYDESK_TRUSTED_PROXIES": "127.0.0.1"}})
	for i := range 4 {
		body, ct := form(t, validFields())
		req, _ := http.NewRequest(http.MethodPost, b.url+"/api/v1/submissions", body)
		req.Header.Set("Content-Type", ct)
		req.Header.Set("X-Forwarded-For", fmt.Sprintf("192.0.2.%d", i+1))
		code, _, hdr := b.fetchPageReq(req)
		want := http.StatusCreated
		if i == 3 {
			want = http.StatusTooManyRequests
		}
		if code != want || (i == 3 && hdr.Get("Retry-After") == "") {
			t.Errorf("submission %d from its own address: %d (Retry-After %q), want %d", i+1, code, hdr.Get("Retry-After"), want)
		}
	}
	// The honeypot: a bot is told all went well, and nothing is kept.
	f := validFields()
	f["website"] = "http://spam.example"
	b2 := setup(t, options{db: "sqlite"})
	if code, res := b2.submit(f); code != http.StatusCreated || res["receipt"] == nil {
		t.Errorf("honeypot: %d %v", code, res)
	}
	if total, _ := submissionCount(context.Background(), b2.app.Store); total != 0 {
		t.Errorf("honeypot submission stored")
	}
}

// TestSlowloris: a client sending its headers a byte a second is cut off by
// the 10-second ReadHeaderTimeout, while another client is served meanwhile.
func TestSlowloris(t *testing.T) {
	t.Parallel()
	b := setup(t, options{db: "sqlite"})
	conn, err := net.Dial("tcp", strings.TrimPrefix(b.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	start := time.Now()
	fmt.Fprint(conn, "POST /api/v1/submissions HTTP/1.1\r\nHost: localhost\r\n")
	closed := make(chan time.Duration, 1)
	go func() {
		buf := make([]byte, 512)
		for {
			if _, err := conn.Read(buf); err != nil {
				closed <- time.Since(start)
				return
			}
		}
	}()
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	served := false
	for {
		select {
		case d := <-closed:
			if d < 9*time.Second || d > 13*time.Second {
				t.Errorf("slow client cut off after %v, want about 10s", d)
			}
			if !served {
				t.Error("no other client was served meanwhile")
			}
			return
		case <-tick.C:
			conn.Write([]byte("X")) // one more byte of a header that never ends
			if code, _, _ := b.page("GET", "/healthz", nil, nil); code == http.StatusOK {
				served = true
			}
			if time.Since(start) > 20*time.Second {
				t.Fatal("slow client still connected after 20s")
			}
		}
	}
}
