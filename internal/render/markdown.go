package render

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// markdownOf writes a body's sanitized HTML as Markdown (CommonMark with
// GFM tables and strikethrough). The exported Markdown is made from what
// editors read and approved, never from the source the submitter typed:
// raw HTML, images and anything else the reading view drops are in the
// source but not in the HTML, so they cannot leave the building this way.
// Every character of text is escaped where it could start markup, so no
// Markdown renderer can turn the text back into HTML.
func markdownOf(bodyHTML string) string {
	root := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
	nodes, err := html.ParseFragment(strings.NewReader(bodyHTML), root)
	if err != nil {
		// A strings.Reader cannot fail; nothing is better than a guess.
		return ""
	}
	for _, n := range nodes {
		root.AppendChild(n)
	}
	return strings.Join(blocks(root), "\n\n")
}

// isBlock reports whether an element of the body policy is a block.
func isBlock(a atom.Atom) bool {
	switch a {
	case atom.P, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Blockquote,
		atom.Ul, atom.Ol, atom.Li, atom.Pre, atom.Table, atom.Hr, atom.Div:
		return true
	}
	return false
}

// blocks converts n's children, one string per block; runs of inline
// content between blocks become paragraphs.
func blocks(n *html.Node) []string {
	var out []string
	var run strings.Builder
	flush := func() {
		if p := paragraph(run.String()); p != "" {
			out = append(out, p)
		}
		run.Reset()
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode || !isBlock(c.DataAtom) {
			run.WriteString(inline(c))
			continue
		}
		flush()
		if b := block(c); b != "" {
			out = append(out, b)
		}
	}
	flush()
	return out
}

// block converts one block element.
func block(n *html.Node) string {
	switch n.DataAtom {
	case atom.P:
		return paragraph(inlines(n))
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		text := oneLine(inlines(n))
		if text == "" {
			return ""
		}
		// Trailing #s would be read as the heading's closing sequence.
		trimmed := strings.TrimRight(text, "#")
		text = trimmed + strings.Repeat(`\#`, len(text)-len(trimmed))
		return strings.Repeat("#", int(n.Data[1]-'0')) + " " + text
	case atom.Blockquote:
		return prefixLines(strings.Join(blocks(n), "\n\n"), "> ", ">")
	case atom.Ul, atom.Ol:
		return list(n)
	case atom.Pre:
		return fenced(textOf(n))
	case atom.Table:
		return table(n)
	case atom.Hr:
		return "---"
	}
	return strings.Join(blocks(n), "\n\n")
}

// list converts a list; items holding paragraphs make a loose list.
func list(n *html.Node) string {
	num := 1
	if s, err := strconv.Atoi(attr(n, "start")); err == nil && s >= 0 {
		num = s
	}
	var items []string
	loose := false
	for li := n.FirstChild; li != nil; li = li.NextSibling {
		if li.Type != html.ElementNode || li.DataAtom != atom.Li {
			continue
		}
		marker := "- "
		if n.DataAtom == atom.Ol {
			marker = strconv.Itoa(num) + ". "
			num++
		}
		sep := "\n" // a tight item's text and nested list
		for c := li.FirstChild; c != nil; c = c.NextSibling {
			if c.DataAtom == atom.P {
				loose, sep = true, "\n\n"
			}
		}
		body := prefixLines(strings.Join(blocks(li), sep), strings.Repeat(" ", len(marker)), "")
		items = append(items, marker+strings.TrimLeft(body, " "))
	}
	if loose {
		return strings.Join(items, "\n\n")
	}
	return strings.Join(items, "\n")
}

// table converts a table to a GFM table, its first row the header.
func table(n *html.Node) string {
	var rows [][]*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			switch c.DataAtom {
			case atom.Thead, atom.Tbody, atom.Tfoot:
				walk(c)
			case atom.Tr:
				var cells []*html.Node
				for td := c.FirstChild; td != nil; td = td.NextSibling {
					if td.DataAtom == atom.Td || td.DataAtom == atom.Th {
						cells = append(cells, td)
					}
				}
				rows = append(rows, cells)
			}
		}
	}
	walk(n)
	cols := 0
	for _, r := range rows {
		cols = max(cols, len(r))
	}
	if cols == 0 {
		return ""
	}
	var b strings.Builder
	for i, r := range rows {
		b.WriteString("|")
		for c := range cols {
			cell := ""
			if c < len(r) {
				cell = escapePipes(oneLine(inlines(r[c])))
			}
			b.WriteString(" " + cell + " |")
		}
		b.WriteString("\n")
		if i == 0 {
			b.WriteString("|")
			for c := range cols {
				align := ""
				if c < len(r) {
					align = attr(r[c], "align")
				}
				b.WriteString(" " + delimiter(align) + " |")
			}
			b.WriteString("\n")
		}
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// delimiter is a table column's delimiter cell for its align attribute.
func delimiter(align string) string {
	switch align {
	case "left":
		return ":---"
	case "right":
		return "---:"
	case "center":
		return ":---:"
	}
	return "---"
}

// escapePipes escapes the pipes that text escaping left alone (in code
// spans), so none ends a table cell early.
func escapePipes(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '|' && (i == 0 || s[i-1] != '\\') {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// inlines converts n's children as inline content.
func inlines(n *html.Node) string {
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		piece := inline(c)
		// A marker right after the same character joins its run, and
		// CommonMark reads "\\~~~a~~" or "**a***b*" otherwise than meant:
		// such emphasis is left out, its text kept.
		if s := b.String(); s != "" && piece != "" && piece[0] == s[len(s)-1] && (piece[0] == '*' || piece[0] == '~') {
			piece = escapeText(textOf(c))
		}
		// Two code spans side by side would read as one span holding a
		// run of backticks: a space keeps them apart.
		if s := b.String(); strings.HasSuffix(s, "`") && strings.HasPrefix(piece, "`") {
			b.WriteByte(' ')
		}
		b.WriteString(piece)
	}
	return b.String()
}

// inline converts one inline node; a block met inside inline content (not
// something the renderer makes) gives its text.
func inline(n *html.Node) string {
	switch n.Type {
	case html.TextNode:
		// Newlines in the HTML only format it: real breaks are <br>.
		return escapeText(strings.ReplaceAll(n.Data, "\n", ""))
	case html.ElementNode:
	default:
		return ""
	}
	switch n.DataAtom {
	case atom.Br:
		// Two spaces, not a backslash, which would pair with a backslash
		// the text ends in.
		return "  \n"
	case atom.Strong, atom.B:
		return wrap("**", inlines(n))
	case atom.Em, atom.I:
		return wrap("*", inlines(n))
	case atom.Del:
		return wrap("~~", inlines(n))
	case atom.Code:
		return codeSpan(textOf(n))
	case atom.A:
		text := inlines(n)
		href := attr(n, "href")
		if href == "" {
			return text
		}
		if strings.TrimSpace(text) == "" {
			// A link with no text shows its address, as the review's
			// plain text does.
			text = escapeText(href)
		}
		return "[" + text + "](" + destination(href) + ")"
	}
	if isBlock(n.DataAtom) {
		return escapeText(textOf(n))
	}
	return inlines(n)
}

// wrap puts emphasis markers around text, outside its leading and trailing
// spaces (where they would not count). A marker next to punctuation may
// not count either, depending on the character beyond it (CommonMark's
// flanking rules), and would then be printed: such text, and empty text,
// is left without emphasis rather than with stray asterisks.
func wrap(marker, text string) string {
	inner := strings.TrimSpace(text)
	first, _ := utf8.DecodeRuneInString(inner)
	last, _ := utf8.DecodeLastRuneInString(inner)
	if inner == "" || punct(first) || punct(last) {
		return text
	}
	i := strings.Index(text, inner)
	return text[:i] + marker + inner + marker + text[i+len(inner):]
}

func punct(r rune) bool { return unicode.IsPunct(r) || unicode.IsSymbol(r) || unicode.IsSpace(r) }

// codeSpan writes code in a backtick span longer than any run inside it.
func codeSpan(code string) string {
	code = strings.ReplaceAll(code, "\n", " ")
	if code == "" {
		return ""
	}
	ticks := strings.Repeat("`", longestRun(code, '`')+1)
	if strings.HasPrefix(code, "`") || strings.HasSuffix(code, "`") || strings.TrimSpace(code) != code {
		code = " " + code + " "
	}
	return ticks + code + ticks
}

// fenced writes a code block in a fence longer than any backtick run inside.
func fenced(code string) string {
	code = strings.TrimSuffix(code, "\n")
	fence := strings.Repeat("`", max(3, longestRun(code, '`')+1))
	return fence + "\n" + code + "\n" + fence
}

func longestRun(s string, c byte) int {
	most, n := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			n++
			most = max(most, n)
		} else {
			n = 0
		}
	}
	return most
}

// markdownEscaper escapes what can start markup anywhere in a line. "&"
// is escaped too, so "&lt;" in the text stays those four characters.
var markdownEscaper = strings.NewReplacer(`\`, `\\`, "`", "\\`", `*`, `\*`, `_`, `\_`, `[`, `\[`, `]`, `\]`,
	`<`, `\<`, `>`, `\>`, `~`, `\~`, `&`, `\&`, `|`, `\|`)

func escapeText(s string) string { return markdownEscaper.Replace(s) }

// paragraph finishes a paragraph's inline Markdown: lines lose their
// leading spaces (four would make code) and a line start that would make a
// heading, list item, rule or setext underline is escaped.
func paragraph(s string) string {
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
		// A break after another leaves an empty line, which would end the
		// paragraph.
		if l = strings.TrimLeft(l, " \t"); strings.TrimSpace(l) != "" {
			lines = append(lines, l)
		}
	}
	for i, l := range lines {
		switch {
		case l == "":
		case strings.ContainsRune("#-+=", rune(l[0])):
			l = `\` + l
		default:
			digits := len(l) - len(strings.TrimLeft(l, "0123456789"))
			if digits > 0 && digits < len(l) && (l[digits] == '.' || l[digits] == ')') {
				l = l[:digits] + `\` + l[digits:]
			}
		}
		lines[i] = l
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

// oneLine joins a heading's or table cell's lines.
func oneLine(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(s, "  \n", " "))
}

// prefixLines puts prefix before every line, or blank before empty ones.
func prefixLines(s, prefix, blank string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if l == "" {
			lines[i] = blank
		} else {
			lines[i] = prefix + l
		}
	}
	return strings.Join(lines, "\n")
}

// destination writes a link target so that no character of it ends the
// link or is read as an entity; the policy allowed only http, https and
// mailto URLs.
func destination(href string) string {
	var b strings.Builder
	for _, r := range href {
		switch {
		case r <= ' ' || r == 0x7f || r == '<' || r == '>':
			fmt.Fprintf(&b, "%%%02X", r)
		case r == '\\' || r == '(' || r == ')' || r == '&':
			b.WriteString(`\` + string(r))
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// textOf is the text of n and its descendants.
func textOf(n *html.Node) string {
	if n.Type == html.TextNode {
		return n.Data
	}
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		b.WriteString(textOf(c))
	}
	return b.String()
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}
