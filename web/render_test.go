package web

import (
	"bytes"
	"errors"
	"io/fs"
	"strings"
	"sync"
	"testing"
)

func TestRenderFailures(t *testing.T) {
	r, err := NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	err = r.Render(&buf, "nope", &Page{Lang: "en"})
	if !errors.Is(err, ErrUnknownTemplate) {
		t.Errorf("unknown template: err = %v, want ErrUnknownTemplate", err)
	}
	if buf.Len() != 0 {
		t.Errorf("unknown template wrote %d bytes", buf.Len())
	}
	p := &Page{Lang: "de"}
	if err := r.Render(&buf, "privacy", p); err != nil {
		t.Fatalf("unsupported language: %v", err)
	}
	if p.Lang != "en" || !strings.Contains(buf.String(), `<html lang="en">`) {
		t.Errorf("unsupported language not replaced by en: Lang = %q", p.Lang)
	}
}

func TestStatic(t *testing.T) {
	css, err := fs.ReadFile(Static(), "app.css")
	if err != nil {
		t.Fatalf("app.css: %v", err)
	}
	for _, bad := range []string{"@import", "url(", "http:", "https:", "@font-face"} {
		if strings.Contains(string(css), bad) {
			t.Errorf("app.css contains %q: it must load nothing", bad)
		}
	}
}

// TestRenderConcurrent renders pages from many goroutines at once, as the
// server does; run with -race it catches shared state written during Render.
func TestRenderConcurrent(t *testing.T) {
	r, err := NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lang := []string{"en", "es"}[i%2]
			p := &Page{Lang: lang, Errors: formErrors(), Limits: Limits{MaxFiles: 5, MaxFileMB: 20}}
			var buf bytes.Buffer
			if err := r.Render(&buf, "form", p); err != nil {
				errs <- err
				return
			}
			if !strings.Contains(buf.String(), `<html lang="`+lang+`">`) {
				errs <- errors.New("page rendered in the wrong language")
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
