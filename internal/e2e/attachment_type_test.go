package e2e_test

import (
	"archive/zip"
	"bytes"
	"context"
	"mime"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/storydesk/storydesk/internal/testenv"
)

// Issue 11: a PDF sent as story.html downloaded as story.html, and a WebP
// re-encoded to JPEG kept .webp in its key and its download name. Every
// place that stores, names or serves an attachment must follow the type
// actually stored: here a WebP sent as holiday.jpg, which is stored as
// WebP (less its metadata) and, 600 pixels wide, published at its one size.
func TestAttachmentsNamedByStoredType(t *testing.T) {
	t.Parallel()
	b := setup(t, options{db: "sqlite", workers: true})
	webp, err := os.ReadFile(filepath.Join("..", "media", "testdata", "blue-purple-pink-large.lossless.webp"))
	if err != nil {
		t.Fatal(err)
	}
	id, slug := b.published(fieldsWith("title", "Named by type"),
		file{"story.html", "text/html", testenv.MinimalPDF()},
		file{"holiday.jpg", "image/jpeg", webp})

	want := map[string]string{"story.pdf": "application/pdf", "holiday.webp": "image/webp"}
	_, rec := b.get("/api/v1/submissions/" + id)
	atts, _ := rec["attachments"].([]any)
	if len(atts) != len(want) {
		t.Fatalf("attachments = %v", rec["attachments"])
	}
	for _, a := range atts {
		a := a.(map[string]any)
		name, _ := a["filename"].(string)
		ct, ok := want[name]
		if !ok || a["content_type"] != ct {
			t.Errorf("API attachment %q (%v), want one of %v", name, a["content_type"], want)
			continue
		}
		_, hdr := b.download(a["download_url"].(string))
		disp, params, err := mime.ParseMediaType(hdr.Get("Content-Disposition"))
		if err != nil || disp != "attachment" || params["filename"] != name {
			t.Errorf("%s: Content-Disposition %q, want attachment named %s", name, hdr.Get("Content-Disposition"), name)
		}
		if hdr.Get("Content-Type") != ct || hdr.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: Content-Type %q, X-Content-Type-Options %q", name, hdr.Get("Content-Type"), hdr.Get("X-Content-Type-Options"))
		}
	}

	sub, err := b.app.Store.Submission(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range sub.Attachments {
		if ext := path.Ext(a.ObjectKey); ext != map[string]string{"application/pdf": ".pdf", "image/webp": ".webp"}[a.ContentType] {
			t.Errorf("object key %s of a %s", a.ObjectKey, a.ContentType)
		}
	}

	// The desk page lists the files under the same names.
	_, page := b.deskPage("/desk/s/"+id, b.deskSession("editor@example.org"), nil)
	for _, bad := range []string{"story.html", "holiday.jpg"} {
		if strings.Contains(page, bad) {
			t.Errorf("desk page names an attachment %s", bad)
		}
	}
	for name := range want {
		if !strings.Contains(page, name) {
			t.Errorf("desk page lacks %s", name)
		}
	}

	// The published photo is an image shown inline, named by its type.
	_, story, _ := b.page(http.MethodGet, "/stories/"+slug, nil, nil)
	img := regexp.MustCompile(`/stories/[^"]+/images/[^"]+`).FindString(story)
	if !strings.HasSuffix(img, ".webp") {
		t.Fatalf("story page image %q, want a .webp", img)
	}
	resp, err := http.Get(b.url + img)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	disp, params, _ := mime.ParseMediaType(resp.Header.Get("Content-Disposition"))
	if resp.StatusCode != http.StatusOK || disp != "inline" || params["filename"] != path.Base(img) ||
		resp.Header.Get("Content-Type") != "image/webp" || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("story image %s: %d, headers %v", img, resp.StatusCode, resp.Header)
	}

	// The export's attachments/ folder names the photo by its type too.
	_, link := b.finishedExport(b.editorToken("staff@example.org", "staff", ""))
	code, data := b.fetch(link, b.editorToken("staff2@example.org", "staff", ""))
	if code != http.StatusOK {
		t.Fatalf("export download: %d", code)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var photos []string
	for _, f := range zr.File {
		if strings.HasPrefix(f.Name, id+"/attachments/") {
			photos = append(photos, path.Base(f.Name))
		}
	}
	if len(photos) != 1 || path.Ext(photos[0]) != ".webp" {
		t.Errorf("export attachments = %v, want one .webp", photos)
	}
}
