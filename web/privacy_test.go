package web

import (
	"bytes"
	"strings"
	"testing"
)

// TestPrivacyTranslations: the privacy page says, in English and Spanish,
// who translates a piece, that a translation is published only with the
// author's approval or an editor's written reason, and that a withdrawal
// takes every translation down and deletes it with the piece.
func TestPrivacyTranslations(t *testing.T) {
	r, err := NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	for lang, want := range map[string][]string{
		"en": {"Translations of your piece", "volunteers and editors", "only after you approve it", "writing down why",
			"every translation is taken down", "deleted when your piece is deleted"},
		"es": {"Traducciones de su texto", "voluntarias y editoras", "solo después de que usted la apruebe", "dejando escrito por qué",
			"todas sus traducciones se retiran", "se borran cuando se borra su texto"},
	} {
		var buf bytes.Buffer
		if err := r.Render(&buf, "privacy", &Page{Path: "/privacy", Lang: lang}); err != nil {
			t.Fatalf("%s: %v", lang, err)
		}
		for _, w := range want {
			if !strings.Contains(buf.String(), w) {
				t.Errorf("the %s privacy page does not say %q", lang, w)
			}
		}
	}
}
