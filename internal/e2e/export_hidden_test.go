package e2e_test

import (
	"context"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/storydesk/storydesk/internal/testenv"
)

// hiddenHTMLBody hides identifying details in an HTML block, which the
// reading view drops, beside a visible A-number, which it shows.
const hiddenHTMLBody = "We came in 2015. My old file was A-987-654-321.\n\n" +
	"My [lawyer](https://lawyer.example/case/A-555-666-777) has it.\n\n" +
	"<div>\nMy A-number is A-123-456-789 and my SSN is 123-45-6789.\n" +
	"<img src=x onerror=alert(1)>\n<a href=\"javascript:alert(1)\">click</a>\n</div>\n\n" +
	"Our children go to school in Austin.\n"

// TestExportMatchesReadingView: what leaves the building is what editors
// saw and the automated review scanned. The HTML block's details are in no
// exported or published file, story page or feed (nor the editors' text);
// the visible A-number is in all of them, in the editors' text, and among
// the findings, and so is the one in a link's URL, which the files carry.
func TestExportMatchesReadingView(t *testing.T) {
	t.Parallel()
	b := setup(t, options{db: "sqlite", workers: true})
	staff := b.editorToken("staff@example.org", "staff", "")
	id := b.approved(fieldsWith("body", hiddenHTMLBody, "consent_publish", "anonymous"))

	code, res := b.call(http.MethodPost, "/api/v1/exports", staff, `{}`)
	if code != http.StatusAccepted {
		t.Fatalf("start export: %d %v", code, res)
	}
	var st map[string]any
	waitFor(t, 30*time.Second, "export done", func() (bool, any) {
		_, st = b.call(http.MethodGet, "/api/v1/exports/"+res["id"].(string), staff, "")
		return st["status"] == "done" || st["status"] == "failed", st
	})
	code, data := b.downloadAs(st["download_url"].(string), staff)
	if code != http.StatusOK {
		t.Fatalf("download: %d", code)
	}
	files := testenv.Unzip(t, data)

	out := map[string]string{}
	for _, name := range []string{"piece.md", "piece.html", "piece.docx"} {
		out["export "+name] = files[id+"/"+name]
	}

	// The same text is published: the files, the story page and the feed.
	if code, res := b.call(http.MethodPost, "/api/v1/submissions/"+id+"/publish", b.token, ""); code != http.StatusAccepted {
		t.Fatalf("publish: %d %v", code, res)
	}
	pub := b.waitStatus(id, "published", 15*time.Second)["publication"].(map[string]any)
	for _, name := range []string{"piece.md", "piece.html", "piece.txt", "piece.docx"} {
		obj, err := b.app.Blob.Open(context.Background(), "published/"+id+"/"+name)
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(obj)
		obj.Close()
		out["published "+name] = string(data)
	}
	_, out["story page"], _ = b.page(http.MethodGet, "/stories/"+pub["slug"].(string), nil, nil)
	_, out["feed"], _ = b.page(http.MethodGet, "/stories/feed.xml", nil, nil)

	_, rec := b.get("/api/v1/submissions/" + id)
	seen := rec["body_text"].(string)
	hidden := []string{"A-123-456-789", "123-45-6789", "onerror", "<img", "javascript:", "<div"}
	for name, text := range out {
		if strings.HasSuffix(name, ".docx") {
			text = testenv.Unzip(t, []byte(text))["word/document.xml"]
		}
		if text == "" {
			t.Fatalf("%s is missing or empty", name)
		}
		for _, h := range hidden {
			// The pages' own layout has <div>s; the block's is checked in the files.
			if strings.Contains(text, h) && (h != "<div" || strings.Contains(name, "piece")) {
				t.Errorf("%s carries %q, which editors never saw", name, h)
			}
		}
		if !strings.Contains(text, "A-987-654-321") || !strings.Contains(text, "Our children go to school") ||
			!strings.Contains(text, "A-555-666-777") {
			t.Errorf("%s lacks the text editors saw:\n%s", name, text)
		}
	}
	for _, h := range hidden {
		if strings.Contains(seen, h) {
			t.Errorf("the editors' text shows %q", h)
		}
	}
	if kinds := findingKinds(rec); !slices.Contains(kinds, "a_number") || slices.Contains(kinds, "ssn") {
		t.Errorf("findings %v: want the visible A-number flagged and nothing the export leaves out", kinds)
	}
	flagged := map[string]bool{}
	for _, f := range rec["findings"].([]any) {
		f := f.(map[string]any)
		flagged[seen[int(f["start"].(float64)):int(f["end"].(float64))]] = true
	}
	if !flagged["A-987-654-321"] || !flagged["A-555-666-777"] {
		t.Errorf("flagged %v: want both A-numbers that leave the building, the one in the link's URL too", flagged)
	}
}
