package finding

import (
	"regexp"
	"unicode"
	"unicode/utf8"
)

// addFunc records a finding of kind over text[start:end].
type addFunc func(kind string, start, end int)

// endOfWord follows a pattern's span (group 1) so that the regexp itself
// prefers a match that ends cleanly: RE2 has no lookahead, and without this
// "123 Main Stone" would match as "123 Main St" and be thrown away.
const endOfWord = `(?:[^\p{L}\p{N}_]|$)`

// span is the byte range text[lo:hi].
type span struct{ lo, hi int }

// eachMatch calls visit with the absolute submatch indices of every match of
// re in text[in.lo:in.hi]; group 1 is the span of interest. When visit
// rejects a match the search resumes one rune after its start instead of
// after its end, so a rejected match cannot hide a good one overlapping it.
func eachMatch(re *regexp.Regexp, text string, in span, visit func(m []int) bool) {
	for pos := in.lo; pos <= in.hi; {
		m := re.FindStringSubmatchIndex(text[pos:in.hi])
		if m == nil {
			return
		}
		for i := range m {
			if m[i] >= 0 {
				m[i] += pos
			}
		}
		if visit(m) && m[3] > m[2] {
			pos = m[3]
			continue
		}
		_, size := utf8.DecodeRuneInString(text[m[0]:])
		pos = m[0] + max(size, 1)
	}
}

// isWordRune reports whether r belongs to a word or number, which a match
// must not be glued to.
func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) || r == '_'
}

// isJoiner reports whether r can glue digits into one longer number, as in
// 12-345 or 3.14 or 1/2.
func isJoiner(r rune) bool {
	return r == '-' || r == '.' || r == '/'
}

// standsAlone reports whether text[start:end] is not part of a longer word
// or number: "x512-555-0134" and "1-512-555-0134-99" are not phone numbers.
func standsAlone(text string, start, end int) bool {
	if start > 0 {
		r, size := utf8.DecodeLastRuneInString(text[:start])
		if isWordRune(r) {
			return false
		}
		if isJoiner(r) && start-size > 0 {
			p, _ := utf8.DecodeLastRuneInString(text[:start-size])
			if unicode.IsDigit(p) {
				return false
			}
		}
	}
	if end < len(text) {
		r, size := utf8.DecodeRuneInString(text[end:])
		if isWordRune(r) {
			return false
		}
		if isJoiner(r) && end+size < len(text) {
			n, _ := utf8.DecodeRuneInString(text[end+size:])
			if unicode.IsDigit(n) {
				return false
			}
		}
	}
	return true
}

// digits returns the ASCII digits of s, dropping separators.
func digits(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			b = append(b, s[i])
		}
	}
	return string(b)
}

// scanSimple reports group 1 of every match of re that stands alone and that
// valid (if not nil) accepts.
func scanSimple(re *regexp.Regexp, kind, text string, in span, valid func(s string) bool, add addFunc) {
	eachMatch(re, text, in, func(m []int) bool {
		start, end := m[2], m[3]
		if !standsAlone(text, start, end) {
			return false
		}
		if valid != nil && !valid(text[start:end]) {
			return false
		}
		add(kind, start, end)
		return true
	})
}
