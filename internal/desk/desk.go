package desk

import (
	"log/slog"
	"strings"
	"unicode/utf8"

	"github.com/storydesk/storydesk/internal/sanitize"
	"github.com/storydesk/storydesk/internal/store"
	"github.com/storydesk/storydesk/internal/task"
)

// Service applies the desk's rules; handlers call it with a parsed request
// and the signed-in editor.
type Service struct {
	store    *store.Store
	san      *sanitize.Sanitizer
	dispatch *task.Dispatcher
	log      *slog.Logger
}

// New returns the desk service.
func New(st *store.Store, san *sanitize.Sanitizer, dispatch *task.Dispatcher, log *slog.Logger) *Service {
	return &Service{store: st, san: san, dispatch: dispatch, log: log}
}

// CheckText validates a required free-text field of an editor (a note, a
// message) and returns it trimmed.
func CheckText(field, v string, maxRunes int) (string, error) {
	if sanitize.CheckText(v) != nil {
		return "", Invalid(field, "invalid_text")
	}
	v = strings.TrimSpace(v)
	if v == "" {
		return "", Invalid(field, "required")
	}
	if utf8.RuneCountInString(v) > maxRunes {
		return "", Invalid(field, "too_long")
	}
	return v, nil
}
