package server

import (
	"encoding/json"
	"slices"
	"unicode/utf8"

	"github.com/storydesk/storydesk/internal/finding"
	"github.com/storydesk/storydesk/internal/store"
)

// segment is a piece of the plain-text view: plain text, or a finding
// (Kind set) that the template wraps in <mark> with its label. The template
// escapes every segment, so submitter text is never trusted as markup.
type segment struct {
	Text string
	Kind string // "" for plain text; a finding kind otherwise
}

// findingKinds are the kinds the page has labels for; any other kind is
// shown as "other".
var findingKinds = []string{
	finding.KindCaseNumber, finding.KindANumber, finding.KindSSN, finding.KindEmail,
	finding.KindPhone, finding.KindHearingDate, finding.KindAddress,
}

// reviewFindings returns the findings that point into text, the plain text
// of the current body. The review job's stored findings are used while the
// text is still the one it reviewed; once an editor or the submitter has
// revised it, the offsets would point at the wrong words, so the same scan
// the job runs is run again on the current text (rechecked = true).
func reviewFindings(s store.Submission, revs []store.Revision, text string) (found []finding.Finding, rechecked bool) {
	if s.ReviewedAt.IsZero() {
		return nil, false
	}
	revisedAfter := len(revs) > 0 && revs[len(revs)-1].CreatedAt.After(s.ReviewedAt)
	if !revisedAfter && len(s.Findings) > 0 {
		if err := json.Unmarshal(s.Findings, &found); err == nil {
			return found, false
		}
	}
	return finding.Scan(text), true
}

// markFindings splits text into segments around the findings. Findings
// that are out of range, overlap an earlier one or cut a character in two
// are left out of the marks (they still appear in the list), so a stale or
// damaged findings column can never garble or break the page.
func markFindings(text string, found []finding.Finding) ([]segment, []findingView) {
	sorted := slices.Clone(found)
	slices.SortStableFunc(sorted, func(a, b finding.Finding) int { return a.Start - b.Start })
	var (
		segs []segment
		list []findingView
		pos  int
	)
	for _, f := range sorted {
		kind := f.Kind
		if !slices.Contains(findingKinds, kind) {
			kind = "other"
		}
		if f.Start < pos || f.End <= f.Start || f.End > len(text) ||
			!boundary(text, f.Start) || !boundary(text, f.End) {
			list = append(list, findingView{Kind: kind, Label: finding.Label(f.Kind)})
			continue
		}
		if f.Start > pos {
			segs = append(segs, segment{Text: text[pos:f.Start]})
		}
		segs = append(segs, segment{Text: text[f.Start:f.End], Kind: kind})
		list = append(list, findingView{Kind: kind, Label: finding.Label(f.Kind), Text: text[f.Start:f.End]})
		pos = f.End
	}
	if pos < len(text) {
		segs = append(segs, segment{Text: text[pos:]})
	}
	return segs, list
}

// boundary reports whether i is the start of a character (or the end) of s.
func boundary(s string, i int) bool {
	return i == len(s) || utf8.RuneStart(s[i])
}
