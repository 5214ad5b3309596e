package web

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/net/html"
)

// sample is one page rendered in a test, in both languages.
type sample struct {
	name     string // test name
	template string
	page     func() *Page
}

// formErrors marks every field of the submission form, plus a form-level error.
func formErrors() map[string]string {
	return map[string]string{
		"": "rate_limited", "kind": "required", "title": "too_long", "body": "invalid_text",
		"language": "invalid_choice", "author_name": "too_long", "author_role": "invalid_choice",
		"site": "too_long", "contact_email": "invalid_email", "contact_phone": "invalid_phone",
		"consent_publish": "required", "pseudonym": "pseudonym_required",
		"consent_photos": "invalid_choice", "attachments": "file_type",
	}
}

func samples() []sample {
	at := time.Date(2026, 3, 4, 23, 30, 0, 0, time.UTC)
	limits := Limits{MaxFiles: 5, MaxFileMB: 20}
	status := func() *Status {
		return &Status{
			Receipt: "K7QH-3M9T-XW2P-84RD", State: "changes_requested", Kind: "oped",
			Title: "Nuestra comunidad", UpdatedAt: at,
			Messages: []Message{
				{FromEditor: true, Body: "Could you shorten the second part?\nThanks.", At: at},
				{FromEditor: false, Body: "Sí, claro.", At: at},
			},
			CanReply: true, CanRevise: true, CanWithdraw: true,
		}
	}
	return []sample{
		{"form empty", "form", func() *Page { return &Page{Path: "/", Limits: limits} }},
		{"form errors", "form", func() *Page {
			return &Page{Path: "/submit", Limits: limits, Errors: formErrors(), Values: map[string]string{
				"kind": "story", "title": "A <b>title</b>", "body": "Text & more", "consent_publish": "pseudonym",
				"consent_photos": "true", "site": "Austin", "contact_email": "x@",
			}}
		}},
		{"receipt", "receipt", func() *Page { return &Page{Path: "/submit", Receipt: "K7QH-3M9T-XW2P-84RD"} }},
		{"lookup", "status_lookup", func() *Page { return &Page{Path: "/status"} }},
		{"lookup error", "status_lookup", func() *Page {
			return &Page{Path: "/status", Errors: map[string]string{"receipt": "receipt_invalid"}, Values: map[string]string{"receipt": "nope"}}
		}},
		{"lookup rate limited", "status_lookup", func() *Page {
			return &Page{Path: "/status", Errors: map[string]string{"": "rate_limited"}}
		}},
		{"status all forms", "status", func() *Page {
			return &Page{Path: "/status", Status: status(), Notice: "reply_sent", Errors: map[string]string{
				"message": "message_required", "title": "required", "body": "too_long", "confirm": "confirm_required",
			}}
		}},
		{"status read only", "status", func() *Page {
			s := status()
			s.State, s.Kind, s.Messages = "published", "story", nil
			s.CanReply, s.CanRevise, s.CanWithdraw = false, false, false
			return &Page{Path: "/status", Status: s, Notice: "withdrawn"}
		}},
		{"status unknown state", "status", func() *Page {
			s := status()
			s.State, s.Kind = "archived", "poem"
			return &Page{Path: "/status", Status: s, Notice: "mystery"}
		}},
		{"privacy", "privacy", func() *Page { return &Page{Path: "/privacy"} }},
		{"error 404", "error", func() *Page { return &Page{Path: "/nowhere", Code: 404} }},
		{"error 413", "error", func() *Page { return &Page{Path: "/submit", Code: 413} }},
		{"error 415", "error", func() *Page { return &Page{Path: "/submit", Code: 415} }},
		{"error 429", "error", func() *Page { return &Page{Path: "/submit", Code: 429} }},
		{"error 500", "error", func() *Page { return &Page{Path: "/", Code: 500} }},
		{"error unlisted code", "error", func() *Page { return &Page{Path: "/", Code: 418} }},
	}
}

// rendered is one sample's output.
type rendered struct {
	name, lang string
	page       *Page
	out        string
	doc        *html.Node
}

// renderAll renders every sample in every language and parses the output.
func renderAll(t *testing.T) []rendered {
	t.Helper()
	r, err := NewRenderer()
	if err != nil {
		t.Fatalf("NewRenderer: %v", err)
	}
	var all []rendered
	for _, lang := range []string{"en", "es"} {
		for _, s := range samples() {
			p := s.page()
			p.Lang = lang
			var buf bytes.Buffer
			if err := r.Render(&buf, s.template, p); err != nil {
				t.Fatalf("%s/%s: Render: %v", s.name, lang, err)
			}
			doc, err := html.Parse(strings.NewReader(buf.String()))
			if err != nil {
				t.Fatalf("%s/%s: parse: %v", s.name, lang, err)
			}
			all = append(all, rendered{name: s.name + "/" + lang, lang: lang, page: p, out: buf.String(), doc: doc})
		}
	}
	return all
}

func TestRenderLanguageAndContent(t *testing.T) {
	keys := localeKeys(t, "en")
	prefixes := map[string]bool{}
	for k := range keys {
		prefixes[strings.SplitN(k, ".", 2)[0]] = true
	}
	var alt []string
	for p := range prefixes {
		alt = append(alt, regexp.QuoteMeta(p))
	}
	sort.Strings(alt)
	// A message ID left untranslated looks like "form.title.hint".
	rawKey := regexp.MustCompile(`\b(?:` + strings.Join(alt, "|") + `)\.[a-z0-9_.]+`)
	offsite := regexp.MustCompile(`(?i)(https?:)?//[a-z0-9]`)

	for _, rd := range renderAll(t) {
		t.Run(rd.name, func(t *testing.T) {
			htmlEl := find(rd.doc, element("html"))
			if len(htmlEl) != 1 || attr(htmlEl[0], "lang") != rd.lang {
				t.Errorf("<html lang> is not %q", rd.lang)
			}
			// Scripts only from /static/, never inline: the CSP allows no other.
			for _, sc := range find(rd.doc, element("script")) {
				if src := attr(sc, "src"); !strings.HasPrefix(src, "/static/") || sc.FirstChild != nil {
					t.Errorf("<script src=%q> is inline or not from /static/", src)
				}
			}
			for _, bad := range []string{"<style", "<no value>", "javascript:"} {
				if strings.Contains(strings.ToLower(rd.out), bad) {
					t.Errorf("output contains %q", bad)
				}
			}
			if m := offsite.FindString(rd.out); m != "" {
				t.Errorf("output links to another origin: %q", m)
			}
			for _, n := range find(rd.doc, func(*html.Node) bool { return true }) {
				if n.Type == html.ElementNode && hasAttr(n, "style") {
					t.Errorf("<%s> has a style attribute", n.Data)
				}
				for _, text := range visibleStrings(n) {
					if m := rawKey.FindString(text); m != "" {
						t.Errorf("raw message ID %q in %q", m, text)
					}
				}
			}
		})
	}
}

// visibleStrings are the strings of n that a person reads or hears.
func visibleStrings(n *html.Node) []string {
	if n.Type == html.TextNode {
		return []string{n.Data}
	}
	var out []string
	for _, a := range n.Attr {
		switch a.Key {
		case "aria-label", "title", "placeholder", "alt", "value", "content":
			out = append(out, a.Val)
		}
	}
	return out
}

func TestSpanishPagesAreSpanish(t *testing.T) {
	for _, rd := range renderAll(t) {
		if rd.lang != "es" {
			continue
		}
		// Words that appear only in English copy; catches a page silently
		// falling back to the English file.
		for _, w := range []string{"Please", "your ", "Your "} {
			if strings.Contains(rd.out, w) {
				t.Errorf("%s: Spanish page contains English %q", rd.name, w)
			}
		}
	}
}

func TestLocaleKeySetsMatch(t *testing.T) {
	en, es := localeKeys(t, "en"), localeKeys(t, "es")
	if len(en) < 100 {
		t.Fatalf("en has only %d keys; the file did not load as expected", len(en))
	}
	if diff := cmp.Diff(sortedKeys(en), sortedKeys(es)); diff != "" {
		t.Errorf("en and es keys differ (-en +es):\n%s", diff)
	}
	for k, v := range es {
		if strings.TrimSpace(v) == "" {
			t.Errorf("es %q is empty", k)
		}
		if strings.Count(v, "{{") != strings.Count(en[k], "{{") {
			t.Errorf("%q: en and es use different placeholders", k)
		}
	}
}

// localeKeys merges every message file of lang; a key defined twice fails.
func localeKeys(t *testing.T, lang string) map[string]string {
	t.Helper()
	files, err := LocaleFiles(lang)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for _, f := range files {
		b, err := fs.ReadFile(localeFS, f)
		if err != nil {
			t.Fatalf("read %s: %v", f, err)
		}
		one := map[string]json.RawMessage{}
		if err := json.Unmarshal(b, &one); err != nil {
			t.Fatalf("parse %s: %v", f, err)
		}
		for k, raw := range one {
			if _, dup := m[k]; dup {
				t.Errorf("%s: %q is defined in two files", f, k)
			}
			m[k] = messageText(t, f, k, raw)
		}
	}
	return m
}

// messageText is a message's text: the string, or for a count's plural
// forms ({"one": …, "other": …}) its "other" form, once both are there.
func messageText(t *testing.T, file, key string, raw json.RawMessage) string {
	t.Helper()
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	forms := map[string]string{}
	if err := json.Unmarshal(raw, &forms); err != nil {
		t.Fatalf("parse %s: %q: %v", file, key, err)
	}
	if forms["one"] == "" || forms["other"] == "" {
		t.Errorf("%s: %q has plural forms %v, want at least one and other", file, key, forms)
	}
	return forms["other"]
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func TestLang(t *testing.T) {
	r, err := NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, accept, override, want string
	}{
		{"mexican spanish", "es-MX,es;q=0.9", "", "es"},
		{"us spanish", "es-US", "", "es"},
		{"french falls back", "fr", "", "en"},
		{"nothing", "", "", "en"},
		{"garbage header", ";;;q=x", "", "en"},
		{"english preferred", "en-US,en;q=0.9,es;q=0.8", "", "en"},
		{"spanish preferred over english", "es;q=0.9,en;q=0.5", "", "es"},
		{"override es wins", "en-US", "es", "es"},
		{"override en wins", "es-MX,es;q=0.9", "en", "en"},
		{"override case", "en", " ES ", "es"},
		{"invalid override ignored", "es-MX", "fr", "es"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := r.Lang(tt.accept, tt.override); got != tt.want {
				t.Errorf("Lang(%q, %q) = %q, want %q", tt.accept, tt.override, got, tt.want)
			}
		})
	}
}
