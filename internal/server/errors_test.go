package server

import (
	"net/http"
	"testing"

	"github.com/storydesk/storydesk/internal/intake"
)

func TestValidationStatus(t *testing.T) {
	for _, tt := range []struct {
		codes map[string]string
		want  int
	}{
		{map[string]string{"title": intake.CodeRequired}, http.StatusBadRequest},
		{map[string]string{"attachments": intake.CodeFileTooLarge}, http.StatusRequestEntityTooLarge},
		{map[string]string{"attachments": intake.CodeFileType, "title": intake.CodeRequired}, http.StatusUnsupportedMediaType},
	} {
		ve := &intake.ValidationError{Fields: tt.codes}
		if got := classify(ve).status; got != tt.want {
			t.Errorf("%v: %d, want %d", tt.codes, got, tt.want)
		}
	}
}
