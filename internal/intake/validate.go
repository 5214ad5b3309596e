package intake

import (
	"net/mail"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/storydesk/storydesk/internal/sanitize"
)

// Allowed values of the choice fields (the public contract).
var (
	kinds     = []string{"story", "oped"}
	languages = []string{"en", "es"}
	roles     = []string{"client", "faith_leader", "site_leadership", "volunteer", "other"}
	consents  = []string{"name", "pseudonym", "anonymous", "internal"}
)

// Rune limits of the contract's other text fields (the title's is
// MaxTitleRunes).
const (
	maxNameRunes  = 200
	maxSiteRunes  = 100
	maxEmailRunes = 254
	maxPhoneRunes = 40
)

// validate checks every text field and reports all problems at once, so a
// person on a phone fixes the form in one pass.
func validate(in *Input) *ValidationError {
	trimAll(in)
	e := &ValidationError{}
	for name, v := range in.Values() {
		if sanitize.CheckText(v) != nil {
			e.add(name, CodeInvalidText)
		}
	}
	if !e.empty() {
		return e // lengths of invalid text mean nothing
	}
	required := func(name, v string) bool {
		if strings.TrimSpace(v) == "" {
			e.add(name, CodeRequired)
			return false
		}
		return true
	}
	choice := func(name, v string, allowed []string) {
		if v != "" && !slices.Contains(allowed, v) {
			e.add(name, CodeInvalidChoice)
		}
	}
	maxRunes := func(name, v string, n int) {
		if utf8.RuneCountInString(v) > n {
			e.add(name, CodeTooLong)
		}
	}

	if required("kind", in.Kind) {
		choice("kind", in.Kind, kinds)
	}
	if required("title", in.Title) {
		maxRunes("title", in.Title, MaxTitleRunes)
	}
	required("body", in.Body) // the 64 KiB cap is enforced while reading
	choice("language", in.Language, languages)
	choice("author_role", in.AuthorRole, roles)
	maxRunes("author_name", in.AuthorName, maxNameRunes)
	maxRunes("pseudonym", in.Pseudonym, maxNameRunes)
	maxRunes("site", in.Site, maxSiteRunes)
	if required("consent_publish", in.ConsentPublish) {
		choice("consent_publish", in.ConsentPublish, consents)
	}
	switch in.ConsentPublish {
	case "pseudonym":
		if strings.TrimSpace(in.Pseudonym) == "" {
			e.add("pseudonym", CodePseudonymRequired)
		}
	case "name":
		// A byline needs a name to print.
		required("author_name", in.AuthorName)
	}
	choice("consent_photos", strings.ToLower(in.ConsentPhotos), []string{"true", "false", "on", "yes"})
	if in.ContactEmail != "" {
		maxRunes("contact_email", in.ContactEmail, maxEmailRunes)
		if a, err := mail.ParseAddress(in.ContactEmail); err != nil || a.Address != in.ContactEmail || !strings.Contains(a.Address[strings.LastIndex(a.Address, "@")+1:], ".") {
			e.add("contact_email", CodeInvalidEmail)
		}
	}
	if in.ContactPhone != "" {
		maxRunes("contact_phone", in.ContactPhone, maxPhoneRunes)
		if !validPhone(in.ContactPhone) {
			e.add("contact_phone", CodeInvalidPhone)
		}
	}
	if e.empty() {
		return nil
	}
	return e
}

// validPhone accepts the ways people write phone numbers (+1 (512) 555-0134,
// 55 1234 5678) and refuses anything with letters or too few digits.
func validPhone(s string) bool {
	digits := 0
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '+' && i == 0:
		case strings.ContainsRune(" -().", r):
		default:
			return false
		}
	}
	return digits >= 7 && digits <= 15
}

func consentPhotos(v string) bool {
	switch strings.ToLower(v) {
	case "true", "on", "yes":
		return true
	}
	return false
}
