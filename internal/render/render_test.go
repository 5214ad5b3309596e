package render

import (
	"bytes"
	"strings"
	"testing"
)

func TestSlug(t *testing.T) {
	for in, want := range map[string]string{
		"Año nuevo in Austin":             "ano-nuevo-in-austin",
		"  ¿Qué pasó?  ":                  "que-paso",
		"<script>alert(1)</script>":       "script-alert-1-script",
		"数字":                              "piece",
		strings.Repeat("abcdefghij ", 20): strings.TrimSuffix(strings.Repeat("abcdefghij-", 7), "-"),
	} {
		if got := Slug(in); got != want {
			t.Errorf("Slug(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestBylineOf(t *testing.T) {
	cases := []struct {
		consent, name, pseudonym, en, es string
	}{
		{"name", "Rosa Díaz", "R.", "Rosa Díaz", "Rosa Díaz"},
		{"pseudonym", "Rosa Díaz", "La Rosa", "La Rosa", "La Rosa"},
		{"pseudonym", "Rosa Díaz", "", "Anonymous", "Anónimo"}, // never falls back to the name
		{"anonymous", "Rosa Díaz", "La Rosa", "Anonymous", "Anónimo"},
		{"internal", "Rosa Díaz", "La Rosa", "Anonymous", "Anónimo"},
		{"", "Rosa Díaz", "", "Anonymous", "Anónimo"},
	}
	for _, c := range cases {
		b := BylineOf(c.consent, c.name, c.pseudonym)
		if b.Text("en") != c.en || b.Text("es") != c.es {
			t.Errorf("%s: %q/%q, want %q/%q", c.consent, b.Text("en"), b.Text("es"), c.en, c.es)
		}
	}
}

func TestRenderingsHoldTitleBylineAndBody(t *testing.T) {
	p := Piece{ID: "x", Title: "A *title* <b>", BodyHTML: "<p>First para.</p>\n<p>Second <strong>para</strong>.</p>",
		BodyText: "First para.\n\nSecond para.", Language: "es", Byline: Byline{Kind: BylineAnonymous}, Images: []Image{{Path: "images/photo-1.jpg"}}}
	for name, fn := range map[string]func(*bytes.Buffer, Piece) error{
		"md":   func(b *bytes.Buffer, p Piece) error { return Markdown(b, p) },
		"html": func(b *bytes.Buffer, p Piece) error { return HTML(b, p) },
		"txt":  func(b *bytes.Buffer, p Piece) error { return Text(b, p) },
	} {
		var buf bytes.Buffer
		if err := fn(&buf, p); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		for _, want := range []string{"Por Anónimo", "First para.", "Foto 1: cortesía de Anónimo"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s lacks %q:\n%s", name, want, out)
			}
		}
		if name == "html" && strings.Contains(out, "<b>") {
			t.Errorf("html title not escaped:\n%s", out)
		}
	}
	var buf bytes.Buffer
	if err := DOCX(&buf, p); err != nil || buf.Len() < 1000 {
		t.Errorf("docx: %d bytes, %v", buf.Len(), err)
	}
}
