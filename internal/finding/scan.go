package finding

import (
	"regexp"
	"strings"
)

// pattern is one regexp and what a match of it means.
type pattern struct {
	re   *regexp.Regexp
	kind string
	// valid, if set, vets the matched text beyond what a regexp can say.
	valid func(s string) bool
	// before and after are how far, in bytes, a match can reach before a
	// run of digits and after one. Two runs in one match must be no further
	// apart than before+after, so that the windows searched around them join.
	before, after int
}

// numberPatterns lists the patterns that need a digit to match: all but
// email. Rebuilt per scan rather than kept in a mutable package variable;
// it is a dozen small structs.
func numberPatterns() []pattern {
	return []pattern{
		{reCaseNumber, KindCaseNumber, nil, 4, 2},
		{reANumber, KindANumber, nil, 4, 2},
		// "número de registro de extranjero es A-"
		{reANumberPhrase, KindANumber, nil, 56, 2},
		{reSSN, KindSSN, validSSN, 2, 2},
		// "número de seguro social: "
		{reSSNPhrase, KindSSN, validSSN, 40, 2},
		{rePhoneUS, KindPhone, validPhoneUS, 8, 2},
		{rePhoneMX, KindPhone, validPhoneMX, 8, 2},
		// "September 3" before, "3 de septiembre del 2027" after.
		{reDateWords, KindHearingDate, nil, 16, 24},
		{reDateNumeric, KindHearingDate, plausibleNumericDate, 2, 2},
		// "1500 North Lamar Blvd, Apt 4B": the street and unit follow.
		{reStreetEN, KindAddress, nil, 2, 104},
		// "Avenida Insurgentes Sur #1602 Int. 4": the street precedes.
		{reStreetES, KindAddress, nil, 72, 24},
		{reUnit, KindAddress, nil, 24, 2},
	}
}

// Scan returns the identifying details in text, sorted by Start. Overlapping
// matches are merged into one finding spanning all of them, named after the
// most specific kind, so redacting every finding removes every match.
func Scan(text string) []Finding {
	var found []Finding
	var dates []span
	add := func(kind string, start, end int) {
		if kind == KindHearingDate {
			// A date is only a hearing date next to a court word; that is
			// decided once all dates are known.
			dates = append(dates, span{start, end})
			return
		}
		found = append(found, Finding{Kind: kind, Start: start, End: end})
	}
	// Each pattern runs only near digits, not over the whole story: most
	// of a story is prose, and the regexps cost time per byte searched.
	runs := digitRuns(text)
	for _, p := range numberPatterns() {
		for _, w := range around(text, runs, p.before, p.after) {
			scanSimple(p.re, p.kind, text, w, p.valid, add)
		}
	}
	for _, d := range hearingDates(text, dates) {
		found = append(found, Finding{Kind: KindHearingDate, Start: d.lo, End: d.hi})
	}
	if strings.IndexByte(text, '@') >= 0 {
		// The local part is greedy from the leftmost byte, so no boundary
		// check is needed: a match cannot start inside a longer address.
		eachMatch(reEmail, text, span{0, len(text)}, func(m []int) bool {
			add(KindEmail, m[2], m[3])
			return true
		})
	}
	return merge(found)
}
