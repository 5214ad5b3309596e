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
		fmt.Fprintf(&b, "\n![%s](images/%s)\n", escapeMarkdownLine(p.Credit(i)), img)
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
{{range $i, $img := .Images}}<figure><img src="images/{{$img}}" alt=""><figcaption>{{$.Credit $i}}</figcaption></figure>
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

// DOCX writes the piece as a Word document: title, byline, body paragraphs
// and photo credits.
func DOCX(w io.Writer, p Piece) error {
	doc, err := newDocument()
	if err != nil {
		return fmt.Errorf("render: docx: %w", err)
	}
	if _, err := doc.AddHeading(clean(p.Title), 0); err != nil {
		return fmt.Errorf("render: docx: %w", err)
	}
	doc.AddEmptyParagraph().AddText(clean(p.ByLine())).Italic(true)
	for _, para := range p.Paragraphs() {
		doc.AddParagraph(clean(para))
	}
	for i := range p.Images {
		doc.AddEmptyParagraph().AddText(p.Credit(i)).Italic(true)
	}
	if err := doc.Write(w); err != nil {
		return fmt.Errorf("render: docx: %w", err)
	}
	return nil
}
