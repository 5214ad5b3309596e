package e2e_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/storydesk/storydesk/internal/store"
)

// wideJPEG is a w×h photo with enough detail to tell it from a blank page.
func wideJPEG(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), uint8((x + y) / 4), 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// photoLayout is what the story page measures about its first photo.
type photoLayout struct {
	Viewport, ScrollWidth     float64 // the window's inner width, the document's
	Left, Right               float64 // the photo's box
	ColumnLeft, ColumnRight   float64 // the text column's box
	Width, Height, SrcSet     string  // the img attributes
	CurrentSrc                string
	NaturalWidth, ShownHeight float64
}

// TestPublishedPhotoFitsThePage publishes an 800-pixel photo and reads the
// story page on a 390-pixel phone and a 1280-pixel desktop: the page must
// not scroll sideways, the photo must stay inside the text column, carry
// its size for the layout and, on the phone, load the narrower copy. When
// the piece is withdrawn, the copy goes with the original.
func TestPublishedPhotoFitsThePage(t *testing.T) {
	t.Parallel()
	b := setup(t, options{db: "sqlite", workers: true})
	ctx := context.Background()
	code, res := b.submit(fieldsWith("title", "A wide photo", "consent_publish", "name", "author_name", "Rosa Díaz", "consent_photos", "true"),
		file{"wide.jpg", "image/jpeg", wideJPEG(t, 800, 600)})
	if code != http.StatusCreated {
		t.Fatalf("submit: %d %v", code, res)
	}
	id, receipt := res["id"].(string), res["receipt"].(string)
	b.waitStatus(id, "ready", 10*time.Second)
	b.move(id, store.StatusReady, store.StatusApproved)
	if code, res := b.call(http.MethodPost, "/api/v1/submissions/"+id+"/publish", b.token, ""); code != http.StatusAccepted {
		t.Fatalf("publish: %d %v", code, res)
	}
	slug := b.waitStatus(id, "published", 15*time.Second)["publication"].(map[string]any)["slug"].(string)
	br := startBrowser(t, b.url)
	for _, vp := range []struct {
		name          string
		width, height int64
		wantSmall     bool
	}{{"phone", 390, 844, true}, {"desktop", 1280, 900, false}} {
		t.Run(vp.name, func(t *testing.T) {
			br.t = t
			br.do("viewport", chromedp.EmulateViewport(vp.width, vp.height))
			br.visit("/stories/" + slug)
			m := browserRun(br, "measure", chromedp.Evaluate[photoLayout](`(async () => {
				const img = document.querySelector("article.story figure img");
				const col = document.querySelector("article.story");
				img.loading = "eager";
				await img.decode();
				const r = img.getBoundingClientRect(), c = col.getBoundingClientRect();
				return {Viewport: window.innerWidth, ScrollWidth: document.documentElement.scrollWidth,
					Left: r.left, Right: r.right, ColumnLeft: c.left, ColumnRight: c.right,
					Width: img.getAttribute("width") || "", Height: img.getAttribute("height") || "",
					SrcSet: img.getAttribute("srcset") || "", CurrentSrc: img.currentSrc,
					NaturalWidth: img.naturalWidth, ShownHeight: r.height};
			})()`, chromedp.EvalAwaitPromise))
			t.Logf("%s: %+v", vp.name, m)
			if m.ScrollWidth > m.Viewport {
				t.Errorf("the page is %.0f px wide in a %.0f px window: it scrolls sideways", m.ScrollWidth, m.Viewport)
			}
			if m.Left < m.ColumnLeft || m.Right > m.ColumnRight+0.5 {
				t.Errorf("the photo spans %.0f–%.0f px, outside the text column %.0f–%.0f px", m.Left, m.Right, m.ColumnLeft, m.ColumnRight)
			}
			if m.Width != "800" || m.Height != "600" {
				t.Errorf("img width/height = %q/%q, want 800/600 so the page keeps the photo's room before it loads", m.Width, m.Height)
			}
			if shown := m.Right - m.Left; shown > 0 && (m.ShownHeight/shown < 0.74 || m.ShownHeight/shown > 0.76) {
				t.Errorf("the photo is shown %.0f×%.0f: its 4:3 shape is lost", shown, m.ShownHeight)
			}
			if small := strings.Contains(m.CurrentSrc, "?w=480"); small != vp.wantSmall {
				t.Errorf("the %s loaded %s (srcset %q); the narrower copy: %v, want %v", vp.name, m.CurrentSrc, m.SrcSet, small, vp.wantSmall)
			}
			br.screenshot("story-photo-" + vp.name)
		})
	}
	br.t = t

	// The copy is served like the original, and only at the width made.
	code, body, hdr := b.page(http.MethodGet, "/stories/"+slug+"/images/photo-1.jpg?w=480", nil, nil)
	if code != http.StatusOK || hdr.Get("Content-Type") != "image/jpeg" {
		t.Fatalf("small copy: %d %s", code, hdr.Get("Content-Type"))
	}
	if cfg, err := jpeg.DecodeConfig(strings.NewReader(body)); err != nil || cfg.Width != 480 || cfg.Height != 360 {
		t.Errorf("small copy is %dx%d (%v), want 480x360", cfg.Width, cfg.Height, err)
	}
	if code, _, _ := b.page(http.MethodGet, "/stories/"+slug+"/images/photo-1.jpg?w=300", nil, nil); code != http.StatusNotFound {
		t.Errorf("a width never made: %d, want 404", code)
	}

	// Withdrawn: no copy of the photo is left anywhere in the bucket.
	keys, err := b.app.Blob.Keys(ctx, "published/"+id+"/")
	if err != nil || !containsSuffix(keys, "/images/480w/photo-1.jpg") {
		t.Fatalf("published files %v (%v): no small copy to prove the withdrawal removes", keys, err)
	}
	if code, res := b.postJSON("/api/v1/status/withdraw", map[string]string{"receipt": receipt}); code != http.StatusOK {
		t.Fatalf("withdraw: %d %v", code, res)
	}
	waitFor(t, 15*time.Second, "published files deleted", func() (bool, any) {
		keys, err := b.app.Blob.Keys(ctx, "published/"+id+"/")
		return err == nil && len(keys) == 0, fmt.Sprint(keys, err)
	})
}

func containsSuffix(keys []string, suffix string) bool {
	for _, k := range keys {
		if strings.HasSuffix(k, suffix) {
			return true
		}
	}
	return false
}
