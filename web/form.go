package web

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// FieldError is one line of the error summary. Href is empty for problems
// that belong to no field on the page, which are then shown without a link.
type FieldError struct {
	Href string
	Text string
}

// Err returns the localised error for field, or "" when it has none. A field
// error starts with the field's name so it reads on its own in the summary;
// unknown codes become a generic sentence.
func (p *Page) Err(field string) string {
	code, ok := p.Errors[field]
	if !ok || code == "" {
		return ""
	}
	key := "err." + code
	if !p.has(key) {
		key = "err.generic"
		if field == "" {
			key = "err.generic_form"
		}
	}
	msg := p.T(key)
	label := p.question(field)
	sentence := strings.HasSuffix(label, "?") || strings.HasSuffix(label, ".")
	if label == "" || sentence {
		// Field messages are written to follow "Label: "; alone, or after a
		// question, they are a sentence of their own and need a capital.
		r, n := utf8.DecodeRuneInString(msg)
		msg = string(unicode.ToUpper(r)) + msg[n:]
	}
	switch {
	case label == "":
		return msg
	case sentence:
		return label + " " + msg
	}
	return label + ": " + msg
}

// questionKeys name the words a field is asked with on the page where it
// differs from its short label: the legend of a group, a checkbox's label.
// The summary and the field's own message use them, so a person finds the
// question the message is about by its words.
var questionKeys = map[string]string{
	"kind":            "form.kind.legend",
	"language":        "form.language.legend",
	"author_role":     "form.author_role.legend",
	"consent_publish": "form.consent_publish.legend",
	"consent_photos":  "form.consent_photos.label",
	"confirm":         "status.withdraw_confirm",
	// One box per translation; the summary names the one the author sent.
	"translation_message": "author.tr.changes_label",
}

// question is the text field is asked with, or "" for a form-level problem
// or a field the pages do not show.
func (p *Page) question(field string) string {
	if field == "" {
		return ""
	}
	if key, ok := questionKeys[field]; ok && p.has(key) {
		return p.T(key)
	}
	if p.has("label." + field) {
		return p.T("label." + field)
	}
	return ""
}

// Invalid reports whether field has an error.
func (p *Page) Invalid(field string) bool { return p.Errors[field] != "" }

// HasErrors reports whether there is anything to put in the error summary.
func (p *Page) HasErrors() bool {
	for _, code := range p.Errors {
		if code != "" {
			return true
		}
	}
	return false
}

// ErrorList is the error summary: form-level first, then fields in the order
// they appear on the pages, then anything else alphabetically.
func (p *Page) ErrorList() []FieldError {
	var out []FieldError
	if msg := p.Err(""); msg != "" {
		out = append(out, FieldError{Text: msg})
	}
	seen := map[string]bool{"": true}
	for _, f := range fieldOrder() {
		seen[f] = true
		if msg := p.Err(f); msg != "" {
			out = append(out, FieldError{Href: "#" + p.FieldID(f), Text: msg})
		}
	}
	var rest []string
	for f := range p.Errors {
		if !seen[f] {
			rest = append(rest, f)
		}
	}
	sort.Strings(rest)
	for _, f := range rest {
		if msg := p.Err(f); msg != "" {
			e := FieldError{Text: msg}
			// Staff pages name their inputs after their fields (since,
			// email, current_password, …), so the summary can link them.
			if p.Viewer != nil && !staffInputless[f] {
				e.Href = "#" + p.FieldID(f)
			}
			out = append(out, e)
		}
	}
	return out
}

// fieldOrder lists every field the pages show, top to bottom.
func fieldOrder() []string {
	return []string{
		"kind", "title", "body", "language", "author_name", "author_role", "site",
		"contact_email", "contact_phone", "consent_publish", "pseudonym", "attachments",
		"consent_photos", "receipt", "translation_message", "message", "confirm",
		// The desk's submission page: the decision, then the other forms.
		"desk_decision_message", "desk_message", "desk_text", "desk_title", "desk_body",
	}
}

// staffInputless are the fields a staff page's error may name that have no
// input of their own to link to.
var staffInputless = map[string]bool{"form": true, "request": true, "decision": true, "user_id": true, "disabled": true}

// FieldID is the id the error summary links to: the input itself, or for a
// radio group its first option, which is where focus should land. Staff
// pages use the field's name as the id, their checkbox group aside.
func (p *Page) FieldID(field string) string {
	if p.Viewer != nil {
		if field == "status" {
			return "status-approved"
		}
		return field
	}
	switch field {
	case "kind":
		return "kind-story"
	case "language":
		return "language-en"
	case "author_role":
		return "author_role-client"
	case "consent_publish":
		return "consent_publish-name"
	case "translation_message":
		// The status page has a box per translation, named by its language.
		return "translation_message-" + p.Values["translation_language"]
	}
	return field
}

// DescribedBy is the aria-describedby value for field: its hint (when the
// template has one) and its error, or "" when there is neither.
func (p *Page) DescribedBy(field string, hint bool) string {
	var ids []string
	if hint {
		ids = append(ids, "hint-"+field)
	}
	if p.Invalid(field) {
		ids = append(ids, "err-"+field)
	}
	return strings.Join(ids, " ")
}

// Val returns the submitted value of field, to re-fill the form.
func (p *Page) Val(field string) string { return p.Values[field] }

// Checked reports whether a radio or checkbox option was chosen. The
// language of the piece defaults to the page language, which is the likely
// answer and saves a tap on a phone.
func (p *Page) Checked(field, value string) bool {
	v, ok := p.Values[field]
	if !ok && field == "language" {
		v = p.Lang
	}
	return v == value
}

// Option is one radio button of a group, ready for the template.
type Option struct {
	ID, Name, Value string
	Label, Hint     string // Hint is "" when the option needs none
	Checked         bool
	Invalid         bool
}

// Options builds a radio group for field. Labels come from the messages
// "opt.FIELD.VALUE" and optional hints from "opt.FIELD.VALUE.hint".
func (p *Page) Options(field string, values ...string) []Option {
	out := make([]Option, 0, len(values))
	for _, v := range values {
		key := "opt." + field + "." + v
		o := Option{
			ID: field + "-" + v, Name: field, Value: v,
			Label: p.T(key), Checked: p.Checked(field, v), Invalid: p.Invalid(field),
		}
		if p.has(key + ".hint") {
			o.Hint = p.T(key + ".hint")
		}
		out = append(out, o)
	}
	return out
}
