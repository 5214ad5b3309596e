package media

import (
	"bytes"
	"compress/zlib"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"io"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"

	"github.com/storydesk/storydesk/internal/testenv"
)

func cleanDOCX(t *testing.T, in []byte) ([]byte, error) {
	t.Helper()
	var out bytes.Buffer
	err := CleanDOCX(context.Background(), &out, bytes.NewReader(in), int64(len(in)), DefaultMaxPixels, NewBudget(DefaultBudget))
	return out.Bytes(), err
}

func TestCleanDOCXRemovesTracesAndActiveContent(t *testing.T) {
	in := testenv.DOCXWithTraces(t)
	// The fixture holds every trace, or the test proves nothing.
	if n := len(testenv.DOCXLeaks(t, in)); n < len(testenv.DOCXTraces()) {
		t.Fatalf("the fixture holds %d traces, fewer than the %d listed", n, len(testenv.DOCXTraces()))
	}
	out, err := cleanDOCX(t, in)
	if err != nil {
		t.Fatalf("CleanDOCX: %v", err)
	}
	for _, leak := range testenv.DOCXLeaks(t, out) {
		t.Errorf("survived cleaning: %s", leak)
	}
	parts := testenv.DOCXParts(t, out)
	for _, gone := range []string{"docProps/core.xml", "docProps/app.xml", "docProps/custom.xml", "word/people.xml", "word/_rels/settings.xml.rels"} {
		if parts[gone] != nil && gone != "word/_rels/settings.xml.rels" {
			t.Errorf("%s is still in the document", gone)
		}
	}
	if rels := string(parts["word/_rels/settings.xml.rels"]); strings.Contains(rels, "attachedTemplate") {
		t.Errorf("the template relationship is still there: %s", rels)
	}
	types := string(parts["[Content_Types].xml"])
	if strings.Contains(types, "docProps") || strings.Contains(types, "people") {
		t.Errorf("content types still declare dropped parts: %s", types)
	}
	doc := string(parts["word/document.xml"])
	for _, keep := range []string{"Mi historia", "shown text", "picture", "a source", "added later", `r:id="rId6"`, `r:embed="rId4"`} {
		if !strings.Contains(doc, keep) {
			t.Errorf("document.xml lost %q:\n%s", keep, doc)
		}
	}
	if strings.Contains(doc, "rId5") || strings.Contains(doc, "fldChar") || strings.Contains(doc, "fldSimple") {
		t.Errorf("document.xml still refers to the external image or holds a field:\n%s", doc)
	}
	if !strings.Contains(string(parts["word/_rels/document.xml.rels"]), "https://example.org/source") {
		t.Error("the web link was removed")
	}
	photo := parts["word/media/image1.jpeg"]
	if _, err := jpeg.Decode(bytes.NewReader(photo)); err != nil || testenvHasEXIF(photo) {
		t.Errorf("photo: decode error %v, EXIF left %v", err, testenvHasEXIF(photo))
	}
	// Cleaning again changes nothing: the output is already clean.
	again, err := cleanDOCX(t, out)
	if err != nil || !bytes.Equal(again, out) {
		t.Errorf("cleaning the output again: %v, same bytes %v", err, bytes.Equal(again, out))
	}
}

func testenvHasEXIF(b []byte) bool { return testenv.HasEXIF(b) }

// TestCleanDOCXNeutralisesEveryFieldSpelling covers the spellings of a field
// that runs things: split over runs, built from a nested field, under a
// namespace prefix other than w:, and never ended.
func TestCleanDOCXNeutralisesEveryFieldSpelling(t *testing.T) {
	const w = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"`
	run := func(s string) string { return "<w:r>" + s + "</w:r>" }
	begin, sep, end := run(`<w:fldChar w:fldCharType="begin"/>`), run(`<w:fldChar w:fldCharType="separate"/>`), run(`<w:fldChar w:fldCharType="end"/>`)
	instr := func(s string) string { return run(`<w:instrText>` + s + `</w:instrText>`) }
	tests := []struct{ name, body, gone, kept string }{
		{"INCLUDETEXT", begin + instr(`INCLUDETEXT "http://evil.example/x.docx"`) + sep + run(`<w:t>kept</w:t>`) + end, "evil.example", "kept"},
		{"nested QUOTE builds DDEAUTO", begin + begin + instr(`QUOTE 68 68 69 65 85 84 79`) + sep + run(`<w:t>DDEAUTO</w:t>`) + end +
			instr(` evil.example `) + sep + run(`<w:t>kept</w:t>`) + end, "DDEAUTO", "kept"},
		{"other prefix", `<x:r xmlns:x="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><x:fldChar x:fldCharType="begin"/></x:r>` +
			`<x:r xmlns:x="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><x:instrText>DDEAUTO evil.example</x:instrText></x:r>` +
			sep + run(`<w:t>kept</w:t>`) + end, "evil.example", "kept"},
		{"never ended", run(`<w:t>kept</w:t>`) + begin + instr(`DDEAUTO evil.example`), "evil.example", "kept"},
		{"entity-encoded instruction", `<w:fldSimple w:instr="&#68;DEAUTO evil.example"><w:r><w:t>kept</w:t></w:r></w:fldSimple>`, "evil.example", "kept"},
		{"inert PAGE stays", begin + instr(` PAGE `) + sep + run(`<w:t>kept</w:t>`) + end, "", "PAGE"},
		{"table-of-contents link stays", begin + instr(` HYPERLINK \l "_Toc1" `) + sep + run(`<w:t>kept</w:t>`) + end, "", "_Toc1"},
		{"web link field goes", begin + instr(` HYPERLINK "http://evil.example/" `) + sep + run(`<w:t>kept</w:t>`) + end, "evil.example", "kept"},
		{"FILENAME with the user's folder", run(`<w:t>kept</w:t>`) + begin + instr(` FILENAME \p `) + sep +
			run(`<w:t>C:\Users\Rosa\asylum.docx</w:t>`) + end, `Users`, "kept"},
		{"AUTHOR as a simple field", run(`<w:t>kept</w:t>`) + `<w:fldSimple w:instr=" AUTHOR "><w:r><w:t>Rosa</w:t></w:r></w:fldSimple>`, "Rosa", "kept"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parts := docxParts(docxMainType)
			parts[2].body = []byte(`<w:document ` + w + `><w:body><w:p>` + tt.body + `</w:p></w:body></w:document>`)
			out, err := cleanDOCX(t, buildZip(t, parts...))
			if err != nil {
				t.Fatal(err)
			}
			doc := string(testenv.DOCXParts(t, out)["word/document.xml"])
			if tt.gone != "" && strings.Contains(doc, tt.gone) || !strings.Contains(doc, tt.kept) {
				t.Errorf("want %q gone and %q kept:\n%s", tt.gone, tt.kept, doc)
			}
		})
	}
}

func TestCleanDOCXRefuses(t *testing.T) {
	withRel := func(typ, target string) []byte {
		parts := docxParts(docxMainType)
		parts = append(parts, zipEntry{"word/_rels/document.xml.rels", []byte(`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId9" Type="` + typ + `" Target="` + target + `"/></Relationships>`)},
			zipEntry{"word/embeddings/x.bin", []byte("MZ")})
		return buildZip(t, parts...)
	}
	tiff := docxParts(docxMainType)
	tiff = append(tiff, zipEntry{"word/_rels/document.xml.rels", []byte(`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
		`<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/a.tif"/></Relationships>`)},
		zipEntry{"word/media/a.tif", []byte("II*\x00 GPS here")})
	tests := []struct {
		name   string
		in     []byte
		reason string
	}{
		{"macro-enabled behind a character reference", buildZip(t, docxParts("application/vnd.ms-word.document.macro&#69;nabled.main+xml")...), "macros"},
		{"OLE object", withRel("http://schemas.openxmlformats.org/officeDocument/2006/relationships/oleObject", "embeddings/x.bin"), "embedded objects"},
		{"ActiveX control", withRel("http://schemas.openxmlformats.org/officeDocument/2006/relationships/control", "embeddings/x.bin"), "ActiveX"},
		{"VBA project by relationship", withRel("http://schemas.microsoft.com/office/2006/relationships/vbaProject", "embeddings/x.bin"), "macros"},
		{"TIFF picture", buildZip(t, tiff...), "TIFF"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := cleanDOCX(t, tt.in)
			reason, ok := Reason(err)
			if !errors.Is(err, ErrUnsupported) || !ok || !strings.Contains(reason, tt.reason) {
				t.Fatalf("CleanDOCX = %v; want a refusal mentioning %q", err, tt.reason)
			}
		})
	}
}

func TestCleanPDFRemovesTracesAndActions(t *testing.T) {
	in := testenv.PDFWithTraces(t)
	if n := len(testenv.PDFLeaks(t, in)); n < len(testenv.PDFTraces()) {
		t.Fatalf("the fixture holds %d traces, fewer than the %d listed", n, len(testenv.PDFTraces()))
	}
	var out bytes.Buffer
	if err := CleanPDF(context.Background(), &out, bytes.NewReader(in), int64(len(in)), NewBudget(DefaultBudget)); err != nil {
		t.Fatalf("CleanPDF: %v", err)
	}
	for _, leak := range testenv.PDFLeaks(t, out.Bytes()) { // also validates the output
		t.Errorf("survived cleaning: %s", leak)
	}
	all := bytes.Join(slices.Collect(maps.Values(testenv.PDFTexts(t, out.Bytes()))), nil)
	for _, keep := range []string{"https://example.org/source", "check this", "DCTDecode"} {
		if !bytes.Contains(all, []byte(keep)) {
			t.Errorf("the output lost %q", keep)
		}
	}
	// The photo is still a JPEG that decodes.
	ctx, _ := api.ReadContext(bytes.NewReader(out.Bytes()), pdfConfig())
	images := 0
	for _, e := range ctx.Table {
		if sd, ok := e.Object.(types.StreamDict); ok && sd.Subtype() != nil && *sd.Subtype() == "Image" {
			images++
			if _, err := jpeg.Decode(bytes.NewReader(sd.Raw)); err != nil {
				t.Errorf("the photo no longer decodes: %v", err)
			}
		}
	}
	if images != 1 {
		t.Errorf("%d pictures in the output, want 1", images)
	}
}

func TestCleanPDFRefuses(t *testing.T) {
	encrypt := func(user string) []byte {
		pdfConfig() // keeps pdfcpu's configuration off the disk
		var out bytes.Buffer
		if err := api.Encrypt(bytes.NewReader(testenv.MinimalPDF()), &out, model.NewAESConfiguration(user, "owner", 256)); err != nil {
			t.Fatal(err)
		}
		return out.Bytes()
	}
	tests := []struct {
		name   string
		in     []byte
		reason string
	}{
		{"not really a PDF", []byte("%PDF-1.4\n%%EOF\n"), "damaged"},
		{"opens only with a password", encrypt("user"), "damaged"},
		{"encrypted with an owner password only", encrypt(""), "encrypted"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			err := CleanPDF(context.Background(), &out, bytes.NewReader(tt.in), int64(len(tt.in)), NewBudget(DefaultBudget))
			reason, ok := Reason(err)
			if !errors.Is(err, ErrUnsupported) || !ok || !strings.Contains(reason, tt.reason) {
				t.Fatalf("CleanPDF = %v; want a refusal mentioning %q", err, tt.reason)
			}
		})
	}
}

func TestStripJPEGMetadata(t *testing.T) {
	in := jpegWithMetadata(t, 40, 20)
	out, ok := stripJPEGMetadata(in)
	if !ok {
		t.Fatal("stripJPEGMetadata refused a camera JPEG")
	}
	if leaks := checkNoLeak(out); len(leaks) > 0 {
		t.Errorf("left: %v", leaks)
	}
	if _, err := jpeg.Decode(bytes.NewReader(out)); err != nil {
		t.Errorf("no longer decodes: %v", err)
	}
	if _, ok := stripJPEGMetadata([]byte("\xff\xd8\xff\xe1\x00")); ok {
		t.Error("a truncated JPEG was accepted")
	}
}

// flatePDF is a one-page PDF whose content stream is data, declared with
// as many FlateDecode filters as layers.
func flatePDF(t *testing.T, data []byte, layers int) []byte {
	t.Helper()
	filters := strings.TrimSpace(strings.Repeat("/FlateDecode ", layers))
	pdf := testenv.MinimalPDF()
	// Object 3 gains a content stream, object 4, appended with its own
	// cross-reference section after the original file (an update).
	page := bytes.Replace(pdf, []byte("/MediaBox [0 0 200 200] >>"), []byte("/MediaBox [0 0 200 200] /Contents 4 0 R >>"), 1)
	var b bytes.Buffer
	b.Write(page)
	off3 := bytes.Index(page, []byte("3 0 obj"))
	off4 := b.Len()
	fmt.Fprintf(&b, "4 0 obj\n<< /Length %d /Filter [%s] >>\nstream\n", len(data), filters)
	b.Write(data)
	b.WriteString("\nendstream\nendobj\n")
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n3 2\n%010d 00000 n \n%010d 00000 n \ntrailer\n<< /Size 5 /Root 1 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n",
		off3, off4, bytes.LastIndex(page, []byte("\nxref\n"))+1, xref)
	return b.Bytes()
}

// deflate compresses b, or n zero bytes when b is nil.
func deflate(t *testing.T, b []byte, zeros int64) []byte {
	t.Helper()
	var out bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&out, zlib.BestCompression)
	if b != nil {
		zw.Write(b)
	} else if _, err := io.CopyN(zw, zeroReader{}, zeros); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func TestCleanPDFRefusesFlateBombs(t *testing.T) {
	bomb := deflate(t, nil, 300<<20)
	tests := []struct {
		name string
		in   []byte
	}{
		{"300 MiB of zeros in a content stream", flatePDF(t, bomb, 1)},
		{"the same, deflated once more", flatePDF(t, deflate(t, bomb, 0), 2)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			err := CleanPDF(context.Background(), &out, bytes.NewReader(tt.in), int64(len(tt.in)), NewBudget(DefaultBudget))
			if !errors.Is(err, ErrBomb) {
				t.Fatalf("CleanPDF = %v; want ErrBomb", err)
			}
		})
	}
	// A small compressed content stream is a PDF like any other.
	ok := flatePDF(t, deflate(t, []byte("q 1 0 0 1 0 0 cm Q"), 0), 1)
	var out bytes.Buffer
	if err := CleanPDF(context.Background(), &out, bytes.NewReader(ok), int64(len(ok)), NewBudget(DefaultBudget)); err != nil {
		t.Fatalf("CleanPDF of a small Flate stream: %v", err)
	}
}

// TestCleanDOCXCutsCroppedPictures: Word keeps a cropped photo whole and
// shows part of it; what was cropped out must not be stored, unless the
// picture is shown twice.
func TestCleanDOCXCutsCroppedPictures(t *testing.T) {
	// Left half blue (shown), right half red (cropped out).
	img := image.NewRGBA(image.Rect(0, 0, 100, 60))
	draw.Draw(img, image.Rect(0, 0, 50, 60), image.NewUniform(color.RGBA{0, 0, 255, 255}), image.Point{}, draw.Src)
	draw.Draw(img, image.Rect(50, 0, 100, 60), image.NewUniform(color.RGBA{255, 0, 0, 255}), image.Point{}, draw.Src)
	var photo bytes.Buffer
	if err := jpeg.Encode(&photo, img, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	pic := `<w:r><w:drawing><a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><a:graphicData>` +
		`<pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:blipFill><a:blip r:embed="rId7"/>` +
		`<a:srcRect r="50000"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill></pic:pic></a:graphicData></a:graphic></w:drawing></w:r>`
	build := func(times int) []byte {
		parts := docxParts(docxMainType)
		parts[0].body = bytes.Replace(parts[0].body, []byte("<Default Extension=\"xml\""), []byte(`<Default Extension="jpeg" ContentType="image/jpeg"/><Default Extension="xml"`), 1)
		parts[2].body = []byte(`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" ` +
			`xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body><w:p>` +
			strings.Repeat(pic, times) + `</w:p></w:body></w:document>`)
		return buildZip(t, append(parts,
			zipEntry{"word/_rels/document.xml.rels", []byte(`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
				`<Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/p.jpeg"/></Relationships>`)},
			zipEntry{"word/media/p.jpeg", photo.Bytes()})...)
	}
	for _, tt := range []struct {
		times     int
		wantWidth int
		wantRect  bool
	}{{1, 50, false}, {2, 100, true}} {
		out, err := cleanDOCX(t, build(tt.times))
		if err != nil {
			t.Fatal(err)
		}
		parts := testenv.DOCXParts(t, out)
		got, err := jpeg.Decode(bytes.NewReader(parts["word/media/p.jpeg"]))
		if err != nil {
			t.Fatal(err)
		}
		if w := got.Bounds().Dx(); w != tt.wantWidth {
			t.Errorf("shown %d times: picture %d wide, want %d", tt.times, w, tt.wantWidth)
		}
		if tt.times == 1 && isRed(got.At(got.Bounds().Max.X-1, 30)) {
			t.Error("the cropped-out red half is still there")
		}
		if has := strings.Contains(string(parts["word/document.xml"]), "srcRect"); has != tt.wantRect {
			t.Errorf("shown %d times: srcRect kept %v, want %v", tt.times, has, tt.wantRect)
		}
	}
}
