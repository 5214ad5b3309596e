package media

import (
	"archive/zip"
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
		case strings.HasSuffix(name, "vbaproject.bin") || strings.Contains(name, "activex"):
			return reject("documents with macros are not accepted; save the document as .docx or PDF")
		}
	}
	if contentTypes == nil || document == nil {
		return reject("ZIP archives are not accepted, only Word documents (.docx)")
	}

	types, err := readLimited(contentTypes, maxContentTypesBytes)
	if err != nil {
		return reject("the Word document is damaged")
	}
	lower := strings.ToLower(types)
	if strings.Contains(lower, "macroenabled") || strings.Contains(lower, "vbaproject") {
		return reject("documents with macros are not accepted; save the document as .docx or PDF")
	}
	if !strings.Contains(lower, "wordprocessingml") {
		return reject("only Word documents (.docx) are accepted")
	}
	return nil
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
