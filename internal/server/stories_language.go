package server

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"

	"github.com/gin-gonic/gin"

	"github.com/storydesk/storydesk/internal/desk"
	"github.com/storydesk/storydesk/internal/render"
	"github.com/storydesk/storydesk/internal/store"
)

// A piece is read at /stories/{slug} in its original language and at
// /stories/{slug}/{lang} in each approved translation. ?lang= keeps its
// meaning everywhere, the language of the page around the piece, so the
// list and the feed filter by the piece's language with ?language=.

// StoryAlternate is one language a story is published in.
type StoryAlternate struct {
	Lang    string // en | es
	Name    string // the language's own name: "Español"
	URL     string // the page, in the visitor's page language
	Abs     string // the page's absolute URL, for hreflang
	Current bool   // the version on screen
}

// LanguageFilter is one link of the story list's language filter.
type LanguageFilter struct {
	Lang    string // "" for every language
	URL     string
	Current bool
}

// nativeNames are the languages' names in themselves, as the language
// switches print them.
var nativeNames = map[string]string{"en": "English", "es": "Español"}

// nativeName is lang's own name, or its code for a language without one.
func nativeName(lang string) string {
	if n, ok := nativeNames[lang]; ok {
		return n
	}
	return lang
}

// alternates lists versions for the hreflang links and the language
// switch, and returns the original's absolute URL (x-default); none when
// the piece is in one language only.
func (h *storiesHandler) alternates(versions []store.PublishedVersion, cur store.PublishedVersion, uiLang string) ([]StoryAlternate, string) {
	if len(versions) < 2 {
		return nil, ""
	}
	var out []StoryAlternate
	for _, v := range versions {
		out = append(out, StoryAlternate{Lang: v.Language, Name: nativeName(v.Language), URL: v.Path() + "?lang=" + uiLang,
			Abs: h.baseURL + v.Path(), Current: v.Language == cur.Language})
	}
	return out, h.baseURL + versions[0].Path()
}

// contentLanguage is the ?language= filter of the list and the feed: ""
// for every language, else one of desk.Languages (400 naming the field).
func contentLanguage(c *gin.Context) (string, error) {
	l := c.Query("language")
	if l != "" && !slices.Contains(desk.Languages, l) {
		return "", fieldErr(http.StatusBadRequest, "language", "must be one of en, es")
	}
	return l, nil
}

// listURL is page pg of the story list in language, for a visitor reading uiLang.
func listURL(uiLang, language string, pg int) string {
	q := url.Values{"lang": {uiLang}}
	if language != "" {
		q.Set("language", language)
	}
	if pg > 1 {
		q.Set("page", fmt.Sprint(pg))
	}
	return "/stories?" + q.Encode()
}

// languageFilters are the list's links to every language and to each one.
func languageFilters(uiLang, current string) []LanguageFilter {
	out := []LanguageFilter{{URL: listURL(uiLang, "", 1), Current: current == ""}}
	for _, l := range desk.Languages {
		out = append(out, LanguageFilter{Lang: l, URL: listURL(uiLang, l, 1), Current: current == l})
	}
	return out
}

// versionByline is the byline of a published version: the original's, as
// its consent allows.
func versionByline(v store.PublishedVersion) render.Byline {
	return render.Byline{Kind: v.BylineKind, Name: v.Byline}
}
