package render

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/text"

	"github.com/storydesk/storydesk/internal/sanitize"
)

// TestMarkdownOfRoundTrip: the exported Markdown, rendered again, is what
// editors read: the same HTML as the body's, element for element.
func TestMarkdownOfRoundTrip(t *testing.T) {
	s := sanitize.New()
	for _, in := range []string{
		"First para.\n\nSecond **para** with *emphasis*, ~~gone~~ and `code`.",
		"Dear editor,\nthank you.\nMaria",
		"# Title\n\n## Sub *title*\n\n---\n\nafter the rule",
		"A [link](https://example.org/a_(b)?x=1&copy=2 \"t\") and www.example.org and <https://example.org/x>.",
		"- one\n- two\n  - nested *a*\n  - nested b\n- three\n\n7. seven\n8. eight",
		"- loose one\n\n- loose two\n\n  with a second paragraph",
		"> quoted\n> > twice\n\nout",
		"```\ncode with ``` fence and <b>tags</b>\n  indented\n```",
		"Inline `` a`b `` code and `<i>`.",
		"| a | b | c |\n|:--|:-:|--:|\n| 1 | `x\\|y` | 3 |\n| ü | **b** | |",
		"*not emphasis* _x_ [y] <z> &amp;copy; \\* back\\\\slash ~tilde~ a|b",
		"text\n# heading\n- list\n1986. a year\n+ plus\n=== setext",
		"text \\# not a heading\\\n\\- not a list\\\n1986\\. a year\\\n\\+ plus\\\n\\=== setext\\\n\\> not a quote",
		"We came in 2015.\n\n<div>\nA-123-456-789 <img src=x onerror=alert(1)>\n</div>\n\nThe end <b>bold</b>.",
		"![tracker](https://evil.example/pixel.png) and [js](javascript:alert(1))",
		"Año nuevo: «comillas» — ñandú… 🙂",
	} {
		want, err := s.Body(in)
		if err != nil {
			t.Fatal(err)
		}
		md := markdownOf(want)
		got, err := s.Body(md)
		if err != nil {
			t.Fatal(err)
		}
		// A link whose URL the policy dropped is its text alone, and the
		// HTML's newlines between blocks are not content.
		flat := strings.NewReplacer("\n", "", "<p> ", "<p>", `<a rel="nofollow noopener noreferrer">js</a>`, "js")
		want, got = flat.Replace(want), flat.Replace(got)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Body(%q) and Body of its Markdown differ (-body +markdown):\n%s\nMarkdown:\n%s", in, diff, md)
		}
	}
}

// FuzzMarkdownOf: whatever the body, its exported Markdown holds no raw
// HTML for any renderer to pass on, even one that passes raw HTML
// through, and its text is the text editors read.
func FuzzMarkdownOf(f *testing.F) {
	for _, seed := range []string{
		"<div>\nA-123-456-789 <img src=x onerror=alert(1)>\n</div>",
		"a &lt;b&gt; `<i>` \\<x> <!-- c --> <?php ?> <![CDATA[x]]>",
		"| a | b |\n|---|---|\n| <b>1</b> | 2 |",
		"[x](https://a.example/<b>) *<em>*",
	} {
		f.Add(seed)
	}
	s := sanitize.New()
	gm := goldmark.New(goldmark.WithExtensions(extension.GFM))
	f.Fuzz(func(t *testing.T, in string) {
		body, err := s.Body(in)
		if err != nil {
			return
		}
		md := markdownOf(body)
		doc := gm.Parser().Parse(text.NewReader([]byte(md)))
		_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
			switch n.Kind() {
			case ast.KindHTMLBlock, ast.KindRawHTML:
				t.Fatalf("Markdown of Body(%q) holds raw HTML:\n%s", in, md)
			case ast.KindImage:
				t.Fatalf("Markdown of Body(%q) holds an image:\n%s", in, md)
			}
			return ast.WalkContinue, nil
		})
		again, err := s.Body(md)
		if err != nil {
			t.Fatalf("Body of the Markdown of Body(%q): %v", in, err)
		}
		if want, got := words(sanitize.Text(body)), words(sanitize.Text(again)); !subsequence(want, got) {
			t.Fatalf("text of Body(%q) and of its Markdown differ:\n%q\n%q\nMarkdown:\n%s", in, want, got, md)
		}
	})
}

// words keeps a text's letters and digits, what identifies a person (names,
// A-numbers, phone numbers) and what the review scans: none may be lost on
// the way to piece.md. Whitespace and punctuation may differ (where
// CommonMark's emphasis rules would read the editors' formatting otherwise,
// e.g. "*0*0* 0*", piece.md may show an asterisk as text), and a bare
// address that goldmark links in one place and not the other may appear
// twice ("http://a.example (http://a.example)"): a repeat hides nothing.
func words(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return r
		}
		return -1
	}, s)
}

// subsequence reports whether every rune of want appears in got, in order.
func subsequence(want, got string) bool {
	for _, r := range want {
		i := strings.IndexRune(got, r)
		if i < 0 {
			return false
		}
		got = got[i+utf8.RuneLen(r):]
	}
	return true
}
