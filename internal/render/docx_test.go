package render

import (
	"bytes"
	"encoding/xml"
	"html"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/storydesk/storydesk/internal/testenv"
)

func testJPEG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := range w {
		for y := range h {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 200, 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

const docxTestBody = `<h2>Our street</h2><p>We came in <strong>2015</strong> and <em>built</em> a <s>house</s> life <a href="https://example.org/x?a=1&amp;b=2">here</a>.</p>` +
	`<ul><li>first bullet</li><li>second bullet</li></ul><ol><li>step one</li><li>step two</li></ol><blockquote><p>A quoted line.</p></blockquote>`

func docxTestPiece(t *testing.T) Piece {
	return Piece{
		ID: "p1", Kind: "story", Title: "Sanctuary & the law", BodyHTML: docxTestBody, Language: "en",
		Byline:      Byline{Kind: BylineName, Name: "Rosa Díaz"},
		Images:      []Image{{Path: "attachments/photo-1.jpg", Data: testJPEG(t, 1600, 900)}},
		PublishedAt: time.Date(2026, 5, 4, 3, 2, 1, 0, time.UTC),
	}
}

func TestDOCXFormatsPhotosAndProperties(t *testing.T) {
	var out bytes.Buffer
	if err := DOCX(&out, docxTestPiece(t)); err != nil {
		t.Fatal(err)
	}
	parts := testenv.Unzip(t, out.Bytes())
	doc := parts["word/document.xml"]
	for _, want := range []string{
		`<w:pStyle w:val="Title"/>`, `<w:pStyle w:val="Heading2"/>`, `<w:b/></w:rPr><w:t xml:space="preserve">2015</w:t>`,
		`<w:i/></w:rPr><w:t xml:space="preserve">built</w:t>`, `<w:strike/>`, `<w:hyperlink r:id=`, `<w:numPr>`,
		`<w:pStyle w:val="Quote"/>`, `<w:pStyle w:val="Caption"/>`, "Photo 1: courtesy of Rosa Díaz",
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("document.xml lacks %s:\n%s", want, doc)
		}
	}
	// The photo: a part under word/media, related to document.xml and embedded by it.
	embed := regexp.MustCompile(`r:embed="([^"]+)"`).FindStringSubmatch(doc)
	if embed == nil {
		t.Fatalf("document.xml embeds no picture:\n%s", doc)
	}
	rel := regexp.MustCompile(`Id="` + embed[1] + `"[^>]*Target="([^"]+)"`).FindStringSubmatch(parts["word/_rels/document.xml.rels"])
	if rel == nil || !strings.HasPrefix(rel[1], "media/") || parts["word/"+rel[1]] == "" {
		t.Errorf("r:embed %s does not lead to a part under word/media: %v\n%s", embed[1], rel, parts["word/_rels/document.xml.rels"])
	}
	if !strings.Contains(parts["word/_rels/document.xml.rels"], `Target="https://example.org/x?a=1&amp;b=2" TargetMode="External"`) {
		t.Errorf("link relationship missing:\n%s", parts["word/_rels/document.xml.rels"])
	}
	core := parts["docProps/core.xml"]
	for _, want := range []string{"<dc:title>Sanctuary &amp; the law</dc:title>", "<dc:creator>StoryDesk</dc:creator>", "2026-05-04T03:02:01Z"} {
		if !strings.Contains(core, want) {
			t.Errorf("core.xml lacks %s:\n%s", want, core)
		}
	}
	for name, body := range parts {
		if strings.HasPrefix(name, "word/media/") {
			continue
		}
		for _, bad := range []string{"godocx", "gomutex", "2013-", "thumbnail", "Rosa"} {
			if strings.Contains(body, bad) && !(bad == "Rosa" && name == "word/document.xml") {
				t.Errorf("%s holds %q", name, bad)
			}
		}
	}
	if _, ok := parts["docProps/thumbnail.jpeg"]; ok {
		t.Error("DOCX carries godocx's blank thumbnail")
	}
}

// TestDOCXOpensInLibreOffice converts the DOCX with LibreOffice: the text
// comes out whole and the photo comes through as a picture.
func TestDOCXOpensInLibreOffice(t *testing.T) {
	var out bytes.Buffer
	if err := DOCX(&out, docxTestPiece(t)); err != nil {
		t.Fatal(err)
	}
	dir := convertWithLibreOffice(t, out.Bytes(), "txt:Text", "odt")
	txt, err := os.ReadFile(filepath.Join(dir, "piece.txt"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Sanctuary & the law", "By Rosa Díaz", "Our street", "We came in 2015 and built a house life here (https://example.org/x?a=1&b=2).", "first bullet", "1. step one", "2. step two", "A quoted line.", "Photo 1: courtesy of Rosa Díaz"} {
		if !strings.Contains(string(txt), want) {
			t.Errorf("LibreOffice's text lacks %q:\n%s", want, txt)
		}
	}
	odt, err := os.ReadFile(filepath.Join(dir, "piece.odt"))
	if err != nil {
		t.Fatal(err)
	}
	pictures := 0
	for name := range testenv.Unzip(t, odt) {
		if strings.HasPrefix(name, "Pictures/") {
			pictures++
		}
	}
	if pictures != 1 {
		t.Errorf("LibreOffice found %d pictures, want 1", pictures)
	}
}

// convertWithLibreOffice converts docx to each format as a user's
// LibreOffice would open it, and returns the directory of piece.docx and its
// conversions (piece.txt, piece.odt, …).
func convertWithLibreOffice(t *testing.T, docx []byte, formats ...string) string {
	t.Helper()
	bin, err := exec.LookPath("soffice")
	if err != nil {
		t.Fatal("LibreOffice (soffice) is not installed; run scripts/test, which installs it")
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "piece.docx")
	if err := os.WriteFile(in, docx, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, to := range formats {
		cmd := exec.Command(bin, "-env:UserInstallation=file://"+filepath.Join(dir, "profile"), "--headless", "--convert-to", to, "--outdir", dir, in)
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("soffice: %v\n%s", err, b)
		}
	}
	return dir
}

// TestDOCXLanguage: a DOCX names its piece's language as its default (a
// Spanish piece or translation is checked in Spanish), and LibreOffice
// reads it so; the byline and credits are in that language too.
func TestDOCXLanguage(t *testing.T) {
	for _, c := range []struct{ lang, tag, language, country, byline, credit string }{
		{"en", "en-US", "en", "US", "By Rosa Díaz", "Photo 1: courtesy of Rosa Díaz"},
		{"es", "es-US", "es", "US", "Por Rosa Díaz", "Foto 1: cortesía de Rosa Díaz"},
	} {
		t.Run(c.lang, func(t *testing.T) {
			t.Parallel()
			p := docxTestPiece(t)
			p.Language = c.lang
			var out bytes.Buffer
			if err := DOCX(&out, p); err != nil {
				t.Fatal(err)
			}
			parts := testenv.Unzip(t, out.Bytes())
			for _, name := range []string{"word/styles.xml", "word/stylesWithEffects.xml"} {
				if got := regexp.MustCompile(`<w:lang w:val="([^"]*)"`).FindAllStringSubmatch(parts[name], -1); len(got) != 1 || got[0][1] != c.tag {
					t.Errorf("%s: w:lang %v, want %s", name, got, c.tag)
				}
			}
			if !strings.Contains(parts["word/settings.xml"], `<w:themeFontLang w:val="`+c.tag+`"`) {
				t.Errorf("settings.xml does not name %s", c.tag)
			}
			// One conversion (LibreOffice starts slowly): the ODT holds both
			// the text it read and the language it read it in.
			dir := convertWithLibreOffice(t, out.Bytes(), "odt")
			odt, err := os.ReadFile(filepath.Join(dir, "piece.odt"))
			if err != nil {
				t.Fatal(err)
			}
			odf := testenv.Unzip(t, odt)
			txt := html.UnescapeString(regexp.MustCompile(`<[^>]*>`).ReplaceAllString(odf["content.xml"], " "))
			for _, want := range []string{c.byline, c.credit} {
				if !strings.Contains(txt, want) {
					t.Errorf("LibreOffice's text lacks %q:\n%s", want, txt)
				}
			}
			styles := odf["styles.xml"]
			want := `fo:language="` + c.language + `" fo:country="` + c.country + `"`
			if !strings.Contains(styles, want) {
				t.Errorf("LibreOffice does not read the document as %s: no %s in its styles", c.tag, want)
			}
		})
	}
}

// TestDOCXBodyIsWellFormed: text between and after blocks, nested lists and
// inline markup outside any paragraph all land inside a paragraph.
func TestDOCXBodyIsWellFormed(t *testing.T) {
	for _, body := range []string{
		`loose <b>bold</b> text<p>para</p> after <i>it</i>`,
		`<ul><li>one<ul><li>nested <a href="https://x.example">x</a></li></ul></li><li><p>two</p><p>more</p></li></ul>tail`,
		`<blockquote>quoted <em>words</em><p>and a para</p></blockquote><pre>line 1
line 2</pre><a href="https://empty.example"></a>`,
	} {
		var out bytes.Buffer
		if err := DOCX(&out, Piece{Title: "T", BodyHTML: body, Language: "en"}); err != nil {
			t.Fatal(err)
		}
		doc := testenv.Unzip(t, out.Bytes())["word/document.xml"]
		dec := xml.NewDecoder(strings.NewReader(doc))
		inP := 0
		for {
			tok, err := dec.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%q: document.xml is not XML: %v\n%s", body, err, doc)
			}
			switch el := tok.(type) {
			case xml.StartElement:
				if el.Name.Local == "p" {
					inP++
				}
				if el.Name.Local == "r" && inP == 0 {
					t.Errorf("%q: a run outside a paragraph:\n%s", body, doc)
				}
			case xml.EndElement:
				if el.Name.Local == "p" {
					inP--
				}
			}
		}
	}
}
