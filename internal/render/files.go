package render

import (
	"fmt"
	"html/template"
	"io"
	"strings"
)

// Markdown writes the piece as Markdown: title, byline and the body as
// editors read it, made from its sanitized HTML (see markdownOf).
func Markdown(w io.Writer, p Piece) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n*%s*\n\n%s\n", escapeMarkdownLine(p.Title), escapeMarkdownLine(p.ByLine()), clean(markdownOf(p.BodyHTML)))
	for i, img := range p.Images {
		fmt.Fprintf(&b, "\n![%s](%s)\n", escapeMarkdownLine(p.Credit(i)), img.Path)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// escapeMarkdownLine keeps a title or byline from being read as markup.
func escapeMarkdownLine(s string) string {
	return strings.NewReplacer(`\`, `\\`, `*`, `\*`, `_`, `\_`, `[`, `\[`, `]`, `\]`, `<`, `&lt;`, "\n", " ").Replace(clean(s))
}

// Text writes the piece as plain text.
func Text(w io.Writer, p Piece) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\n%s\n\n", clean(p.Title), clean(p.ByLine()))
	for _, para := range p.Paragraphs() {
		b.WriteString(clean(para) + "\n\n")
	}
	for i := range p.Images {
		b.WriteString(p.Credit(i) + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

var htmlPage = template.Must(template.New("piece").Parse(`<!doctype html>
<html lang="{{.Language}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
</head>
<body>
<article>
<h1>{{.Title}}</h1>
<p class="byline">{{.ByLine}}</p>
{{.HTML}}
{{range $i, $img := .Images}}<figure><img src="{{$img.Path}}" alt=""><figcaption>{{$.Credit $i}}</figcaption></figure>
{{end}}</article>
</body>
</html>
`))

// HTML writes the piece as a standalone HTML page around the sanitized body.
func HTML(w io.Writer, p Piece) error {
	return htmlPage.Execute(w, struct {
		Piece
		// BodyHTML went through the body policy when it was stored.
		HTML template.HTML
	}{p, template.HTML(p.BodyHTML)})
}
