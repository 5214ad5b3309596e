// Package desk holds the editors' rules, free of HTTP: which decision moves
// a piece from which status to which, what an editor's edit must be, and
// when a piece may be published. The server parses a request, calls the
// Service and renders its answer; its error classifier turns FieldError
// into a 400 and ConflictError into a 409.
package desk

import (
	"fmt"
	"strings"
	"time"

	"github.com/storydesk/storydesk/internal/store"
)

// Problems a desk field can have: the code is the page's message key
// (err.CODE), the text is the API's message.
var problems = map[string]string{
	"required":         "is required",
	"too_long":         "is too long",
	"too_complex":      "is too complex to display: it has too many table cells, repeats long links too often or would make too much HTML for its length",
	"invalid_text":     "contains characters that are not accepted (invalid UTF-8 or NUL)",
	"message_required": "is required when requesting changes: tell the submitter what to change",
	"invalid_language": "must be en or es",
	"negative":         "must be a whole number, zero or more",
	"invalid_email":    "must be an e-mail address",
	"invalid_takes":    "must list only story, oped and letter",
	"invalid_status":   "must be pitched, accepted, declined, no_response, published or withdrawn",
	"invalid_url":      "must be an http or https address",
	"url_required":     "is required when the status is published: where the piece ran, as an http or https address",
	"invalid_date":     "must be a date as YYYY-MM-DD",
	"unknown_outlet":   "is not an outlet",
	"reason_required":  "is required when an editor approves a translation in the author's stead",
}

// FieldError is an editor's field the desk refuses, with the code of the
// problem (see Problem).
type FieldError struct {
	Field, Code string
}

// Invalid returns the FieldError of field with problem code.
func Invalid(field, code string) *FieldError { return &FieldError{Field: field, Code: code} }

// Problem is the English sentence for a problem code, for the JSON API.
func (e *FieldError) Problem() string {
	if e.Code == "invalid_choice" {
		return "must be " + choices()
	}
	return problems[e.Code]
}

// choices lists the decisions' names as a sentence ("a, b or c"), so that
// a rule added to Rules is named in the refusal too.
func choices() string {
	names := make([]string, len(Rules))
	for i, r := range Rules {
		names[i] = r.Name
	}
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// Error names the field and its problem, as the API says it.
func (e *FieldError) Error() string { return e.Field + " " + e.Problem() }

// ConflictError is a move the piece's status does not allow; its message is
// what the client sees, and errors.Is(err, store.ErrConflict) holds.
type ConflictError struct {
	Msg string
	// Field and Problem, when set, name the field to change for the move
	// to be allowed (a text over an outlet's word limit names its body).
	Field, Problem string
	// Code names the refusal for the pages (their message key), which
	// word it in the reader's language quoting Outlet and Until; "" for a
	// conflict the pages word generically.
	Code   string
	Outlet string
	Until  time.Time
}

func conflictf(format string, args ...any) error {
	return &ConflictError{Msg: fmt.Sprintf(format, args...)}
}

// Error implements error.
func (e *ConflictError) Error() string { return e.Msg }

// Is makes errors.Is(err, store.ErrConflict) true.
func (e *ConflictError) Is(target error) bool { return target == store.ErrConflict }
