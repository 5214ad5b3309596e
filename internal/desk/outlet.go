package desk

import (
	"net/mail"
	"strings"
	"unicode/utf8"

	"github.com/storydesk/storydesk/internal/sanitize"
	"github.com/storydesk/storydesk/internal/store"
)

// OutletChange is a new outlet or a change to one: nil fields are left as
// they are (all but name have a default for a new outlet).
type OutletChange struct {
	Name          *string  `json:"name"`
	Language      *string  `json:"language"`
	WordLimit     *int     `json:"word_limit"`
	ExclusiveDays *int     `json:"exclusive_days"`
	ContactEmail  *string  `json:"contact_email"`
	Notes         *string  `json:"notes"`
	Takes         []string `json:"takes"` // story, oped, letter; nil: unchanged
}

// Limits of an outlet's fields.
const (
	maxOutletName  = 200
	maxOutletNotes = 5000
	maxDays        = 3650
	maxWords       = 100000
)

// NewOutlet is the outlet a first change describes: English, no limits and
// taking every kind until said otherwise.
func NewOutlet() store.Outlet {
	return store.Outlet{Language: "en", TakesStories: true, TakesOpEds: true, TakesLetters: true}
}

// ApplyOutlet validates c and applies it to o; the error names the first
// field that is wrong, and o is returned unchanged then.
func ApplyOutlet(o store.Outlet, c OutletChange) (store.Outlet, error) {
	out := o
	if c.Name != nil {
		v, err := CheckText("name", *c.Name, maxOutletName)
		if err != nil {
			return o, err
		}
		out.Name = v
	} else if strings.TrimSpace(out.Name) == "" {
		return o, Invalid("name", "required")
	}
	if c.Language != nil {
		if *c.Language != "en" && *c.Language != "es" {
			return o, Invalid("language", "invalid_language")
		}
		out.Language = *c.Language
	}
	for _, n := range []struct {
		field string
		v     *int
		to    *int
		max   int
	}{{"word_limit", c.WordLimit, &out.WordLimit, maxWords}, {"exclusive_days", c.ExclusiveDays, &out.ExclusiveDays, maxDays}} {
		if n.v == nil {
			continue
		}
		if *n.v < 0 {
			return o, Invalid(n.field, "negative")
		}
		if *n.v > n.max {
			return o, Invalid(n.field, "too_long")
		}
		*n.to = *n.v
	}
	if c.ContactEmail != nil {
		e := strings.TrimSpace(*c.ContactEmail)
		if a, err := mail.ParseAddress(e); e != "" && (err != nil || a.Address != e || len(e) > 254) {
			return o, Invalid("contact_email", "invalid_email")
		}
		out.ContactEmail = e
	}
	if c.Notes != nil {
		if sanitize.CheckText(*c.Notes) != nil {
			return o, Invalid("notes", "invalid_text")
		}
		if utf8.RuneCountInString(*c.Notes) > maxOutletNotes {
			return o, Invalid("notes", "too_long")
		}
		out.Notes = strings.TrimSpace(*c.Notes)
	}
	if c.Takes != nil {
		out.TakesStories, out.TakesOpEds, out.TakesLetters = false, false, false
		for _, k := range c.Takes {
			switch k {
			case "story":
				out.TakesStories = true
			case "oped":
				out.TakesOpEds = true
			case "letter":
				out.TakesLetters = true
			default:
				return o, Invalid("takes", "invalid_takes")
			}
		}
	}
	return out, nil
}

// Takes lists the kinds outlet o takes, as the API names them.
func Takes(o store.Outlet) []string {
	out := []string{}
	for _, k := range []struct {
		on   bool
		name string
	}{{o.TakesStories, "story"}, {o.TakesOpEds, "oped"}, {o.TakesLetters, "letter"}} {
		if k.on {
			out = append(out, k.name)
		}
	}
	return out
}
