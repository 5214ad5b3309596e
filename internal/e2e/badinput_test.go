package e2e_test

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/binary"
	"hash/crc32"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/storydesk/storydesk/internal/testenv"
)

// pixelFlood is a valid PNG header claiming 50,000 × 50,000 pixels with a
// tiny compressed body: decoding it naively would allocate 10 GB.
func pixelFlood() []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		binary.Write(&b, binary.BigEndian, uint32(len(data)))
		b.WriteString(typ)
		b.Write(data)
		crc := crc32.NewIEEE()
		crc.Write([]byte(typ))
		crc.Write(data)
		binary.Write(&b, binary.BigEndian, crc.Sum32())
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], 50000)
	binary.BigEndian.PutUint32(ihdr[4:], 50000)
	ihdr[8], ihdr[9] = 8, 2 // 8-bit RGB
	chunk("IHDR", ihdr)
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(make([]byte, 1<<16))
	zw.Close()
	chunk("IDAT", z.Bytes())
	chunk("IEND", nil)
	return b.Bytes()
}

// TestBadInputsLeaveNothing sends each bad submission and checks the status,
// that the message names the field, and that no row, object, task or temp file remains.
func TestBadInputsLeaveNothing(t *testing.T) {
	t.Parallel()
	b := setup(t, options{db: "sqlite", workers: true, env: map[string]string{"STORYDESK_MAX_FILE_MB": "1", "STORYDESK_MAX_FILES": "2"}})
	with := func(k, v string) map[string]string {
		f := validFields()
		if v == "\x00delete" {
			delete(f, k)
		} else {
			f[k] = v
		}
		return f
	}
	tests := []struct {
		name   string
		fields map[string]string
		files  []file
		status int
		field  string
	}{
		{"missing kind", with("kind", "\x00delete"), nil, 400, "kind"},
		{"bad kind", with("kind", "poem"), nil, 400, "kind"},
		{"missing title", with("title", "\x00delete"), nil, 400, "title"},
		{"long title", with("title", strings.Repeat("a", 201)), nil, 400, "title"},
		{"missing body", with("body", "   "), nil, 400, "body"},
		{"huge body", with("body", strings.Repeat("a", 64<<10+1)), nil, 400, "body"},
		{"missing consent", with("consent_publish", "\x00delete"), nil, 400, "consent_publish"},
		{"pseudonym missing", with("pseudonym", ""), nil, 400, "pseudonym"},
		{"invalid utf8", with("title", "bad \xff\xfe title"), nil, 400, "title"},
		{"nul byte", with("body", "a\x00b"), nil, 400, "body"},
		{"bad email", with("contact_email", "not-an-email"), nil, 400, "contact_email"},
		{"bad phone", with("contact_phone", "call me maybe"), nil, 400, "contact_phone"},
		{"bad role", with("author_role", "king"), nil, 400, "author_role"},
		{"executable as jpg", validFields(), []file{{"holiday.jpg", "image/jpeg", append([]byte("MZ\x90\x00"), make([]byte, 512)...)}}, 415, "attachments"},
		{"elf as png", validFields(), []file{{"x.png", "image/png", append([]byte("\x7fELF"), make([]byte, 512)...)}}, 415, "attachments"},
		{"svg", validFields(), []file{{"logo.svg", "image/svg+xml", []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>`)}}, 415, "attachments"},
		{"html", validFields(), []file{{"page.pdf", "application/pdf", []byte("<!doctype html><script>alert(1)</script>")}}, 415, "attachments"},
		{"pixel flood", validFields(), []file{{"flood.png", "image/png", pixelFlood()}}, 413, "attachments"},
		{"oversized file", validFields(), []file{{"big.pdf", "application/pdf", append([]byte("%PDF-1.4\n"), make([]byte, 1<<20+10)...)}}, 413, "attachments"},
		{"too many files", validFields(), []file{
			{"1.pdf", "application/pdf", testenv.MinimalPDF()},
			{"2.pdf", "application/pdf", testenv.MinimalPDF()},
			{"3.pdf", "application/pdf", testenv.MinimalPDF()}}, 400, "attachments"},
		{"traversal name exe", validFields(), []file{{`..\..\evil.exe`, "application/octet-stream", append([]byte("MZ"), make([]byte, 64)...)}}, 415, "attachments"},
		// A good file before a bad one: the good one must not stay in S3.
		{"good then bad", validFields(), []file{
			{"ok.pdf", "application/pdf", testenv.MinimalPDF()},
			{"bad.svg", "image/svg+xml", []byte(`<svg></svg>`)}}, 415, "attachments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, res := b.submit(tt.fields, tt.files...)
			if code != tt.status {
				t.Fatalf("status %d, want %d (%v)", code, tt.status, res)
			}
			fields, _ := res["fields"].(map[string]any)
			if _, ok := fields[tt.field]; !ok || !strings.Contains(res["error"].(string), tt.field) {
				t.Errorf("answer %v does not name %s", res, tt.field)
			}
		})
	}
	// Not multipart at all.
	req, _ := http.NewRequest(http.MethodPost, b.url+"/api/v1/submissions", strings.NewReader(`{"title":"x"}`))
	req.Header.Set("Content-Type", "application/json")
	if code, res := b.do(req); code != 400 || res["fields"] == nil {
		t.Errorf("JSON body: %d %v", code, res)
	}

	ctx := context.Background()
	if total, err := submissionCount(ctx, b.app.Store); err != nil || total != 0 {
		t.Errorf("%d submissions stored (%v), want 0", total, err)
	}
	if keys, err := b.app.Blob.Keys(ctx, ""); err != nil || len(keys) != 0 {
		t.Errorf("objects left: %v (%v)", keys, err)
	}
	if n, err := b.app.Blob.AbortIncomplete(ctx, ""); err != nil || n != 0 {
		t.Errorf("incomplete uploads left: %d (%v)", n, err)
	}
	if n := b.queued(); n != 0 {
		t.Errorf("%d tasks queued, want 0", n)
	}
	if pending, err := b.app.Store.PendingOutbox(ctx, farFuture(), 10); err != nil || len(pending) != 0 {
		t.Errorf("outbox rows: %v (%v)", pending, err)
	}
	tmp, _ := os.ReadDir(b.app.TempDir)
	if len(tmp) != 0 {
		t.Errorf("temp files left: %v", tmp)
	}
}
