package sanitize

import (
	"bytes"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// breakLevel is how much vertical space separates two pieces of text.
type breakLevel int

const (
	noBreak        breakLevel = 0
	lineBreak      breakLevel = 1
	paragraphBreak breakLevel = 2
)

// blockBreak tells how an element separates its text from its neighbours.
func blockBreak(a atom.Atom) breakLevel {
	switch a {
	case atom.P, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6,
		atom.Blockquote, atom.Pre, atom.Ul, atom.Ol, atom.Table, atom.Hr:
		return paragraphBreak
	case atom.Li, atom.Tr:
		return lineBreak
	}
	return noBreak
}

// htmlToText extracts the text of rendered Markdown. It walks the tokens
// itself rather than using bluemonday's StrictPolicy because StrictPolicy
// loses the difference between the end of a paragraph and a line break, and
// a text view without paragraphs is hard to edit. The tokenizer decodes
// entities, so the result is plain text; HTML comments (where the renderer
// leaves omitted raw HTML) are skipped.
//
// A link's URL follows its text in parentheses, unless the text is the URL:
// it leaves the building in the HTML and Markdown files, so the editors'
// text view, the automated review and the plain-text exports show it too.
func htmlToText(rendered []byte) string {
	var out strings.Builder
	out.Grow(len(rendered))
	pending := noBreak
	inPre := 0
	href, linkStart := "", 0
	z := html.NewTokenizer(bytes.NewReader(rendered))
	for {
		switch z.Next() {
		case html.ErrorToken:
			// A dropped image or trailing break can leave spaces at the end.
			return strings.TrimRight(out.String(), " \t\n")
		case html.TextToken:
			text := string(z.Text())
			if inPre == 0 {
				// Outside <pre>, the renderer's newlines only format the
				// HTML source; real breaks arrived as <br> or blocks.
				text = strings.ReplaceAll(text, "\n", "")
			} else {
				text = strings.TrimSuffix(text, "\n")
			}
			if text == "" {
				continue
			}
			if out.Len() > 0 {
				out.WriteString(strings.Repeat("\n", int(pending)))
			}
			pending = noBreak
			out.WriteString(text)
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			a := atom.Lookup(name)
			if a == atom.A {
				href, linkStart = linkURL(z, hasAttr), out.Len()
			}
			switch {
			case a == atom.Br:
				pending = min(pending+1, paragraphBreak)
			case a == atom.Td || a == atom.Th:
				if pending == noBreak && out.Len() > 0 {
					out.WriteByte('\t')
				}
			default:
				pending = max(pending, blockBreak(a))
			}
			if a == atom.Pre {
				inPre++
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			if a == atom.A && href != "" {
				// The address follows the link's text, unless the text is
				// the address already; a link with no text is its address.
				switch text := out.String()[min(linkStart, out.Len()):]; {
				case text == "":
					out.WriteString(href)
				case !strings.HasSuffix(href, text):
					out.WriteString(" (" + href + ")")
				}
				href = ""
			}
			pending = max(pending, blockBreak(a))
			if a == atom.Pre && inPre > 0 {
				inPre--
			}
		}
	}
}

// linkURL returns the href of the <a> tag the tokenizer is on.
func linkURL(z *html.Tokenizer, hasAttr bool) string {
	for hasAttr {
		var key, val []byte
		key, val, hasAttr = z.TagAttr()
		if string(key) == "href" {
			return string(val)
		}
	}
	return ""
}
