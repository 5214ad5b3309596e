package media

import (
	"archive/zip"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
)

const (
	// maxZipEntries is far above the few dozen parts of a real document.
	maxZipEntries = 1000
	// maxZipUncompressed bounds what a DOCX may expand to in total.
	maxZipUncompressed = 100 << 20
	// maxZipRatio is the most any one entry may expand; text compresses
	// about 10:1, while a ZIP bomb of zeros reaches 1000:1.
	maxZipRatio = 100
	// minRatioCheck exempts small entries from the ratio limit: a few
	// hundred KiB of repetitive XML can exceed it honestly and harms no one.
	minRatioCheck = 1 << 20
	// maxContentTypesBytes caps the one part Detect decompresses.
	maxContentTypesBytes = 1 << 20
)

// checkDOCX accepts a ZIP only if it is a Word document without macros
// whose declared sizes are safe for later steps to decompress. Only
// [Content_Types].xml is decompressed here, and archive/zip stops reading
// an entry that runs past its declared size, so the limits below hold even
// when the archive lies about them.
func checkDOCX(r io.ReaderAt, size int64) error {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return reject("the ZIP archive is damaged")
	}
	if len(zr.File) > maxZipEntries {
		return rejectBomb(fmt.Sprintf("the document has more than %d parts", maxZipEntries))
	}

	var total uint64
	var contentTypes, document *zip.File
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if total > maxZipUncompressed {
			return rejectBomb("the document expands to more than 100 MiB")
		}
		if f.UncompressedSize64 > minRatioCheck && f.UncompressedSize64/maxZipRatio > f.CompressedSize64 {
			return rejectBomb("the document contains a part that expands too much")
		}
		// Part names are case-insensitive in Office Open XML.
		name := strings.ToLower(f.Name)
		switch {
		case name == "[content_types].xml":
			contentTypes = f
		case name == "word/document.xml":
			document = f
		case strings.HasSuffix(name, "vbaproject.bin"):
			return rejectActive("vbaproject")
		case strings.Contains(name, "activex"):
			return rejectActive("activex")
		}
	}
	if contentTypes == nil || document == nil {
		return reject("ZIP archives are not accepted, only Word documents (.docx)")
	}

	types, err := readContentTypes(contentTypes)
	if err != nil {
		return err
	}
	return types.check()
}

// contentTypes is [Content_Types].xml: the type of every part, by extension
// (Default) or by name (Override). encoding/xml decodes character references,
// so "macro&#69;nabled" is read as the "macroEnabled" Word itself would see.
type contentTypes struct {
	Defaults  []typeDefault  `xml:"Default"`
	Overrides []typeOverride `xml:"Override"`
}

type typeDefault struct {
	Extension   string `xml:"Extension,attr"`
	ContentType string `xml:"ContentType,attr"`
}

type typeOverride struct {
	PartName    string `xml:"PartName,attr"`
	ContentType string `xml:"ContentType,attr"`
}

// activeContentTypes are the parts that carry code Word can run: macros,
// their bindings and toolbars, ActiveX controls and OLE objects.
var activeContentTypes = []string{
	"macroenabled", "vbaproject", "vbadata", "keymapcustomizations", "attachedtoolbars",
	"activex", "oleobject",
}

func readContentTypes(f *zip.File) (*contentTypes, error) {
	raw, err := readLimited(f, maxContentTypesBytes)
	if err != nil {
		return nil, reject("the Word document is damaged")
	}
	var ct contentTypes
	if err := xml.Unmarshal([]byte(raw), &ct); err != nil {
		return nil, &RejectError{Reason: "the Word document is damaged", Err: fmt.Errorf("%w: %w", ErrUnsupported, err)}
	}
	return &ct, nil
}

// check refuses active content and anything but a Word document: the main
// part must be declared exactly as a .docx's is.
func (ct *contentTypes) check() error {
	var all []string
	for _, d := range ct.Defaults {
		all = append(all, d.ContentType)
	}
	main := ""
	for _, o := range ct.Overrides {
		all = append(all, o.ContentType)
		if strings.EqualFold(strings.TrimSpace(o.PartName), "/word/document.xml") {
			main = strings.ToLower(strings.TrimSpace(o.ContentType))
		}
	}
	for _, t := range all {
		lower := strings.ToLower(t)
		for _, active := range activeContentTypes {
			if strings.Contains(lower, active) {
				return rejectActive(active)
			}
		}
	}
	if main != docxMainType {
		return reject("only Word documents (.docx) are accepted")
	}
	return nil
}

// docxMainType is the content type of a .docx's main part; a template,
// a macro-enabled document and a spreadsheet each declare another.
const docxMainType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"

// rejectActive refuses a document for the kind of active content it holds.
func rejectActive(kind string) error {
	switch kind {
	case "activex", "oleobject":
		return reject("documents with ActiveX controls or embedded objects are not accepted; save the document as .docx without them, or as PDF")
	}
	return reject("documents with macros are not accepted; save the document as .docx or PDF")
}

// readLimited decompresses a ZIP entry, refusing more than limit bytes.
func readLimited(f *zip.File, limit int64) (string, error) {
	rc, err := f.Open()
	if err != nil {
		return "", fmt.Errorf("media: open %s: %w", f.Name, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, limit+1))
	if err != nil {
		return "", fmt.Errorf("media: read %s: %w", f.Name, err)
	}
	if int64(len(b)) > limit {
		return "", fmt.Errorf("media: %s is larger than %d bytes", f.Name, limit)
	}
	return string(b), nil
}
