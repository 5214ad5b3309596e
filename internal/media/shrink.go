package media

import (
	"context"
	"errors"
	"fmt"
	"image/jpeg"
	"image/png"
	"io"

	"github.com/disintegration/imaging"
)

// ErrNotSmaller is returned by Shrink for an image already no wider than
// the width asked for.
var ErrNotSmaller = errors.New("media: image is not wider than the rendition")

// Size is an image's width and height in pixels.
type Size struct{ Width, Height int }

// SizeOf reads the size of the stored image in src from its header alone.
func SizeOf(src io.ReadSeeker, t Type) (Size, error) {
	cfg, err := decodeConfig(src, t)
	if err != nil {
		return Size{}, err
	}
	return Size{Width: cfg.Width, Height: cfg.Height}, nil
}

// Shrink writes to w a copy of the stored image in src (one Reencode wrote,
// so JPEG or PNG and already upright) scaled down to width pixels wide, in
// the same format, and returns its size. It reserves the decode and the
// scaled copy in budget first, as Reencode does. An image no wider than
// width is refused with ErrNotSmaller: the original is the small one.
func Shrink(ctx context.Context, w io.Writer, src io.ReadSeeker, t Type, width int, budget *Budget) (Size, error) {
	cfg, err := decodeConfig(src, t)
	if err != nil {
		return Size{}, err
	}
	if cfg.Width <= width {
		return Size{}, fmt.Errorf("media: shrink %d px to %d: %w", cfg.Width, width, ErrNotSmaller)
	}
	if int64(cfg.Width)*int64(cfg.Height) > DefaultMaxPixels {
		return Size{}, fmt.Errorf("media: %d×%d %s: %w", cfg.Width, cfg.Height, t, ErrTooManyPixels)
	}
	cost, err := decodeCost(src, t, cfg)
	if err != nil {
		return Size{}, err
	}
	height := max(1, cfg.Height*width/cfg.Width)
	cost += 4 * int64(width) * int64(cfg.Height+height) // imaging.Resize's two passes, NRGBA
	release, err := budget.reserve(ctx, cost)
	if err != nil {
		return Size{}, err
	}
	defer release()
	if _, err := src.Seek(0, io.SeekStart); err != nil {
		return Size{}, fmt.Errorf("media: rewind image: %w", err)
	}
	// No AutoOrientation: the stored image has no EXIF left to read.
	img, err := imaging.Decode(src)
	if err != nil {
		return Size{}, fmt.Errorf("media: shrink: decode: %w", err)
	}
	small := imaging.Resize(img, width, height, imaging.Lanczos)
	switch t {
	case JPEG:
		err = jpeg.Encode(w, asRGBA(small), &jpeg.Options{Quality: jpegQuality})
	case PNG:
		err = (&png.Encoder{CompressionLevel: png.DefaultCompression}).Encode(w, small)
	default:
		return Size{}, fmt.Errorf("media: shrink %s: %w", t, ErrUnsupported)
	}
	if err != nil {
		return Size{}, fmt.Errorf("media: shrink: encode %s: %w", t, err)
	}
	return Size{Width: width, Height: height}, nil
}
