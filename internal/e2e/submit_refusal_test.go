package e2e_test

import (
	"bytes"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

// spanishStory is a story typed on the Spanish form.
func spanishStory() map[string]string {
	return map[string]string{
		"ui_lang": "es", "kind": "story", "title": "Nuestra familia en El Paso",
		"body":            "Llegamos en 2015. Mi hija nació aquí y ahora estudia enfermería.",
		"consent_publish": "anonymous", "consent_photos": "true", "author_name": "Rosa",
	}
}

// keptStory reports what of spanishStory a re-rendered form lost.
func keptStory(html string) []string {
	var lost []string
	for what, re := range map[string]string{
		"language":        `<html lang="es"`,
		"title":           `id="title" name="title" value="Nuestra familia en El Paso"`,
		"body":            `Llegamos en 2015. Mi hija nació aquí y ahora estudia enfermería.</textarea>`,
		"kind":            `id="kind-story" name="kind" value="story" checked`,
		"consent_publish": `id="consent_publish-anonymous" name="consent_publish" value="anonymous" checked`,
		"consent_photos":  `id="consent_photos" name="consent_photos" value="true" checked`,
		"author_name":     `value="Rosa"`,
	} {
		if !strings.Contains(html, re) {
			lost = append(lost, what)
		}
	}
	return lost
}

// TestRefusalsKeepTheStory is issue 13, item 1: whatever the form is
// refused for (a file too big, too many files, the whole body over the
// cap, a file type, a body too complex, the rate limit), it comes back in
// the submitter's language with everything they typed, and nothing is stored.
func TestRefusalsKeepTheStory(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	b := setup(t, options{db: "sqlite", clock: clock.now, env: map[string]string{
		"STORYDESK_MAX_FILE_MB": "1", "STORYDESK_MAX_FILES": "2", "STORYDESK_SUBMIT_RATE": "1"}})
	small := file{"a.png", "image/png", []byte("x")}
	table := strings.Repeat("|a", 201) + "|\n" + strings.Repeat("|-", 201) + "|\n" + strings.Repeat(strings.Repeat("|a", 201)+"|\n", 100)
	for _, tc := range []struct {
		name   string
		status int
		body   string
		files  []file
		field  string // the field the summary must name
	}{
		{"file too large", http.StatusRequestEntityTooLarge, "", []file{{"grande.jpg", "image/jpeg", bytes.Repeat([]byte{1}, 1<<20+10)}}, "attachments"},
		{"too many files", http.StatusBadRequest, "", []file{small, small, small}, "attachments"},
		{"whole body over the cap", http.StatusRequestEntityTooLarge, "", []file{{"video.mp4", "video/mp4", bytes.Repeat([]byte{1}, 4<<20)}}, "attachments"},
		{"file type", http.StatusUnsupportedMediaType, "", []file{{"notas.jpg", "image/jpeg", []byte("solo texto")}}, "attachments"},
		{"body too complex", http.StatusBadRequest, table, nil, "body"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := spanishStory()
			if tc.body != "" {
				f["body"] = tc.body
			}
			body, ct := form(t, f, tc.files...)
			code, html, _ := b.page("POST", "/submit", body, map[string]string{"Content-Type": ct})
			if code != tc.status {
				t.Errorf("status %d, want %d", code, tc.status)
			}
			lost := keptStory(html)
			if tc.body != "" {
				lost = keptStory(strings.Replace(html, tc.body, spanishStory()["body"], 1))
			}
			if len(lost) > 0 {
				t.Errorf("the refused form lost %v", lost)
			}
			if !strings.Contains(html, `href="#`+tc.field+`"`) {
				t.Errorf("the summary does not link to %s", tc.field)
			}
		})
	}
	if n, _ := submissionCount(t.Context(), b.app.Store); n != 0 {
		t.Fatalf("%d submissions stored by refused forms", n)
	}

	// The rate limit: one stored submission an hour, and the refused ones
	// above did not use it up.
	body, ct := form(t, spanishStory())
	if code, _, _ := b.page("POST", "/submit", body, map[string]string{"Content-Type": ct}); code != http.StatusOK {
		t.Errorf("first submission after five refusals: %d, want 201 (refusals must not use up the hourly allowance)", code)
	}
	body, ct = form(t, spanishStory())
	code, html, hdr := b.page("POST", "/submit", body, map[string]string{"Content-Type": ct})
	if code != http.StatusTooManyRequests {
		t.Fatalf("second submission in the hour: %d, want 429", code)
	}
	if lost := keptStory(html); len(lost) > 0 {
		t.Errorf("the rate-limited form lost %v", lost)
	}
	// The fake clock stands at 09:00:00: the window ends in an hour.
	if ra := hdr.Get("Retry-After"); ra != "3600" || !strings.Contains(html, "60 minutos") {
		t.Errorf("Retry-After %q; the page should say the same wait in minutes (60 minutos): %s", ra, summaryText(html))
	}
	clock.add(55*time.Minute + 1*time.Second) // 299 s left
	body, ct = form(t, spanishStory())
	code, html, hdr = b.page("POST", "/submit", body, map[string]string{"Content-Type": ct})
	if code != http.StatusTooManyRequests || hdr.Get("Retry-After") != "299" || !strings.Contains(html, "5 minutos") || strings.Contains(html, "una hora") {
		t.Errorf("at 299 s: %d, Retry-After %q, summary %q; want 429, 299 and «5 minutos»", code, hdr.Get("Retry-After"), summaryText(html))
	}
}

var summaryRE = regexp.MustCompile(`(?s)<div class="error-summary".*?</div>`)

func summaryText(html string) string {
	return regexp.MustCompile(`<[^>]+>|\s+`).ReplaceAllString(summaryRE.FindString(html), " ")
}
