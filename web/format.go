package web

import (
	"strings"

	"github.com/dustin/go-humanize"
	"github.com/nicksnyder/go-i18n/v2/i18n"
)

// N is the message key for a count of n, in the plural form the page's
// language gives n ("1 word", "2 words"; "1 palabra", "2 palabras"). The
// message quotes the number as {{.Count}}.
func (p *Page) N(key string, n int) string {
	if p.loc == nil {
		return key
	}
	s, err := p.loc.Localize(&i18n.LocalizeConfig{MessageID: key, PluralCount: n, TemplateData: map[string]any{"Count": n}})
	if err != nil {
		return key
	}
	return s
}

// TName is the message key with a person's name in it, as {{.Name}}.
func (p *Page) TName(key, name string) string {
	return p.tr(key, map[string]any{"Name": name})
}

// LangName names a piece's language ("en", "es") in the page's language:
// "Spanish" on an English page, "español" on a Spanish one. An unknown code
// is shown as it is.
func (p *Page) LangName(code string) string {
	if code == "" || !p.has("lang."+code) {
		return code
	}
	return p.T("lang." + code)
}

// Bytes is a file size for people: "30 kB", "1.2 MB" ("1,2 MB" in Spanish).
func (p *Page) Bytes(n int64) string {
	s := humanize.Bytes(uint64(max(n, 0)))
	if p.Lang == "es" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// Person names who did something on a piece: the submitter and StoryDesk
// itself ("submitter", "system" in the records) in the page's language, a
// staff member by the name the desk gave them.
func (p *Page) Person(name string) string {
	if name == "submitter" || name == "system" {
		return p.T("desk.actor." + name)
	}
	return name
}

// TWith is the message key with the values it quotes, given as name,
// value pairs: TWith "pitch.exclusive" "Outlet" "The Tribune" "Until" "3
// March 2027" fills {{.Outlet}} and {{.Until}}.
func (p *Page) TWith(key string, pairs ...string) string {
	data := make(map[string]any, len(pairs)/2)
	for i := 0; i+1 < len(pairs); i += 2 {
		data[pairs[i]] = pairs[i+1]
	}
	return p.tr(key, data)
}
