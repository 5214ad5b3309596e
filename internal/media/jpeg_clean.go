package media

import (
	"bufio"
	"context"
	"fmt"
	"io"
)

// CleanJPEG writes to w the JPEG in src rebuilt from its DCT coefficients
// alone: a fresh JFIF header, the quantisation tables, the frame and one
// baseline scan re-coded with the standard Huffman tables. Every APPn
// segment (EXIF with GPS, XMP, IPTC, ICC, MPF, maker notes and their
// thumbnails), every comment and all that follows the end of the image
// (depth maps, motion-photo videos) is gone, and so are any bytes hidden in
// the original entropy-coded data, which is decoded, never copied. An EXIF
// orientation other than 1 is applied losslessly by moving coefficient
// blocks, as jpegtran -trim does. The pixels are those of the original:
// nothing is decoded to pixels or quantised again.
//
// JPEGs outside what phones and cameras write (CMYK, RGB, 12-bit,
// arithmetic-coded, unusual sampling, anything malformed) take Reencode's
// path from pixels instead, which refuses what it cannot decode. The memory
// the file and its coefficients hold comes out of budget as in Reencode.
func CleanJPEG(ctx context.Context, w io.Writer, src io.ReadSeeker, size int64, maxPixels int, budget *Budget) (Type, error) {
	cfg, err := decodeConfig(src, JPEG)
	if err != nil {
		return 0, err
	}
	if int64(cfg.Width)*int64(cfg.Height) > int64(maxPixels) {
		return 0, fmt.Errorf("media: %d×%d %s: %w", cfg.Width, cfg.Height, JPEG, ErrTooManyPixels)
	}
	coef, ok := jpegCoefCost(src, int64(cfg.Width), int64(cfg.Height))
	if !ok || size <= 0 {
		return Reencode(ctx, w, src, JPEG, maxPixels, budget)
	}
	// The coefficients, the file and the output, about the file's size.
	release, err := budget.reserve(ctx, coef+2*size+size/4+64<<10)
	if err != nil {
		return 0, err
	}
	out, err := rewriteJPEG(src, size, coef)
	if err == errJPEGScans {
		release()
		return 0, err
	}
	if err != nil {
		release()
		return Reencode(ctx, w, src, JPEG, maxPixels, budget)
	}
	defer release()
	if _, err := w.Write(out); err != nil {
		return 0, fmt.Errorf("media: write JPEG: %w", err)
	}
	return JPEG, nil
}

// rewriteJPEG reads the whole file and returns it rebuilt, or an error if
// anything in it is outside the segment rewrite. Its coefficients may take
// at most coef bytes, the memory reserved for them.
func rewriteJPEG(src io.ReadSeeker, size, coef int64) ([]byte, error) {
	if _, err := src.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	data := make([]byte, size)
	if _, err := io.ReadFull(src, data); err != nil {
		return nil, err
	}
	img, err := parseJPEGFrame(data)
	if err != nil {
		return nil, err
	}
	if 128*img.blocks() > coef {
		return nil, errJPEGFallback
	}
	if err := decodeJPEG(img, data); err != nil {
		return nil, err
	}
	return encodeJPEG(make([]byte, 0, size+size/4+4096), img)
}

// jpegCoefCost returns the bytes the coefficients of the JPEG in src take,
// 128 per 8×8 block on a grid of whole MCUs, from its frame header alone.
func jpegCoefCost(src io.ReadSeeker, w, h int64) (int64, bool) {
	if _, err := src.Seek(0, io.SeekStart); err != nil {
		return 0, false
	}
	_, comps, err := jpegFrame(bufio.NewReaderSize(src, 4096))
	if err != nil || len(comps) == 0 {
		return 0, false
	}
	if len(comps) == 1 {
		comps[0] = [2]int64{1, 1}
	}
	var hmax, vmax int64 = 1, 1
	for _, c := range comps {
		hmax, vmax = max(hmax, c[0]), max(vmax, c[1])
	}
	mx, my := (w+8*hmax-1)/(8*hmax), (h+8*vmax-1)/(8*vmax)
	var cost int64
	for _, c := range comps {
		cost += 128 * mx * c[0] * my * c[1]
	}
	return cost, true
}
