package server

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// TestShortError: a long error is cut at 300 bytes, never inside a
// character, and a short one is left alone.
func TestShortError(t *testing.T) {
	if got := shortError("store: no row"); got != "store: no row" {
		t.Errorf("short error changed: %q", got)
	}
	for _, s := range []string{strings.Repeat("a", 400), strings.Repeat("a", 299) + strings.Repeat("é", 50), strings.Repeat("ü", 200)} {
		got := shortError(s)
		if !utf8.ValidString(got) || !strings.HasSuffix(got, "…") || len(got) > 300+len("…") || !strings.HasPrefix(s, strings.TrimSuffix(got, "…")) {
			t.Errorf("shortError(%d bytes) = %q", len(s), got)
		}
	}
}
