package web

import "time"

// TranslationReview is one translation of the piece as its author reviews
// it on the status page: beside the original, paragraph by paragraph.
type TranslationReview struct {
	Language     string // the translation's: en | es
	Original     string // the original's language
	State        string // draft | awaiting_author | approved | changes_requested
	ByEditor     bool   // approved by an editor in the author's stead
	CanDecide    bool   // awaiting the author: the page offers approve and ask for changes
	Title        string
	OriginalText string // the original's title
	Pairs        []Pair // the original's paragraphs beside the translation's
}

// Pair is the original's paragraph and the translation's at the same
// place; either is "" where one text has more paragraphs than the other.
type Pair struct {
	Original, Translation string
}

// Byline is the byline a piece's consent gives, which its translations
// carry too.
type Byline struct {
	Kind string // name | pseudonym | anonymous | internal (never published)
	Name string // the name or pseudonym printed; "" otherwise
}

// Placement is an outlet that published the piece, for its author.
type Placement struct {
	Outlet      string
	URL         string // http(s) only: the server leaves out anything else
	PublishedOn time.Time
	Language    string
}

// TranslationHeading names a translation by its language, in the page's
// language ("Translation into Spanish").
func (p *Page) TranslationHeading(lang string) string {
	key := "author.tr.heading." + lang
	if !p.has(key) {
		return p.T("author.tr.heading.other")
	}
	return p.T(key)
}

// TranslationState says where a translation stands, in one sentence.
func (p *Page) TranslationState(t TranslationReview) string {
	key := "author.tr.state." + t.State
	if t.ByEditor {
		key += "_by_editor"
	}
	if !p.has(key) {
		return p.T("author.tr.state.unknown")
	}
	return p.T(key)
}
