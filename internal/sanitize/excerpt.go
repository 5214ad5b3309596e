package sanitize

import (
	"strings"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// excerptParser reads Markdown for its words only; nothing it parses is
// ever rendered.
var excerptParser = parser.NewParser(parser.WithBlockParsers(parser.DefaultBlockParsers()...),
	parser.WithInlineParsers(parser.DefaultInlineParsers()...),
	parser.WithParagraphTransformers(parser.DefaultParagraphTransformers()...))

// Excerpt is the start of a Markdown body as plain words, for a list to
// show: emphasis, links, headings and list marks become their text, raw
// HTML is dropped, and the text is cut to at most limit characters at a
// word boundary, with "…" when anything was cut. cut says the source itself
// was cut short (a prefix of the body), so its last word may be partial.
func Excerpt(src string, limit int, cut bool) string {
	source := []byte(src)
	doc := excerptParser.Parse(text.NewReader(source))
	var b strings.Builder
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		switch n := n.(type) {
		case *ast.RawHTML, *ast.HTMLBlock:
			return ast.WalkSkipChildren, nil
		case *ast.Text:
			if entering {
				b.Write(n.Segment.Value(source))
				if n.SoftLineBreak() || n.HardLineBreak() {
					b.WriteByte(' ')
				}
			}
		case *ast.String:
			if entering {
				b.Write(n.Value)
			}
		case *ast.AutoLink:
			if entering {
				b.Write(n.Label(source))
			}
		default:
			if !entering && n.Type() == ast.TypeBlock {
				b.WriteByte(' ')
			}
		}
		return ast.WalkContinue, nil
	})
	words := strings.Fields(b.String())
	if cut && len(words) > 0 && !strings.HasSuffix(src, words[len(words)-1]+" ") {
		words = words[:len(words)-1] // the prefix may end inside a word
	}
	out := strings.Join(words, " ")
	if utf8.RuneCountInString(out) <= limit {
		if cut {
			return out + "…"
		}
		return out
	}
	for i, w := 0, 0; i < len(words); i++ {
		w += utf8.RuneCountInString(words[i]) + 1
		if w-1 > limit-1 {
			return strings.Join(words[:max(i, 1)], " ") + "…"
		}
	}
	return out
}
