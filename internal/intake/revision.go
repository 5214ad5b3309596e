package intake

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/storydesk/storydesk/internal/sanitize"
	"github.com/storydesk/storydesk/internal/store"
)

// Limits of the text of a piece, the one set shared by the submission form,
// the submitter's revisions and the desk's edits and messages.
const (
	// MaxTitleRunes caps a title.
	MaxTitleRunes = 200
	// MaxBodyBytes caps a body, as read from the wire.
	MaxBodyBytes = 64 << 10
	// MaxMessageRunes caps a message between submitter and editors, and an
	// editor's note.
	MaxMessageRunes = 10_000
)

// TitleProblem returns the code of what is wrong with a trimmed or
// sanitized title (CodeRequired, CodeTooLong), or "" when it is fine.
func TitleProblem(title string) string {
	switch {
	case title == "":
		return CodeRequired
	case utf8.RuneCountInString(title) > MaxTitleRunes:
		return CodeTooLong
	}
	return ""
}

// BodyProblem returns the code of what is wrong with a body whose newlines
// are normalized (CodeRequired, CodeTooLong), or "" when it is fine.
func BodyProblem(body string) string {
	switch {
	case strings.TrimSpace(body) == "":
		return CodeRequired
	case len(body) > MaxBodyBytes:
		return CodeTooLong
	}
	return ""
}

// BuildRevision is the one way a new version of a piece becomes a revision
// record, for the submitter's and the editors' alike: title already
// sanitized as a line, body checked (BodyProblem) and rendered within its
// budget. A body too complex to display is a *ValidationError naming the
// limit it passed (CodeTooComplex on "body").
func BuildRevision(san *sanitize.Sanitizer, title, body string, author store.User) (store.Revision, error) {
	html, err := san.Body(body)
	if err != nil {
		return store.Revision{}, bodyError(fmt.Errorf("intake: sanitize revision: %w", err))
	}
	name := author.Name
	if name == "" {
		name = author.Email
	}
	return store.Revision{Title: title, Body: body, BodyHTML: html, AuthorID: author.ID, AuthorName: name}, nil
}
