package sanitize

import "testing"

func TestNormalizeNewlines(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"unix stays as it is", "a\nb\n\nc\n", "a\nb\n\nc\n"},
		{"windows", "a\r\nb\r\n\r\nc\r\n", "a\nb\n\nc\n"},
		{"old mac", "a\rb\r\rc", "a\nb\n\nc"},
		{"mixed", "a\r\nb\rc\nd", "a\nb\nc\nd"},
		{"CR CR LF is two breaks", "a\r\r\nb", "a\n\nb"},
		{"LF CR is two breaks", "a\n\rb", "a\n\nb"},
		{"other text untouched", "¿qué?\tñ \u2028x", "¿qué?\tñ \u2028x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := NormalizeNewlines(tt.in)
			if got != tt.want {
				t.Errorf("NormalizeNewlines(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if again := NormalizeNewlines(got); again != got {
				t.Errorf("not idempotent: %q became %q", got, again)
			}
		})
	}
}

// A body typed in a browser textarea must render exactly as the same text
// sent with Unix line breaks, so editors see no phantom change.
func TestNormalizedBodyRendersLikeUnix(t *testing.T) {
	s := New()
	unix, err := s.Body("First line\nsecond line\n\nNew paragraph")
	if err != nil {
		t.Fatal(err)
	}
	windows, err := s.Body(NormalizeNewlines("First line\r\nsecond line\r\n\r\nNew paragraph"))
	if err != nil {
		t.Fatal(err)
	}
	if windows != unix {
		t.Errorf("CRLF body renders as %q, LF body as %q", windows, unix)
	}
}
