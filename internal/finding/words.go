package finding

import (
	"unicode"
	"unicode/utf8"
)

// wordsPerMinute is a typical adult silent-reading speed, used to tell
// editors how long a story takes to read.
const wordsPerMinute = 200

// WordCount counts the words in text: runs of letters (any script, with
// their combining accents) and digits. An apostrophe or hyphen between two
// such runs, and a comma or dot between digits, joins them, so "don't",
// "check-in", "1,200" and "ñandú" are one word each.
func WordCount(text string) int {
	count := 0
	inWord := false
	var prev rune
	for i := 0; i < len(text); {
		// Decode by hand: ranging over text would not give the width of an
		// invalid byte, which we need to find the next rune.
		r, size := utf8.DecodeRuneInString(text[i:])
		i += size
		if isWordRune(r) {
			if !inWord {
				count++
				inWord = true
			}
			prev = r
			continue
		}
		if inWord && joins(prev, r, text[i:]) {
			continue
		}
		inWord = false
	}
	return count
}

// joins reports whether punctuation r, between prev and the start of rest,
// is inside a word rather than between two.
func joins(prev, r rune, rest string) bool {
	next, _ := utf8.DecodeRuneInString(rest)
	switch r {
	case '\'', '’', '-', '‐', '‑':
		return isWordRune(next)
	case ',', '.':
		return unicode.IsDigit(prev) && unicode.IsDigit(next)
	}
	return false
}

// ReadingMinutes is the time to read words at 200 words a minute, rounded up:
// any non-empty story takes at least a minute, an empty one none.
func ReadingMinutes(words int) int {
	if words <= 0 {
		return 0
	}
	return (words + wordsPerMinute - 1) / wordsPerMinute
}
