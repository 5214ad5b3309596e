// Package web holds StoryDesk's public pages: the html/template files, the
// English and Spanish messages they are written in, and the stylesheet. Every
// page works without JavaScript and loads nothing from another origin, so it
// can be served under a strict `default-src 'self'` policy.
package web

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"strings"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed locales/*.json
var localeFS embed.FS

//go:embed static
var staticFS embed.FS

// ErrUnknownTemplate is returned by Render for a page name that does not exist.
var ErrUnknownTemplate = errors.New("web: unknown template")

// Renderer renders the public pages. It is built once and is safe for
// concurrent use.
type Renderer struct {
	pages      map[string]*template.Template
	localizers map[string]*i18n.Localizer
	matcher    language.Matcher
	langs      []string // in the matcher's order; the first is the fallback
}

// NewRenderer parses every template and locale file once.
func NewRenderer() (*Renderer, error) {
	supported := []language.Tag{language.English, language.Spanish}
	// Each page is parsed on top of its own copy of the layout so that every
	// page can define the layout's "title" and "main" blocks.
	pageNames, err := pages()
	if err != nil {
		return nil, err
	}
	bundle := i18n.NewBundle(language.English)
	r := &Renderer{
		pages:      make(map[string]*template.Template, len(pageNames)),
		localizers: make(map[string]*i18n.Localizer, len(supported)),
		matcher:    language.NewMatcher(supported),
	}
	for _, tag := range supported {
		r.langs = append(r.langs, tag.String())
		lang := tag.String()
		files, err := LocaleFiles(lang)
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			if _, err := bundle.LoadMessageFileFS(localeFS, f); err != nil {
				return nil, fmt.Errorf("web: load locale %s: %w", f, err)
			}
		}
		// Only this language: a missing message must show up in tests, not
		// silently fall back to English on a Spanish page.
		r.localizers[lang] = i18n.NewLocalizer(bundle, lang)
	}
	layout, err := template.ParseFS(templateFS, "templates/layout.html")
	if err != nil {
		return nil, fmt.Errorf("web: parse layout: %w", err)
	}
	for _, name := range pageNames {
		t, err := layout.Clone()
		if err != nil {
			return nil, fmt.Errorf("web: clone layout for %s: %w", name, err)
		}
		if _, err := t.ParseFS(templateFS, "templates/"+name+".html"); err != nil {
			return nil, fmt.Errorf("web: parse %s: %w", name, err)
		}
		r.pages[name] = t
	}
	return r, nil
}

// pages lists every page template: each file in templates/ but the layout.
func pages() ([]string, error) {
	files, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("web: list templates: %w", err)
	}
	var names []string
	for _, f := range files {
		name := strings.TrimSuffix(strings.TrimPrefix(f, "templates/"), ".html")
		if name != "layout" {
			names = append(names, name)
		}
	}
	return names, nil
}

// LocaleFiles lists the message files of one language: locales/LANG.json and
// one AREA.LANG.json per area of the app (desk, admin, …), so each area keeps
// its own messages.
func LocaleFiles(lang string) ([]string, error) {
	all, err := fs.Glob(localeFS, "locales/*.json")
	if err != nil {
		return nil, fmt.Errorf("web: list locales: %w", err)
	}
	var out []string
	for _, f := range all {
		base := strings.TrimSuffix(strings.TrimPrefix(f, "locales/"), ".json")
		if base == lang || strings.HasSuffix(base, "."+lang) {
			out = append(out, f)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("web: no message file for %s", lang)
	}
	return out, nil
}

// Lang picks the page language: a valid override (from ?lang= or the form's
// ui_lang) wins, otherwise the best match for the Accept-Language header, and
// English when nothing matches.
func (r *Renderer) Lang(acceptLanguage, override string) string {
	o := strings.ToLower(strings.TrimSpace(override))
	if _, ok := r.localizers[o]; ok {
		return o
	}
	_, i := language.MatchStrings(r.matcher, acceptLanguage)
	return r.langs[i]
}

// Render executes the template called name with p, localised to p.Lang. An
// unsupported p.Lang is replaced by English. The page is rendered into a
// buffer first, so nothing reaches w when rendering fails.
func (r *Renderer) Render(w io.Writer, name string, p *Page) error {
	t, ok := r.pages[name]
	if !ok {
		return fmt.Errorf("%w: %q", ErrUnknownTemplate, name)
	}
	if p == nil {
		p = &Page{}
	}
	r.Bind(p)
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		return fmt.Errorf("web: render %s: %w", name, err)
	}
	if _, err := buf.WriteTo(w); err != nil {
		return fmt.Errorf("web: write %s: %w", name, err)
	}
	return nil
}

// Bind localises p to p.Lang (English for an unsupported one), so its T
// works outside a template: for text the server writes itself.
func (r *Renderer) Bind(p *Page) {
	if _, ok := r.localizers[p.Lang]; !ok {
		p.Lang = r.langs[0]
	}
	p.loc = r.localizers[p.Lang]
}

// Static returns the static/ folder (stylesheet), to be served at /static/.
func Static() fs.FS {
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		// fs.Sub fails only for an invalid path, and "static" is a constant.
		panic(fmt.Errorf("web: static: %w", err))
	}
	return sub
}
