package render

import (
	"archive/zip"
	"bytes"
	"fmt"
	"image"
	_ "image/jpeg" // photos' sizes, for the DOCX
	_ "image/png"
	"io"
	"strings"
	"time"

	_ "golang.org/x/image/webp"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// DOCX writes the piece as a Word document formatted as on the web: title,
// byline, the body's headings, paragraphs, bold, italic and struck text,
// links, lists and quotes (walked from its sanitized HTML), then each photo
// embedded with its caption. Its properties name StoryDesk and the piece,
// never anyone else.
func DOCX(w io.Writer, p Piece) error {
	parts, err := slimTemplate()
	if err != nil {
		return fmt.Errorf("render: docx template: %w", err)
	}
	d := newDocxBody()
	d.paragraph("Title")
	d.text(clean(p.Title))
	d.paragraph("")
	d.italic++
	d.text(clean(p.ByLine()))
	d.italic--
	if err := d.html(p.BodyHTML); err != nil {
		return fmt.Errorf("render: docx: %w", err)
	}
	for i, img := range p.Images {
		if !d.photo(i+1, img.Data) {
			continue
		}
		d.paragraph("Caption")
		d.text(p.Credit(i))
	}
	d.flush()

	when := p.PublishedAt
	if when.IsZero() {
		when = time.Now()
	}
	zw := zip.NewWriter(w)
	for _, part := range parts {
		if err := writePart(zw, part.name, withLanguage(part.name, part.data, p.Language)); err != nil {
			return err
		}
	}
	own := []templatePart{
		{"[Content_Types].xml", d.contentTypes()},
		{"_rels/.rels", []byte(rootRels)},
		{"word/document.xml", d.document()},
		{"word/_rels/document.xml.rels", d.relationships()},
		{"word/numbering.xml", d.numbering()},
		{"docProps/core.xml", coreProperties(p, when)},
		{"docProps/app.xml", []byte(appProperties)},
	}
	for _, m := range d.media {
		own = append(own, templatePart{"word/" + m.name, m.data})
	}
	for _, part := range own {
		if err := writePart(zw, part.name, part.data); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("render: docx: %w", err)
	}
	return nil
}

func writePart(zw *zip.Writer, name string, data []byte) error {
	fw, err := zw.Create(name)
	if err == nil {
		_, err = fw.Write(data)
	}
	if err != nil {
		return fmt.Errorf("render: docx: %s: %w", name, err)
	}
	return nil
}

const rootRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/></Relationships>`

const appProperties = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>StoryDesk</Application></Properties>`

// coreProperties names the piece and StoryDesk; the byline is in the text,
// as its author consented, and nowhere else.
func coreProperties(p Piece, when time.Time) []byte {
	t := when.UTC().Format("2006-01-02T15:04:05Z")
	return []byte(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
		`<dc:title>` + xmlText(clean(p.Title)) + `</dc:title><dc:creator>StoryDesk</dc:creator><cp:lastModifiedBy>StoryDesk</cp:lastModifiedBy>` +
		`<dc:language>` + xmlText(p.Language) + `</dc:language><cp:revision>1</cp:revision>` +
		`<dcterms:created xsi:type="dcterms:W3CDTF">` + t + `</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">` + t + `</dcterms:modified></cp:coreProperties>`)
}

func xmlText(s string) string {
	var b bytes.Buffer
	_ = xmlEscape(&b, s)
	return b.String()
}

func xmlEscape(b *bytes.Buffer, s string) error {
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '"':
			b.WriteString("&quot;")
		default:
			if r < 0x20 && r != '\t' && r != '\n' || r == 0xFFFE || r == 0xFFFF {
				continue // not allowed in XML
			}
			b.WriteRune(r)
		}
	}
	return nil
}

// docxBody builds word/document.xml and the parts it refers to.
type docxBody struct {
	body    bytes.Buffer
	rels    []string // relationship elements after the template's
	media   []docxMedia
	lists   []bool // per numbering instance: ordered
	open    []int  // the numbering instances of the lists being walked
	inPara  bool
	hasText bool // the open paragraph has text: a space may follow
	space   bool // whitespace is pending before the next text

	bold, italic, strike, code, pre, quote int
	link                                   string          // relationship of the open link
	linkText                               strings.Builder // the open link's text so far
}

type docxMedia struct {
	name, contentType string
	data              []byte
}

func newDocxBody() *docxBody { return &docxBody{} }

func (d *docxBody) rel(typ, target string, external bool) string {
	id := fmt.Sprintf("rIdS%d", len(d.rels)+1)
	mode := ""
	if external {
		mode = ` TargetMode="External"`
	}
	d.rels = append(d.rels, fmt.Sprintf(`<Relationship Id="%s" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/%s" Target="%s"%s/>`, id, typ, xmlText(target), mode))
	return id
}

// paragraph closes the open paragraph and opens one in style ("" = Normal).
func (d *docxBody) paragraph(style string) {
	d.paragraphNum(style, 0, 0)
}

func (d *docxBody) paragraphNum(style string, numID, level int) {
	d.flush()
	d.body.WriteString("<w:p>")
	if style != "" || numID > 0 {
		d.body.WriteString("<w:pPr>")
		if style != "" {
			fmt.Fprintf(&d.body, `<w:pStyle w:val="%s"/>`, style)
		}
		if numID > 0 {
			fmt.Fprintf(&d.body, `<w:numPr><w:ilvl w:val="%d"/><w:numId w:val="%d"/></w:numPr>`, level, numID)
		}
		d.body.WriteString("</w:pPr>")
	}
	d.inPara, d.hasText, d.space = true, false, false
}

// flush closes the open paragraph, if any.
func (d *docxBody) flush() {
	if d.inPara {
		d.body.WriteString("</w:p>")
	}
	d.inPara, d.hasText = false, false
}

// ensure opens a paragraph for text found outside any block.
func (d *docxBody) ensure() {
	if !d.inPara {
		style := ""
		if d.quote > 0 {
			style = "Quote"
		}
		d.paragraph(style)
	}
}

// text writes s as a run with the formatting in force; outside <pre>,
// whitespace collapses as a browser collapses it.
func (d *docxBody) text(s string) {
	if d.pre == 0 {
		if strings.TrimSpace(s) == "" {
			if s != "" {
				d.space = true
			}
			return
		}
		lead := s[0] == ' ' || s[0] == '\n' || s[0] == '\t' || s[0] == '\r'
		trail := strings.TrimRight(s, " \n\t\r") != s
		s = strings.Join(strings.Fields(s), " ")
		if (lead || d.space) && d.hasText {
			// The space between words stays out of the link or bold that follows.
			d.body.WriteString(`<w:r><w:t xml:space="preserve"> </w:t></w:r>`)
		}
		d.space = trail
	}
	d.ensure()
	if d.link != "" {
		fmt.Fprintf(&d.body, `<w:hyperlink r:id="%s">`, d.link)
	}
	if d.link != "" {
		d.linkText.WriteString(s)
	}
	for i, line := range strings.Split(s, "\n") {
		d.body.WriteString("<w:r>")
		d.runProps()
		if i > 0 {
			d.body.WriteString("<w:br/>")
		}
		d.body.WriteString(`<w:t xml:space="preserve">`)
		_ = xmlEscape(&d.body, line)
		d.body.WriteString("</w:t></w:r>")
	}
	if d.link != "" {
		d.body.WriteString("</w:hyperlink>")
	}
	d.hasText = true
}

func (d *docxBody) runProps() {
	var p strings.Builder
	if d.code > 0 || d.pre > 0 {
		p.WriteString(`<w:rFonts w:ascii="Courier New" w:hAnsi="Courier New" w:cs="Courier New"/>`)
	}
	if d.bold > 0 {
		p.WriteString("<w:b/>")
	}
	if d.italic > 0 {
		p.WriteString("<w:i/>")
	}
	if d.strike > 0 {
		p.WriteString("<w:strike/>")
	}
	if d.link != "" {
		p.WriteString(`<w:color w:val="0563C1"/><w:u w:val="single"/>`)
	}
	if p.Len() > 0 {
		d.body.WriteString("<w:rPr>" + p.String() + "</w:rPr>")
	}
}

// html walks the body's sanitized HTML.
func (d *docxBody) html(body string) error {
	nodes, err := html.ParseFragment(strings.NewReader(body), &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body})
	if err != nil {
		return err
	}
	for _, n := range nodes {
		d.node(n)
	}
	d.flush()
	return nil
}

func (d *docxBody) node(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		d.text(clean(n.Data))
		return
	case html.ElementNode:
	default:
		return
	}
	children := func() {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			d.node(c)
		}
	}
	switch n.DataAtom {
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		// The piece's title is the document's Title; body headings sit below it.
		d.paragraph("Heading" + n.Data[1:])
		children()
		d.flush()
	case atom.P, atom.Div:
		if !(d.inPara && !d.hasText) { // a <p> inside an <li> continues the item
			style := ""
			if d.quote > 0 {
				style = "Quote"
			}
			d.paragraph(style)
		}
		children()
		d.flush()
	case atom.Pre:
		d.paragraph("")
		d.pre++
		children()
		d.pre--
		d.flush()
	case atom.Blockquote:
		d.flush()
		d.quote++
		children()
		d.quote--
		d.flush()
	case atom.Ul, atom.Ol:
		d.flush()
		d.lists = append(d.lists, n.DataAtom == atom.Ol)
		d.open = append(d.open, len(d.lists))
		children()
		d.open = d.open[:len(d.open)-1]
		d.flush()
	case atom.Li:
		numID, level := 0, 0
		if len(d.open) > 0 {
			numID, level = d.open[len(d.open)-1], min(len(d.open)-1, 8)
		}
		d.paragraphNum("ListParagraph", numID, level)
		children()
		d.flush()
	case atom.Br:
		if d.inPara {
			d.body.WriteString("<w:r><w:br/></w:r>")
			d.hasText, d.space = false, false
		}
	case atom.Hr:
		d.paragraph("")
		d.flush()
	case atom.Strong, atom.B:
		d.bold++
		children()
		d.bold--
	case atom.Em, atom.I:
		d.italic++
		children()
		d.italic--
	case atom.S, atom.Del, atom.Strike:
		d.strike++
		children()
		d.strike--
	case atom.Code, atom.Kbd, atom.Samp:
		d.code++
		children()
		d.code--
	case atom.A:
		href := ""
		for _, a := range n.Attr {
			if a.Key == "href" {
				href = a.Val
			}
		}
		if href == "" || d.link != "" {
			children()
			return
		}
		d.link = d.rel("hyperlink", href, true)
		d.linkText.Reset()
		children()
		// As in the text editors read and the review scanned: the address
		// follows the link's text, unless the text is the address already;
		// a link with no text is its address. Print keeps it that way.
		text := strings.TrimSpace(d.linkText.String())
		if text == "" {
			d.text(href)
		}
		d.link = ""
		if text != "" && !strings.HasSuffix(href, text) {
			d.text(" (" + href + ")")
		}
	case atom.Script, atom.Style, atom.Img:
		// Never in a sanitized body; photos come from the piece's images.
	default:
		children()
	}
}

// photo embeds a photo in its own paragraph, as wide as the text column at
// most; it reports false, leaving nothing, for data no word processor reads.
func (d *docxBody) photo(n int, data []byte) bool {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 {
		return false
	}
	kind, ok := map[string][2]string{"jpeg": {"jpg", "image/jpeg"}, "png": {"png", "image/png"}, "webp": {"webp", "image/webp"}}[format]
	if !ok {
		return false
	}
	ext, ct := kind[0], kind[1]
	const emuPerPixel, maxWidth = 9525, 5486400 // 96 dpi; 6 inches, the template's text column
	cx, cy := int64(cfg.Width)*emuPerPixel, int64(cfg.Height)*emuPerPixel
	if cx > maxWidth {
		cx, cy = maxWidth, cy*maxWidth/cx
	}
	name := fmt.Sprintf("media/photo-%d.%s", n, ext)
	d.media = append(d.media, docxMedia{name: name, contentType: ct, data: data})
	id := d.rel("image", name, false)
	d.paragraph("")
	fmt.Fprintf(&d.body, `<w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="%[1]d" cy="%[2]d"/><wp:docPr id="%[3]d" name="Photo %[3]d"/>`+
		`<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">`+
		`<pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:nvPicPr><pic:cNvPr id="%[3]d" name="photo-%[3]d.%[5]s"/><pic:cNvPicPr/></pic:nvPicPr>`+
		`<pic:blipFill><a:blip r:embed="%[4]s"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>`+
		`<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="%[1]d" cy="%[2]d"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic>`+
		`</a:graphicData></a:graphic></wp:inline></w:drawing></w:r>`, cx, cy, n, id, ext)
	d.hasText = true
	d.flush()
	return true
}

func (d *docxBody) document() []byte {
	return []byte(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"><w:body>` +
		d.body.String() +
		`<w:sectPr><w:pgSz w:w="12240" w:h="15840"/><w:pgMar w:top="1440" w:right="1800" w:bottom="1440" w:left="1800" w:header="720" w:footer="720" w:gutter="0"/></w:sectPr></w:body></w:document>`)
}

// relationships are the template's parts (styles, settings, fonts, theme)
// and then the document's links and photos.
func (d *docxBody) relationships() []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`)
	for i, p := range []string{"styles|styles.xml", "settings|settings.xml", "webSettings|webSettings.xml", "fontTable|fontTable.xml", "theme|theme/theme1.xml", "numbering|numbering.xml"} {
		typ, target, _ := strings.Cut(p, "|")
		fmt.Fprintf(&b, `<Relationship Id="rIdT%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/%s" Target="%s"/>`, i+1, typ, target)
	}
	b.WriteString(strings.Join(d.rels, ""))
	b.WriteString(`</Relationships>`)
	return []byte(b.String())
}

func (d *docxBody) contentTypes() []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>`)
	for _, o := range [][2]string{
		{"word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"},
		{"word/numbering.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"},
		{"word/styles.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"},
		{"word/stylesWithEffects.xml", "application/vnd.ms-word.stylesWithEffects+xml"},
		{"word/settings.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"},
		{"word/webSettings.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.webSettings+xml"},
		{"word/fontTable.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"},
		{"word/theme/theme1.xml", "application/vnd.openxmlformats-officedocument.theme+xml"},
		{"docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml"},
		{"docProps/app.xml", "application/vnd.openxmlformats-officedocument.extended-properties+xml"},
	} {
		fmt.Fprintf(&b, `<Override PartName="/%s" ContentType="%s"/>`, o[0], o[1])
	}
	for _, m := range d.media {
		fmt.Fprintf(&b, `<Override PartName="/word/%s" ContentType="%s"/>`, m.name, m.contentType)
	}
	b.WriteString(`</Types>`)
	return []byte(b.String())
}

// numbering defines a bulleted and a numbered list, and one instance per
// list in the body, so that each numbered list starts again at 1.
func (d *docxBody) numbering() []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">`)
	for id, ordered := range []bool{false, true} {
		fmt.Fprintf(&b, `<w:abstractNum w:abstractNumId="%d"><w:multiLevelType w:val="hybridMultilevel"/>`, id)
		for lvl := range 9 {
			format, text := "bullet", [3]string{"•", "◦", "▪"}[lvl%3]
			if ordered {
				format, text = "decimal", fmt.Sprintf("%%%d.", lvl+1)
			}
			fmt.Fprintf(&b, `<w:lvl w:ilvl="%d"><w:start w:val="1"/><w:numFmt w:val="%s"/><w:lvlText w:val="%s"/><w:lvlJc w:val="left"/><w:pPr><w:ind w:left="%d" w:hanging="360"/></w:pPr></w:lvl>`,
				lvl, format, text, 720*(lvl+1))
		}
		b.WriteString(`</w:abstractNum>`)
	}
	for i, ordered := range d.lists {
		abstract := 0
		if ordered {
			abstract = 1
		}
		fmt.Fprintf(&b, `<w:num w:numId="%d"><w:abstractNumId w:val="%d"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>`, i+1, abstract)
	}
	b.WriteString(`</w:numbering>`)
	return []byte(b.String())
}
