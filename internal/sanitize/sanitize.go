// Package sanitize turns untrusted submitter text into safe plain text and
// safe HTML for the editors' browsers.
//
// Everything a submitter types is hostile until it has been through here: a
// story body may carry script aimed at an editor's session, and a tracking
// pixel would reveal to a third party who is reading a submission and when.
package sanitize

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
	"golang.org/x/text/unicode/norm"
)

// linkRel is set on every link so that an editor following one neither
// hands the target our URL (noreferrer) nor gives it a handle on our window
// (noopener), and search engines do not credit the target (nofollow).
const linkRel = "nofollow noopener noreferrer"

// Sanitizer holds the policies and the Markdown converter, built once by New.
// It is safe for concurrent use.
type Sanitizer struct {
	strict   *bluemonday.Policy
	body     *bluemonday.Policy
	markdown goldmark.Markdown
}

// New builds the policies and the Markdown converter.
func New() *Sanitizer {
	return &Sanitizer{
		strict:   bluemonday.StrictPolicy(),
		body:     bodyPolicy(),
		markdown: newMarkdown(),
	}
}

// bodyPolicy allows the structural HTML that Markdown produces and nothing
// that can run code, load a resource or restyle the editor's page. It is
// written out element by element rather than derived from UGCPolicy because
// UGCPolicy keeps <img>, which would let a submitter plant a tracking pixel.
func bodyPolicy() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements(
		"p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6",
		"strong", "em", "b", "i", "del", "blockquote",
		"ul", "ol", "li", "code", "pre",
		"table", "thead", "tbody", "tfoot", "tr", "th", "td",
	)
	p.AllowAttrs("align").Matching(regexp.MustCompile(`^(left|right|center)$`)).OnElements("th", "td")
	p.AllowAttrs("start").Matching(bluemonday.Integer).OnElements("ol")

	p.AllowAttrs("href").OnElements("a")
	p.AllowURLSchemes("http", "https", "mailto")
	p.AllowRelativeURLs(false)
	// Markdown links get linkRel from the converter; only that exact value
	// passes, and the two Require calls re-add the essentials should a link
	// ever reach the policy without it.
	p.AllowAttrs("rel").Matching(regexp.MustCompile(`^` + linkRel + `$`)).OnElements("a")
	p.RequireNoFollowOnLinks(true)
	p.RequireNoReferrerOnLinks(true)
	return p
}

// newMarkdown builds a CommonMark converter with raw HTML left off (the
// renderer's default: html.WithUnsafe is deliberately absent), so that HTML
// typed into a body is dropped before the policy ever sees it.
func newMarkdown() goldmark.Markdown {
	return goldmark.New(
		goldmark.WithExtensions(
			extension.Strikethrough,
			extension.Linkify,
		),
		// GFM tables as extension.Table registers them, with its paragraph
		// transformer behind the cell budget (see bounds.go).
		goldmark.WithParserOptions(
			parser.WithParagraphTransformers(util.Prioritized(cappedTable{extension.NewTableParagraphTransformer()}, 200)),
			parser.WithASTTransformers(
				util.Prioritized(extension.NewTableASTTransformer(), 0),
				util.Prioritized(linkRelTransformer{}, 1000),
			),
		),
		goldmark.WithRendererOptions(
			renderer.WithNodeRenderers(util.Prioritized(
				extension.NewTableHTMLRenderer(extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute)), 500)),
			// Most submitters write plain text, where a single newline is a
			// line break they meant (addresses, poems, letters), not a soft wrap.
			html.WithHardWraps(),
		),
	)
}

// linkRelTransformer sets linkRel on every link and autolink.
type linkRelTransformer struct{}

// Transform implements parser.ASTTransformer.
func (linkRelTransformer) Transform(doc *ast.Document, _ text.Reader, _ parser.Context) {
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n.(type) {
		case *ast.Link, *ast.AutoLink:
			n.SetAttributeString("rel", []byte(linkRel))
		}
		return ast.WalkContinue, nil
	})
}

// render converts a body to HTML that has not yet been through the policy,
// within the body's budget: it refuses before rendering a body whose syntax
// tree passed a limit, and stops writing once the HTML passes its cap. b
// says what the rendering used.
func (s *Sanitizer) render(src string) (html []byte, b *budget, err error) {
	source := []byte(norm.NFC.String(strings.ToValidUTF8(src, "\uFFFD")))
	b = &budget{size: len(src)}
	pc := parser.NewContext()
	pc.Set(budgetKey, b)
	doc := s.markdown.Parser().Parse(text.NewReader(source), parser.WithContext(pc))
	if err := b.check(doc, source); err != nil {
		return nil, b, err
	}
	out := &cappedBuffer{max: maxHTMLBytes(len(src))}
	out.buf.Grow(len(source) + len(source)/4)
	if err := s.markdown.Renderer().Render(out, source, doc); err != nil {
		b.written = out.buf.Len()
		if out.err != nil {
			return nil, b, out.err
		}
		return nil, b, fmt.Errorf("sanitize: render markdown: %w", err)
	}
	b.written = out.buf.Len()
	return out.buf.Bytes(), b, nil
}

// Body renders a plain-text or Markdown body to HTML that is safe to insert
// into an editor's page unescaped. A body that would render to more than
// its budget allows is refused with an error wrapping ErrTooComplex (a
// *LimitError that names the limit), and its HTML is never longer than
// eight times its length plus 64 KiB.
//
// The result is the one rendering of the body: stored beside it, shown to
// editors, published and exported, and the source of Text.
func (s *Sanitizer) Body(src string) (string, error) {
	rendered, _, err := s.render(src)
	if err != nil {
		return "", err
	}
	safe := s.body.SanitizeBytes(rendered)
	if len(safe) > maxHTMLBytes(len(src)) {
		return "", errHTML
	}
	return string(safe), nil
}

// Text returns the text of a body's sanitized HTML (Body's result) without
// any markup, with paragraphs and other blocks separated by a blank line.
// It is the text editors read, the automated review scans and the exported
// plain text and DOCX carry: what the reading view drops (raw HTML, images)
// is in none of them. Templates escape it like any text.
func Text(bodyHTML string) string {
	return htmlToText([]byte(bodyHTML))
}
