package sanitize

import "testing"

func TestExcerpt(t *testing.T) {
	for _, c := range []struct {
		name, src string
		limit     int
		cut       bool
		want      string
	}{
		{"emphasis and links", "We came in **2015** and [built](https://example.org) a _life_.", 200, false, "We came in 2015 and built a life."},
		{"heading, list, paragraphs", "## Our street\n\n- first\n- second\n\nEnd.", 200, false, "Our street first second End."},
		{"raw html dropped", "Hello <b>there</b> friend", 200, false, "Hello there friend"},
		{"trimmed at a word", "one two three four five", 12, false, "one two…"},
		{"source cut mid-word", "We came in 2015 and bui", 200, true, "We came in 2015 and…"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := Excerpt(c.src, c.limit, c.cut); got != c.want {
				t.Errorf("Excerpt(%q) = %q, want %q", c.src, got, c.want)
			}
		})
	}
}
