package media

import (
	"context"
	"fmt"
	"io"
)

// Clean writes to w what StoryDesk stores of a file Detect accepted as t:
// a JPEG rebuilt from its DCT coefficients (CleanJPEG), a PNG or WebP cut
// down to the chunks that decoding needs (cleanPNG, cleanWebP), a Word document or a PDF
// rewritten without its metadata and active content (CleanDOCX, CleanPDF).
// No file is ever stored as it was uploaded. The memory decoding and
// parsing hold comes out of budget, shared by every request, waiting until
// ctx ends for room. It returns the type of what it wrote.
func Clean(ctx context.Context, w io.Writer, src io.ReadSeeker, size int64, t Type, maxPixels int, budget *Budget) (Type, error) {
	switch t {
	case JPEG:
		return CleanJPEG(ctx, w, src, size, maxPixels, budget)
	case PNG:
		return cleanPNG(ctx, w, src, size, maxPixels, budget)
	case WebP:
		return cleanWebP(ctx, w, src, size, maxPixels, budget)
	case DOCX, PDF:
		ra, ok := src.(io.ReaderAt)
		if !ok {
			return 0, fmt.Errorf("media: clean %s: the source cannot be read at offsets", t)
		}
		if t == DOCX {
			return t, CleanDOCX(ctx, w, ra, size, maxPixels, budget)
		}
		return t, CleanPDF(ctx, w, ra, size, budget)
	}
	return 0, fmt.Errorf("media: clean %s: %w", t, ErrUnsupported)
}
