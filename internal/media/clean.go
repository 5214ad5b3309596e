package media

import (
	"fmt"
	"io"
)

// Clean writes to w what StoryDesk stores of a file Detect accepted as t:
// an image rebuilt from its pixels (Reencode), a Word document or a PDF
// rewritten without its metadata and active content (CleanDOCX, CleanPDF).
// No file is ever stored as it was uploaded. It returns the content type of
// what it wrote.
func Clean(w io.Writer, src io.ReadSeeker, size int64, t Type, maxPixels int) (contentType string, err error) {
	switch t {
	case JPEG, PNG, WebP:
		return Reencode(w, src, t, maxPixels)
	case DOCX, PDF:
		ra, ok := src.(io.ReaderAt)
		if !ok {
			return "", fmt.Errorf("media: clean %s: the source cannot be read at offsets", t)
		}
		if t == DOCX {
			return t.ContentType(), CleanDOCX(w, ra, size, maxPixels)
		}
		return t.ContentType(), CleanPDF(w, ra, size)
	}
	return "", fmt.Errorf("media: clean %s: %w", t, ErrUnsupported)
}
