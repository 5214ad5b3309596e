package sanitize

import (
	"errors"
	"html"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// ErrInvalidUTF8 reports a field that is not valid UTF-8.
var ErrInvalidUTF8 = errors.New("sanitize: text is not valid UTF-8")

// ErrNUL reports a field that contains a NUL byte.
var ErrNUL = errors.New("sanitize: text contains a NUL byte")

// CheckText refuses text that no honest form submission contains, so that
// callers can answer 400 naming the field instead of silently altering it.
func CheckText(s string) error {
	if !utf8.ValidString(s) {
		return ErrInvalidUTF8
	}
	if strings.IndexByte(s, 0) >= 0 {
		return ErrNUL
	}
	return nil
}

// NormalizeNewlines turns every line break in a body into "\n": browsers
// submit a textarea with "\r\n" (the HTML spec says so) and old Mac text
// uses a lone "\r". Bodies are stored and compared as source, so without
// this one edit in a browser would make every line differ from the same
// text sent through the API, and "nothing changed" would never hold.
func NormalizeNewlines(s string) string {
	if strings.IndexByte(s, '\r') < 0 {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

// Line returns a short field (title, name, site, pseudonym) as plain text:
// no markup, no control or invisible formatting characters, whitespace
// collapsed to single spaces, trimmed and NFC-normalised. The result is not
// HTML-escaped; templates escape it when they print it.
func (s *Sanitizer) Line(in string) string {
	// Normalise and drop invisible characters first: NFC can turn U+212A
	// KELVIN SIGN into "K", and removing a control between "<" and a letter
	// would join them, either of which could form a tag after the policy ran.
	t := stripInvisible(norm.NFC.String(strings.ToValidUTF8(in, "")))
	t = html.UnescapeString(s.strict.Sanitize(t))
	// Unescaping can bring back characters the first pass removed
	// (&#x202E;, &#1;) or a combining mark that needs composing.
	t = collapseSpace(norm.NFC.String(stripInvisible(t)))
	// "&lt;b&gt;" was text, not a tag, but unescaping makes it look like one.
	return dropTagOpeners(t)
}

// stripInvisible turns every kind of whitespace into a plain space and drops
// control characters and Unicode format characters (category Cf), which
// include the bidi controls U+202A–U+202E, U+2066–U+2069, U+200E, U+200F,
// U+061C, the zero-width characters U+200B–U+200D, U+2060 and U+FEFF, and the
// soft hyphen. They are invisible in a browser and are used to disguise text,
// such as a name that reads differently from what it contains.
func stripInvisible(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case unicode.IsSpace(r):
			return ' '
		case unicode.IsControl(r), unicode.Is(unicode.Cf, r):
			return -1
		}
		return r
	}, s)
}

// collapseSpace replaces runs of spaces with one space and trims the ends.
// It expects stripInvisible to have turned all whitespace into ' '.
func collapseSpace(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// dropTagOpeners removes each '<' that an HTML tokenizer would read as the
// start of a tag, comment or declaration, so the result is text in any
// context. It scans from the end so that removing one '<' can never make
// the '<' before it start a tag ("<<a" becomes "a", not "<a").
func dropTagOpeners(s string) string {
	if !strings.Contains(s, "<") {
		return s
	}
	b := []byte(s)
	out := make([]byte, len(b))
	n := len(out)
	var next byte // first byte of what has been kept so far; 0 at the end
	for i := len(b) - 1; i >= 0; i-- {
		c := b[i]
		if c == '<' && opensTag(next) {
			continue
		}
		n--
		out[n] = c
		next = c
	}
	return string(out[n:])
}

// opensTag reports whether '<' followed by c starts markup for an HTML
// tokenizer (https://html.spec.whatwg.org/#tag-open-state).
func opensTag(c byte) bool {
	return c == '/' || c == '!' || c == '?' || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
}
