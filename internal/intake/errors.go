package intake

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/storydesk/storydesk/internal/media"
	"github.com/storydesk/storydesk/internal/sanitize"
)

// ErrUnavailable means a service StoryDesk needs to store a submission
// (S3 or the database) did not answer; nothing was kept and the submitter
// may try again.
var ErrUnavailable = errors.New("intake: storage temporarily unavailable")

// Error codes for fields. The HTML form localises them; the API turns them
// into English sentences.
const (
	CodeRequired          = "required"
	CodeTooLong           = "too_long"
	CodeTooComplex        = "too_complex"
	CodeInvalidChoice     = "invalid_choice"
	CodeInvalidText       = "invalid_text"
	CodeInvalidEmail      = "invalid_email"
	CodeInvalidPhone      = "invalid_phone"
	CodePseudonymRequired = "pseudonym_required"
	CodeFileType          = "file_type"
	CodeFileTooLarge      = "file_too_large"
	CodeTooManyFiles      = "too_many_files"
	CodeTooManyPixels     = "too_many_pixels"
	CodeRequestTooLarge   = "request_too_large"
	CodeUnknownField      = "unknown_field"
	CodeMalformed         = "malformed"
)

var codeText = map[string]string{
	CodeRequired:          "is required",
	CodeTooLong:           "is too long",
	CodeTooComplex:        "is too complex to display",
	CodeInvalidChoice:     "is not one of the allowed values",
	CodeInvalidText:       "contains invalid characters (invalid UTF-8 or a NUL byte)",
	CodeInvalidEmail:      "is not a valid e-mail address",
	CodeInvalidPhone:      "is not a valid phone number",
	CodePseudonymRequired: "is required when consent_publish is pseudonym",
	CodeFileType:          "file type is not allowed (JPEG, PNG, WebP, PDF or DOCX only)",
	CodeFileTooLarge:      "file is too large",
	CodeTooManyFiles:      "has too many files",
	CodeTooManyPixels:     "image is too large to process",
	CodeRequestTooLarge:   "request is too large",
	CodeUnknownField:      "is not a known field",
	CodeMalformed:         "is malformed",
}

// ValidationError lists what is wrong with a submission, field by field.
type ValidationError struct {
	Fields map[string]string // field -> code
	Detail map[string]string // field -> extra detail for the API message (optional)
	Err    error             // the underlying read error, if any (e.g. the body size cap)
}

// Unwrap exposes the read error, so the server can tell a body that hit its
// size cap from a malformed one.
func (e *ValidationError) Unwrap() error { return e.Err }

func (e *ValidationError) add(field, code string) {
	if e.Fields == nil {
		e.Fields = map[string]string{}
	}
	if _, ok := e.Fields[field]; !ok {
		e.Fields[field] = code
	}
}

func (e *ValidationError) detail(field, d string) {
	if e.Detail == nil {
		e.Detail = map[string]string{}
	}
	e.Detail[field] = d
}

func (e *ValidationError) empty() bool { return len(e.Fields) == 0 }

// Messages returns an English sentence per field, for the JSON API.
func (e *ValidationError) Messages() map[string]string {
	out := make(map[string]string, len(e.Fields))
	for f, c := range e.Fields {
		msg, ok := codeText[c]
		if !ok {
			msg = "is invalid"
		}
		if d := e.Detail[f]; d != "" {
			msg += ": " + d
		}
		out[f] = msg
	}
	return out
}

// Error names every field, so logs and API messages say what was wrong.
func (e *ValidationError) Error() string {
	names := make([]string, 0, len(e.Fields))
	for f := range e.Fields {
		names = append(names, f)
	}
	sort.Strings(names)
	msgs := e.Messages()
	parts := make([]string, len(names))
	for i, f := range names {
		parts[i] = f + " " + msgs[f]
	}
	return "invalid submission: " + strings.Join(parts, "; ")
}

// Kind says what is most wrong with a submission, for the server to pick a
// status from.
type Kind int

// Kinds of validation error, from the least to the most specific.
const (
	// KindInvalid: a field's value is not accepted.
	KindInvalid Kind = iota
	// KindTooLarge: a file, an image or the request is too large.
	KindTooLarge
	// KindFileType: an attachment's type is refused.
	KindFileType
)

// Kind picks the most specific kind: a refused file type, then anything too
// large, else an invalid value.
func (e *ValidationError) Kind() Kind {
	kind := KindInvalid
	for _, c := range e.Fields {
		switch c {
		case CodeFileType:
			return KindFileType
		case CodeFileTooLarge, CodeRequestTooLarge, CodeTooManyPixels:
			kind = KindTooLarge
		}
	}
	return kind
}

func fieldError(field, code string) *ValidationError {
	e := &ValidationError{}
	e.add(field, code)
	return e
}

// bodyError turns a body the sanitizer refused as too complex into a field
// error naming the limit it passed; any other error is returned as it is.
func bodyError(err error) error {
	var le *sanitize.LimitError
	if !errors.As(err, &le) {
		return err
	}
	e := fieldError("body", CodeTooComplex)
	e.detail("body", le.Limit)
	return e
}

func wrapUnavailable(what string, err error) error {
	return fmt.Errorf("%w: %s: %w", ErrUnavailable, what, err)
}

// cleanError answers a failed cleaning, naming the attachment: 413 for a
// file too large to decode (by pixels or by the memory it needs), 503 when
// the request ended while waiting for that memory, 415 with the reason for
// anything refused by its content.
func cleanError(name string, err error) error {
	switch {
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		return wrapUnavailable("wait for decoding memory", err)
	case errors.Is(err, media.ErrTooManyPixels):
		e := fieldError("attachments", CodeTooManyPixels)
		e.detail("attachments", name+": the image has too many pixels")
		return e
	case errors.Is(err, media.ErrTooMuchMemory):
		e := fieldError("attachments", CodeTooManyPixels)
		e.detail("attachments", name+": "+strings.TrimPrefix(err.Error(), "media: "))
		return e
	}
	e := fieldError("attachments", CodeFileType)
	if reason, ok := media.Reason(err); ok {
		e.detail("attachments", name+": "+reason)
	} else {
		e.detail("attachments", name)
	}
	return e
}
