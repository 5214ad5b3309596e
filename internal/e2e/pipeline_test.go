package e2e_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/storydesk/storydesk/internal/testenv"
)

var receiptRE = regexp.MustCompile(`^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$`)

// TestSubmitToReady follows a story from the API to the editors' queue on
// each database: stored, sanitized, photo stripped, reviewed, readable.
func TestSubmitToReady(t *testing.T) {
	t.Parallel()
	for _, db := range dbs() {
		t.Run(db, func(t *testing.T) {
			t.Parallel()
			b := setup(t, options{db: db, workers: true})
			fields := validFields()
			xss := `<script>alert(1)</script><img src=x onerror=alert(1)>"><svg onload=alert(1)>`
			fields["title"] = `<script>alert(1)</script>Our <b>family</b>`
			fields["author_name"] = "Maria " + xss
			fields["site"] = "Austin" + xss
			fields["pseudonym"] = "M." + xss
			fields["body"] = "Hello [click](javascript:alert(1)) <img src=x onerror=alert(1)>\n\nCall me at (512) 555-0134. A-number A123-456-789."
			code, res := b.submit(fields,
				file{"photo.jpg", "image/jpeg", testenv.JPEGWithGPS(t)},
				file{`..\..\evil.pdf`, "application/pdf", testenv.MinimalPDF()})
			if code != http.StatusCreated {
				t.Fatalf("submit: %d %v", code, res)
			}
			if !receiptRE.MatchString(res["receipt"].(string)) || res["status"] != "received" {
				t.Fatalf("answer %v", res)
			}
			id := res["id"].(string)
			rec := b.waitStatus(id, "ready", 15*time.Second)

			if got := rec["title"].(string); strings.ContainsAny(got, "<>") || !strings.Contains(got, "family") {
				t.Errorf("title %q", got)
			}
			consent := rec["consent"].(map[string]any)
			for name, got := range map[string]any{"author_name": rec["author_name"], "site": rec["site"], "pseudonym": consent["pseudonym"]} {
				if s := got.(string); strings.Contains(s, "<") {
					t.Errorf("%s kept markup: %q", name, s)
				}
			}
			html := rec["body_html"].(string)
			for _, bad := range []string{"<script", "javascript:", "onerror", "<img"} {
				if strings.Contains(strings.ToLower(html), bad) {
					t.Errorf("body_html holds %q: %s", bad, html)
				}
			}
			findings, _ := json.Marshal(rec["findings"])
			for _, kind := range []string{`"a_number"`, `"phone"`} {
				if !bytes.Contains(findings, []byte(kind)) {
					t.Errorf("findings %s lack %s", findings, kind)
				}
			}
			if rec["word_count"].(float64) < 5 {
				t.Errorf("word_count %v", rec["word_count"])
			}
			atts := rec["attachments"].([]any)
			if len(atts) != 2 {
				t.Fatalf("attachments %v", atts)
			}
			for _, a := range atts {
				a := a.(map[string]any)
				if strings.ContainsAny(a["filename"].(string), `/\`) {
					t.Errorf("filename not cleaned: %q", a["filename"])
				}
				data, hdr := b.download(a["download_url"].(string))
				// The recorded hash and size are those of the stored bytes
				// (for a photo, of its re-encoded copy), taken on the way in.
				if sum := sha256.Sum256(data); a["sha256"] != hex.EncodeToString(sum[:]) || a["size"] != float64(len(data)) {
					t.Errorf("attachment %v: stored %d bytes with SHA-256 %x", a, len(data), sum)
				}
				if hdr.Get("X-Content-Type-Options") != "nosniff" || hdr.Get("Cache-Control") != "no-store" ||
					!strings.HasPrefix(hdr.Get("Content-Disposition"), "attachment") {
					t.Errorf("download headers %v", hdr)
				}
				if a["content_type"] == "image/jpeg" {
					if testenv.HasEXIF(data) || bytes.Contains(data, []byte(testenv.GPSMarker)) {
						t.Error("stored photo still has EXIF/GPS")
					}
				}
			}
			revs := rec["revisions"].([]any)
			if len(revs) != 1 || revs[0].(map[string]any)["body"] != fields["body"] {
				t.Errorf("original revision not kept: %v", revs)
			}

			// The submitter checks the status with the receipt code.
			st, body := b.status(res["receipt"].(string))
			if st != http.StatusOK || body["status"] != "ready" {
				t.Errorf("status lookup: %d %v", st, body)
			}
			// Exactly one review recorded.
			events, err := b.app.Store.Events(context.Background(), id)
			if err != nil {
				t.Fatal(err)
			}
			if n := countAction(events, "reviewed"); n != 1 {
				t.Errorf("%d reviewed events, want 1", n)
			}
		})
	}
}

// TestStatusUnknownReceipt: a malformed and an unknown code get the same answer.
func TestStatusUnknownReceipt(t *testing.T) {
	t.Parallel()
	b := setup(t, options{db: "sqlite"})
	c1, b1 := b.status("AAAA-BBBB-CCCC-DDDD")
	c2, b2 := b.status("not a code")
	if c1 != http.StatusNotFound || c2 != http.StatusNotFound {
		t.Fatalf("codes %d %d", c1, c2)
	}
	j1, _ := json.Marshal(b1)
	j2, _ := json.Marshal(b2)
	if !bytes.Equal(j1, j2) {
		t.Errorf("bodies differ: %s vs %s", j1, j2)
	}
}

// TestIdempotencyKey: a retried submission returns the same id and receipt,
// but only to the client that sent it: the same key and content from another
// address is another person's submission, never a way to their receipt.
func TestIdempotencyKey(t *testing.T) {
	t.Parallel()
	b := setup(t, options{db: "postgres", env: map[string]string{"STORYDESK_TRUSTED_PROXIES": "127.0.0.1"}})
	send := func(client, key string, fields map[string]string) map[string]any {
		body, ct := form(t, fields)
		req, _ := http.NewRequest(http.MethodPost, b.url+"/api/v1/submissions", body)
		req.Header.Set("Content-Type", ct)
		req.Header.Set("Idempotency-Key", key)
		req.Header.Set("X-Forwarded-For", client)
		code, res := b.do(req)
		if code != http.StatusCreated {
			t.Fatalf("submit: %d %v", code, res)
		}
		return res
	}
	const me, someoneElse = "192.0.2.10", "198.51.100.20"
	first := send(me, "retry-key-123456", validFields())
	again := send(me, "retry-key-123456", validFields())
	if first["id"] != again["id"] || first["receipt"] != again["receipt"] {
		t.Errorf("retry gave another submission: %v vs %v", first, again)
	}
	other := validFields()
	other["title"] = "Someone else's story"
	third := send(me, "retry-key-123456", other)
	if third["id"] == first["id"] || third["receipt"] == first["receipt"] {
		t.Error("the same key with other content must not return another person's submission")
	}
	elsewhere := send(someoneElse, "retry-key-123456", validFields())
	if elsewhere["id"] == first["id"] || elsewhere["receipt"] == first["receipt"] {
		t.Errorf("the same key and content from another client returned the first submission: %v", elsewhere)
	}
	// Its own retry still finds its own submission: the key is scoped, not refused.
	if retry := send(someoneElse, "retry-key-123456", validFields()); retry["id"] != elsewhere["id"] || retry["receipt"] != elsewhere["receipt"] {
		t.Errorf("the second client's retry: %v, want %v", retry, elsewhere)
	}
	total, err := submissionCount(context.Background(), b.app.Store)
	if err != nil || total != 3 {
		t.Errorf("total %d (%v), want 3", total, err)
	}
}
