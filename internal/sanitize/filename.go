package sanitize

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

const (
	// maxFilenameBytes keeps a name readable in a list and well under every
	// file system's limit when an editor saves the attachment.
	maxFilenameBytes = 120
	// maxExtBytes bounds what counts as an extension when shortening a name;
	// anything longer after the last dot is treated as part of the stem.
	maxExtBytes = 16
	// fallbackFilename stands in for a name with nothing displayable left.
	fallbackFilename = "file"
)

// Filename cleans a client-supplied file name for display only; storage keys
// are generated elsewhere and never derive from it. It keeps the last path
// element (after '/' or '\': Go's multipart parser keeps "..\..\evil.exe"
// whole), drops control and invisible formatting characters, leading dots and
// spaces, collapses whitespace, NFC-normalises, and shortens the name to 120
// bytes keeping its extension. It never returns "", "." or "..".
func Filename(name string) string {
	// Invisible characters go before the split so that a bidi override
	// cannot hide a separator; NFC comes after them because removing one
	// can put a combining mark next to the letter it belongs to.
	t := norm.NFC.String(stripInvisible(strings.ToValidUTF8(name, "")))
	if i := strings.LastIndexAny(t, `/\`); i >= 0 {
		t = t[i+1:]
	}
	t = collapseSpace(t)
	// A leading dot hides the file on Unix desktops once saved.
	t = strings.TrimLeft(t, ". ")
	t = shorten(t, maxFilenameBytes)
	if t == "" || t == "." || t == ".." {
		return fallbackFilename
	}
	return t
}

// shorten cuts name to at most limit bytes on a rune boundary, keeping a
// short extension so the saved file still opens with the right program.
func shorten(name string, limit int) string {
	if len(name) <= limit {
		return name
	}
	stem, ext := name, ""
	if i := strings.LastIndexByte(name, '.'); i > 0 && len(name)-i <= maxExtBytes {
		stem, ext = name[:i], name[i:]
	}
	stem = cutRunes(stem, limit-len(ext))
	// Cutting can leave a trailing space, which a second pass would keep
	// but which reads as a mistake before the extension.
	return strings.TrimRight(stem, " ") + ext
}

// cutRunes returns the longest prefix of s that is at most n bytes and ends
// on a rune boundary.
func cutRunes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
