package server

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/storydesk/storydesk/web"
)

// TestHistoryWords: every history action and detail the desk page labels
// has words in both languages, and a translation's events say its language
// and who approved it instead of the stores' English.
func TestHistoryWords(t *testing.T) {
	details := map[string]string{
		"es":                         "desk.history.detail.translation_es",
		"en: approved by the author": "desk.history.detail.translation_en_by_author",
		"es: approved by an editor":  "desk.history.detail.translation_es_by_editor",
		"revision 3":                 "desk.history.detail.revision",
		"fr":                         "",
		"es: approved by nobody":     "",
	}
	for detail, want := range details {
		if got, _ := historyDetail(detail); got != want {
			t.Errorf("historyDetail(%q) = %q, want %q", detail, got, want)
		}
	}
	for _, lang := range []string{"en", "es"} {
		files, err := web.LocaleFiles(lang)
		if err != nil {
			t.Fatal(err)
		}
		msgs := map[string]json.RawMessage{}
		for _, f := range files {
			raw, err := os.ReadFile(filepath.Join("..", "..", "web", f))
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(raw, &msgs); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
		}
		keys := []string{}
		for _, a := range historyActions {
			keys = append(keys, "desk.history."+a)
		}
		for detail, key := range details {
			if key != "" && detail != "revision 3" {
				keys = append(keys, key)
			}
		}
		for _, k := range keys {
			if m := msgs[k]; len(m) == 0 || string(m) == `""` {
				t.Errorf("%s: no message %s", lang, k)
			}
		}
	}
}
