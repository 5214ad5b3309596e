package server

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/storydesk/storydesk/internal/finding"
)

func TestMarkFindings(t *testing.T) {
	text := "Call 512-555-0100 ñ <b>"
	tests := []struct {
		name  string
		found []finding.Finding
		want  []segment
	}{
		{"none", nil, []segment{{Text: text}}},
		{"one", []finding.Finding{{Kind: "phone", Start: 5, End: 17}},
			[]segment{{Text: "Call "}, {Text: "512-555-0100", Kind: "phone"}, {Text: " ñ <b>"}}},
		{"unknown kind", []finding.Finding{{Kind: "weird", Start: 0, End: 4}},
			[]segment{{Text: "Call", Kind: "other"}, {Text: " 512-555-0100 ñ <b>"}}},
		{"stale offsets are not marked", []finding.Finding{
			{Kind: "phone", Start: 5, End: 500}, // past the end
			{Kind: "phone", Start: 19, End: 20}, // cuts ñ in two
			{Kind: "phone", Start: 4, End: 2},   // backwards
			{Kind: "email", Start: -1, End: 3},  // negative
		}, []segment{{Text: text}}},
		{"overlap keeps the first", []finding.Finding{{Kind: "phone", Start: 5, End: 17}, {Kind: "ssn", Start: 9, End: 12}},
			[]segment{{Text: "Call "}, {Text: "512-555-0100", Kind: "phone"}, {Text: " ñ <b>"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			segs, list := markFindings(text, tc.found)
			if diff := cmp.Diff(tc.want, segs); diff != "" {
				t.Errorf("segments (-want +got):\n%s", diff)
			}
			if len(list) != len(tc.found) {
				t.Errorf("%d listed, want %d", len(list), len(tc.found))
			}
			var b strings.Builder
			for _, s := range segs {
				b.WriteString(s.Text)
			}
			if b.String() != text {
				t.Errorf("segments rebuild %q", b.String())
			}
		})
	}
}

func TestDiffText(t *testing.T) {
	a := "We came in 2015.\nMy A-number is A123.\n"
	b := "We came in 2016.\nMy <script>x</script> is gone.\n"
	for _, mode := range []string{"sentence", "word", "line"} {
		t.Run(mode, func(t *testing.T) {
			cs := diffText(a, b, mode)
			var oldText, newText strings.Builder
			ins := false
			for _, c := range cs {
				if c.Op != "ins" {
					oldText.WriteString(c.Text)
				}
				if c.Op != "del" {
					newText.WriteString(c.Text)
				}
				ins = ins || (c.Op == "ins" && strings.Contains(c.Text, "<script>"))
			}
			if oldText.String() != a || newText.String() != b || !ins {
				t.Errorf("diff %+v does not rebuild both texts", cs)
			}
		})
	}
	if got := diffText("same text", "same text", "word"); len(got) != 1 || got[0].Op != "eq" {
		t.Errorf("no change: %+v", got)
	}
	got := splitSentences("Sí. (Vino a las 3.30.) ¿Y tú? «Bien.» Fin\nOtra línea.  Última")
	want := []string{"Sí. ", "(Vino a las 3.30.) ", "¿Y tú? ", "«Bien.» ", "Fin\n", "Otra línea.  ", "Última"}
	if !cmp.Equal(got, want) {
		t.Errorf("splitSentences = %q, want %q", got, want)
	}
	if got := splitWords("a  b\nc"); !cmp.Equal(got, []string{"a", "  ", "b", "\n", "c"}) {
		t.Errorf("splitWords = %q", got)
	}
}

// TestTimelineDetailsAreWords: the English details the stores record are
// shown through messages, so a Spanish page does not quote them.
func TestTimelineDetailsAreWords(t *testing.T) {
	for _, c := range []struct {
		action, detail, key, arg, shown string
	}{
		{"status", "consent withdrawn", "desk.history.detail.consent_withdrawn", "", "consent withdrawn"},
		{"findings_rechecked", "revision 3", "desk.history.detail.revision", "3", "revision 3"},
		{"edited", "revision from the submitter", "desk.history.detail.revision_from_the_submitter", "", "revision from the submitter"},
		{"published", "/stories/our-street", "", "", "/stories/our-street"},
		{"retention_contact_dropped", "contact details removed", "", "", ""},
	} {
		e := newTimelineEntry(time.Now(), "system", c.action, "", "", c.detail)
		if e.DetailKey != c.key || e.DetailArg != c.arg || e.Detail != c.shown {
			t.Errorf("%s %q: key %q arg %q detail %q, want %q %q %q", c.action, c.detail, e.DetailKey, e.DetailArg, e.Detail, c.key, c.arg, c.shown)
		}
	}
}
