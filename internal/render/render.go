// Package render turns a piece into the files a newsroom takes: Markdown,
// HTML, plain text and DOCX, each with the byline its author consented to.
// The same code serves the publish job and the staff export.
package render

import (
	"strconv"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Byline kinds, as chosen by the submitter (consent_publish).
const (
	BylineName      = "name"
	BylinePseudonym = "pseudonym"
	BylineAnonymous = "anonymous"
)

// Byline is who a piece is credited to.
type Byline struct {
	Kind string // name | pseudonym | anonymous
	Name string // the author's name or pseudonym; always "" for anonymous
}

// BylineOf applies the consent: the real name only for "name", the
// pseudonym only for "pseudonym", and nothing else in any other case, so a
// real name can never leak into a byline by a missing field or a typo.
func BylineOf(consent, authorName, pseudonym string) Byline {
	switch {
	case consent == BylineName && strings.TrimSpace(authorName) != "":
		return Byline{Kind: BylineName, Name: strings.TrimSpace(authorName)}
	case consent == BylinePseudonym && strings.TrimSpace(pseudonym) != "":
		return Byline{Kind: BylinePseudonym, Name: strings.TrimSpace(pseudonym)}
	}
	return Byline{Kind: BylineAnonymous}
}

// Text is the byline as printed, in lang (en | es).
func (b Byline) Text(lang string) string {
	if b.Kind == BylineAnonymous || b.Name == "" {
		if lang == "es" {
			return "Anónimo"
		}
		return "Anonymous"
	}
	return b.Name
}

// Piece is what the renderers need of a submission.
type Piece struct {
	ID          string
	Kind        string // story | oped
	Title       string
	BodyHTML    string // the body's sanitized HTML: every file is made from it, never from the source
	BodyText    string // sanitize.Text of BodyHTML: paragraphs separated by blank lines
	Language    string // en | es
	Byline      Byline
	Images      []Image // the photos published with the piece, in order
	PublishedAt time.Time
}

// Image is a photo that goes out with a piece.
type Image struct {
	// Path is where the photo lies beside the piece's files
	// ("attachments/photo-1.jpg" in the export, "images/photo-1.jpg" when
	// published): piece.md and piece.html link to it.
	Path string
	// Data is the photo itself, which the DOCX embeds; without it the DOCX
	// leaves the photo and its caption out.
	Data []byte
}

// ByLine is the byline with its "By"/"Por" prefix, in the piece's language.
func (p Piece) ByLine() string {
	if p.Language == "es" {
		return "Por " + p.Byline.Text("es")
	}
	return "By " + p.Byline.Text("en")
}

// Credit is the credit line for a published photo.
func (p Piece) Credit(i int) string {
	if p.Language == "es" {
		return "Foto " + strconv.Itoa(i+1) + ": cortesía de " + p.Byline.Text("es")
	}
	return "Photo " + strconv.Itoa(i+1) + ": courtesy of " + p.Byline.Text("en")
}

// Paragraphs splits BodyText into paragraphs, each on one line.
func (p Piece) Paragraphs() []string {
	var out []string
	for _, para := range strings.Split(strings.ReplaceAll(p.BodyText, "\r\n", "\n"), "\n\n") {
		if para = strings.Join(strings.Fields(para), " "); para != "" {
			out = append(out, para)
		}
	}
	return out
}

// Slug makes a URL path segment from a title: ASCII letters and digits,
// accents folded ("Año nuevo" → "ano-nuevo"), words joined by hyphens, at
// most 80 characters, cut between words; "piece" when nothing is left.
func Slug(title string) string {
	folded, _, err := transform.String(transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC), title)
	if err != nil {
		folded = title
	}
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(folded) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		default:
			dash = true
		}
	}
	s := b.String()
	if len(s) > 80 {
		// Cut at a word boundary, so a slug never ends in half a word.
		s = s[:80]
		if i := strings.LastIndexByte(s, '-'); i > 0 {
			s = s[:i]
		}
	}
	if s == "" {
		return "piece"
	}
	return s
}

// clean drops control characters that XML and most editors refuse.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return r
		}
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
}
