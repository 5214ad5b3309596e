package finding

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// courtWindow is how close, in characters, a date must be to a court word to
// count as a hearing date: about a sentence. Dates elsewhere in a story are
// left alone; only appointments with the system point to where and when a
// person can be found.
const courtWindow = 60

// courtWordMax is the longest court word in bytes ("master calendar"), so a
// word just inside the window is searched in full.
const courtWordMax = 16

const (
	monthEN = `(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)`
	monthES = `(?i:enero|febrero|marzo|abril|mayo|junio|julio|agosto|sep?tiembre|octubre|noviembre|diciembre)`
)

var (
	// English month names must be capitalized: "may 3" is a verb and a count.
	// Order matters: "March 20, 2027" must win over "March 20".
	reDateWords = regexp.MustCompile(`(` +
		monthEN + `\.?\s+\d{1,2}(?:st|nd|rd|th)?(?:,?\s+\d{4})?` +
		`|\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?` + monthEN + `\.?(?:,?\s+\d{4})?` +
		`|` + monthEN + `\.?,?\s+\d{4}` +
		`|\d{1,2}\s+de\s+` + monthES + `(?:\s+(?:de|del)\s+\d{4})?` +
		`|` + monthES + `\s+(?:de|del)\s+\d{4}` +
		`)` + endOfWord)

	// Numeric dates: 3/14/2027, 14/3/27, 2027-03-14, 03-14-2027, 14.03.2027.
	reDateNumeric = regexp.MustCompile(`(\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})|\d{4}-\d{1,2}-\d{1,2})` + endOfWord)

	// Words that tie a date to an appointment with the immigration system.
	// ICE and EOIR are matched in capitals only: "ice" is frozen water.
	reCourtWord = regexp.MustCompile(`((?i:hearings?|courts?|courthouse|courtroom|judges?|check[- ]?ins?|audiencias?|cortes?|citas?|citaci[óo]n|tribunal(?:es)?|juez(?:a|as|es)?|master calendar)|ICE|EOIR)` + endOfWord)
)

// hearingDates returns the dates that have a court word nearby. Court words
// are only looked for around dates, which stories have few of.
func hearingDates(text string, dates []span) []span {
	if len(dates) == 0 {
		return nil
	}
	slices.SortFunc(dates, func(a, b span) int { return a.lo - b.lo })
	const reach = courtWindow*utf8.UTFMax + courtWordMax
	var words []span
	for _, w := range around(text, dates, reach, reach) {
		scanSimple(reCourtWord, "", text, w, nil, func(_ string, start, end int) {
			words = append(words, span{start, end})
		})
	}
	var out []span
	for _, d := range dates {
		if nearAny(text, d, words) {
			out = append(out, d)
		}
	}
	return out
}

// plausibleNumericDate rejects numbers shaped like dates that cannot be one.
// Day-first and month-first are both in use (Spanish and English stories),
// so d/m/y is accepted if either reading works.
func plausibleNumericDate(s string) bool {
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == '/' || r == '.' || r == '-' })
	if len(parts) != 3 {
		return false
	}
	n := make([]int, 3)
	for i, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil {
			return false
		}
		n[i] = v
	}
	if len(parts[0]) == 4 { // year-month-day
		return n[1] >= 1 && n[1] <= 12 && n[2] >= 1 && n[2] <= 31
	}
	a, b := n[0], n[1]
	if a < 1 || b < 1 || a > 31 || b > 31 {
		return false
	}
	return a <= 12 || b <= 12
}

// nearAny reports whether some court word lies within courtWindow characters
// of the date d, before or after it.
func nearAny(text string, d span, words []span) bool {
	for _, w := range words {
		var gap string
		switch {
		case w.hi <= d.lo:
			gap = text[w.hi:d.lo]
		case w.lo >= d.hi:
			gap = text[d.hi:w.lo]
		}
		// Count characters, not bytes, so accents do not shrink the window;
		// no rune is longer than utf8.UTFMax bytes, which bounds the count.
		if len(gap) <= courtWindow || (len(gap) <= courtWindow*utf8.UTFMax && utf8.RuneCountInString(gap) <= courtWindow) {
			return true
		}
	}
	return false
}
