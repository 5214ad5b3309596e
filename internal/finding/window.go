package finding

import "unicode/utf8"

// digitRuns returns the runs of ASCII digits in text, in order. Only ASCII
// digits matter because \d in the patterns is ASCII.
func digitRuns(text string) []span {
	var runs []span
	for i := 0; i < len(text); i++ {
		if !isASCIIDigit(text[i]) {
			continue
		}
		j := i + 1
		for j < len(text) && isASCIIDigit(text[j]) {
			j++
		}
		runs = append(runs, span{i, j})
		i = j
	}
	return runs
}

func isASCIIDigit(b byte) bool { return b >= '0' && b <= '9' }

// around widens each span (sorted by lo) by before and after bytes,
// keeps the result on rune boundaries inside text, and merges spans that
// touch, so each stretch of text is searched once. A match cut off at a
// window's edge is still judged against the whole text by standsAlone.
func around(text string, spans []span, before, after int) []span {
	var out []span
	for _, s := range spans {
		lo, hi := max(s.lo-before, 0), min(s.hi+after, len(text))
		for lo > 0 && !utf8.RuneStart(text[lo]) {
			lo--
		}
		for hi < len(text) && !utf8.RuneStart(text[hi]) {
			hi++
		}
		if n := len(out); n > 0 && lo <= out[n-1].hi {
			out[n-1].hi = max(out[n-1].hi, hi)
			continue
		}
		out = append(out, span{lo, hi})
	}
	return out
}
