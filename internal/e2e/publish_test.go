package e2e_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/hibiken/asynq"

	"github.com/storydesk/storydesk/internal/media"
	"github.com/storydesk/storydesk/internal/store"
	"github.com/storydesk/storydesk/internal/task"
	"github.com/storydesk/storydesk/internal/testenv"
	"github.com/storydesk/storydesk/workers"
)

func TestPublish(t *testing.T) {
	t.Parallel()
	for _, db := range dbs() {
		t.Run(db, func(t *testing.T) {
			t.Parallel()
			b := setup(t, options{db: db, workers: true})
			ctx := context.Background()
			id, slug := b.published(fieldsWith("title", "Año nuevo in Austin", "consent_publish", "pseudonym", "pseudonym", "M. Flores"),
				file{"maria_lopez.jpg", "image/jpeg", testenv.JPEGWithGPS(t)})
			if slug != "ano-nuevo-in-austin" {
				t.Errorf("slug = %q, want ano-nuevo-in-austin", slug)
			}
			keys, err := b.app.Blob.Keys(ctx, "published/"+id+"/")
			if err != nil {
				t.Fatal(err)
			}
			want := []string{"images/photo-1.jpg", "piece.docx", "piece.html", "piece.md", "piece.txt"}
			if got := trimPrefix(keys, "published/"+id+"/"); strings.Join(got, ",") != strings.Join(want, ",") {
				t.Errorf("published keys = %v, want %v", got, want)
			}
			for _, k := range keys {
				obj, err := b.app.Blob.Open(ctx, k)
				if err != nil {
					t.Fatal(err)
				}
				var buf bytes.Buffer
				buf.ReadFrom(obj)
				obj.Close()
				if strings.HasSuffix(k, ".docx") {
					buf.Reset()
					buf.WriteString(docxText(t, k, b))
				}
				if bytes.Contains(buf.Bytes(), []byte("Maria Lopez")) || bytes.Contains(buf.Bytes(), []byte("maria_lopez")) {
					t.Errorf("%s holds the real name of a pseudonymous author", k)
				}
			}

			code, html, _ := b.page(http.MethodGet, "/stories/"+slug, nil, nil)
			if code != http.StatusOK || !strings.Contains(html, "Año nuevo in Austin") || !strings.Contains(html, "M. Flores") ||
				!strings.Contains(html, "Our children go to school") || !strings.Contains(html, "/stories/"+slug+"/images/photo-1.jpg") {
				t.Errorf("story page: %d\n%s", code, html)
			}
			if strings.Contains(html, "Maria Lopez") {
				t.Error("story page shows the real name of a pseudonymous author")
			}
			if code, img, hdr := b.page(http.MethodGet, "/stories/"+slug+"/images/photo-1.jpg", nil, nil); code != 200 ||
				hdr.Get("Content-Type") != "image/jpeg" || len(img) < 100 {
				t.Errorf("photo: %d %s %d bytes", code, hdr.Get("Content-Type"), len(img))
			}
			if code, html, _ := b.page(http.MethodGet, "/stories", nil, map[string]string{"Accept-Language": "es"}); code != 200 ||
				!strings.Contains(html, "/stories/"+slug) || !strings.Contains(html, `lang="es"`) {
				t.Errorf("stories list (es): %d\n%s", code, html)
			}
			feed := b.feed()
			if len(feed.Entries) != 1 || feed.Entries[0].Title != "Año nuevo in Austin" || feed.Entries[0].Author != "M. Flores" {
				t.Errorf("feed entries = %+v", feed.Entries)
			}
			// A second publish of a published piece is refused.
			if code, _ := b.call(http.MethodPost, "/api/v1/submissions/"+id+"/publish", b.token, ""); code != http.StatusConflict {
				t.Errorf("publish again: %d, want 409", code)
			}
		})
	}
}

func trimPrefix(keys []string, prefix string) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = strings.TrimPrefix(k, prefix)
	}
	return out
}

// docxText converts a stored DOCX to text with LibreOffice: proof that a real
// word processor opens it. It fails (never skips) without LibreOffice;
// scripts/test installs it.
func docxText(t *testing.T, key string, b *bundle) string {
	t.Helper()
	obj, err := b.app.Blob.Open(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	defer obj.Close()
	var buf bytes.Buffer
	buf.ReadFrom(obj)
	return docxBytesText(t, buf.Bytes())
}

func TestPublishDOCXOpensInLibreOffice(t *testing.T) {
	t.Parallel()
	b := setup(t, options{db: "sqlite", workers: true})
	id, _ := b.published(fieldsWith("title", "Sanctuary & the law", "consent_publish", "name", "author_name", "Rosa Díaz", "consent_photos", "true",
		"body", "## Our street\n\nWe came in **2015** and built a life here.\n\n- first bullet\n- second bullet\n\nOur children go to school in Austin."),
		file{"street.jpg", "image/jpeg", testenv.JPEGWithGPS(t)})
	txt := docxText(t, "published/"+id+"/piece.docx", b)
	for _, want := range []string{"Sanctuary & the law", "By Rosa Díaz", "Our street", "We came in 2015 and built a life here.", "first bullet", "second bullet",
		"Our children go to school in Austin.", "Photo 1: courtesy of Rosa Díaz"} {
		if !strings.Contains(txt, want) {
			t.Errorf("DOCX text lacks %q:\n%s", want, txt)
		}
	}
	obj, err := b.app.Blob.Open(context.Background(), "published/"+id+"/piece.docx")
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(obj)
	obj.Close()
	checkDOCX(t, data)
}

func TestPublishIsIdempotent(t *testing.T) {
	t.Parallel()
	for _, db := range dbs() {
		t.Run(db, func(t *testing.T) {
			t.Parallel()
			b := setup(t, options{db: db}) // no workers: the handler is run by hand
			ctx := context.Background()
			_, res := b.submit(fieldsWith())
			id := res["id"].(string)
			// No workers, so no review: approve straight from received.
			b.move(id, store.StatusReceived, store.StatusApproved)
			h := workers.NewPublish(b.app.Store, b.app.Blob, b.app.Dispatch, false, media.NewBudget(media.DefaultBudget), b.app.Log)
			tk := task.Publish(id)
			for range 2 {
				if err := h.ProcessTask(ctx, asynq.NewTask(tk.TaskType, tk.Payload)); err != nil {
					t.Fatal(err)
				}
			}
			s, err := b.app.Store.Submission(ctx, id)
			if err != nil || s.Status != store.StatusPublished {
				t.Fatalf("status %s, %v", s.Status, err)
			}
			evs, _ := b.app.Store.Events(ctx, id)
			if n := countAction(evs, "published"); n != 1 {
				t.Errorf("%d published events, want 1", n)
			}
			pubs, _ := b.app.Store.LivePublications(ctx, 10, 0)
			if len(pubs) != 1 {
				t.Errorf("%d publications, want 1", len(pubs))
			}
			keys, _ := b.app.Blob.Keys(ctx, "published/"+id+"/")
			if len(keys) != 4 {
				t.Errorf("keys %v, want the 4 renderings once", keys)
			}
		})
	}
}
