package media

import (
	"context"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"

	"github.com/disintegration/imaging"
	"golang.org/x/image/webp"
)

// DefaultMaxPixels is a pixel budget for Reencode that admits any phone
// photo (a 200-megapixel sensor bins to 12.5 MP) while keeping a decoded
// image, at 4 bytes per pixel, well under a gigabyte.
const DefaultMaxPixels = 40_000_000

// jpegQuality keeps photos visually unchanged at about half the size of
// the camera's original.
const jpegQuality = 88

// Reencode decodes the image in src, turns it upright by its EXIF
// orientation and writes it to w rebuilt from its pixels alone, so that no
// EXIF, XMP, GPS, ICC profile, maker note, comment or embedded thumbnail
// survives. JPEG and PNG keep their format; WebP becomes PNG if it has any
// transparency and JPEG otherwise, as Go has no WebP encoder. It returns the
// type of what it wrote, which names and serves the stored file.
//
// From the header alone, an image declaring more than maxPixels pixels is
// refused with ErrTooManyPixels, and one whose decoding would allocate more
// than the whole budget with ErrTooMuchMemory. Otherwise Reencode waits,
// until ctx ends, for the budget to have room for it.
func Reencode(ctx context.Context, w io.Writer, src io.ReadSeeker, t Type, maxPixels int, budget *Budget) (Type, error) {
	return reencodeCropped(ctx, w, src, t, maxPixels, budget, nil)
}

// reencodeCropped is Reencode keeping only what crop leaves visible, when
// crop is not nil.
func reencodeCropped(ctx context.Context, w io.Writer, src io.ReadSeeker, t Type, maxPixels int, budget *Budget, crop *cropBox) (Type, error) {
	cfg, err := decodeConfig(src, t)
	if err != nil {
		return 0, err
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return 0, reject("the image is damaged")
	}
	// In int64 so that 50,000 × 50,000 cannot overflow on 32-bit builds.
	if int64(cfg.Width)*int64(cfg.Height) > int64(maxPixels) {
		return 0, fmt.Errorf("media: %d×%d %s: %w", cfg.Width, cfg.Height, t, ErrTooManyPixels)
	}
	cost, err := decodeCost(src, t, cfg)
	if err != nil {
		return 0, err
	}
	if crop != nil {
		cost += 4 * int64(cfg.Width) * int64(cfg.Height) // imaging.Crop's NRGBA copy, at most the whole picture
	}
	release, err := budget.reserve(ctx, cost)
	if err != nil {
		return 0, err
	}
	defer release()
	return reencode(w, src, t, crop)
}

// reencode decodes and writes the image once the budget holds its memory.
func reencode(w io.Writer, src io.ReadSeeker, t Type, crop *cropBox) (Type, error) {
	if _, err := src.Seek(0, io.SeekStart); err != nil {
		return 0, fmt.Errorf("media: rewind image: %w", err)
	}
	img, err := imaging.Decode(src, imaging.AutoOrientation(true))
	if err != nil {
		return 0, &RejectError{Reason: "the image is damaged", Err: fmt.Errorf("%w: %w", ErrUnsupported, err)}
	}
	if crop != nil {
		img = imaging.Crop(img, crop.visible(img.Bounds()))
	}

	out := outputType(img, t)
	switch out {
	case JPEG:
		err = jpeg.Encode(w, asRGBA(img), &jpeg.Options{Quality: jpegQuality})
	default:
		err = (&png.Encoder{CompressionLevel: png.DefaultCompression}).Encode(w, img)
	}
	if err != nil {
		return 0, fmt.Errorf("media: encode %s: %w", out, err)
	}
	return out, nil
}

// asRGBA lets the JPEG encoder take its fast path, which allocates nothing
// per pixel (its generic path boxes every pixel's colour on the heap): an
// opaque NRGBA image, as imaging makes when it turns a photo upright, has
// the very bytes of an RGBA one.
func asRGBA(img image.Image) image.Image {
	if n, ok := img.(*image.NRGBA); ok && n.Opaque() {
		return &image.RGBA{Pix: n.Pix, Stride: n.Stride, Rect: n.Rect}
	}
	return img
}

// decodeConfig reads only the image header, with the decoder for the sniffed
// type rather than the global registry, so a file cannot be measured as one
// format and decoded as another.
func decodeConfig(src io.ReadSeeker, t Type) (image.Config, error) {
	var decode func(io.Reader) (image.Config, error)
	switch t {
	case JPEG:
		decode = jpeg.DecodeConfig
	case PNG:
		decode = png.DecodeConfig
	case WebP:
		decode = webp.DecodeConfig
	default:
		return image.Config{}, fmt.Errorf("media: reencode %s: %w", t, ErrUnsupported)
	}
	if _, err := src.Seek(0, io.SeekStart); err != nil {
		return image.Config{}, fmt.Errorf("media: rewind image: %w", err)
	}
	cfg, err := decode(src)
	if err != nil {
		return image.Config{}, &RejectError{Reason: "the image is damaged", Err: fmt.Errorf("%w: %w", ErrUnsupported, err)}
	}
	return cfg, nil
}

// outputType picks the format to write: the input's own for JPEG and PNG;
// for WebP, PNG only when transparency needs keeping, as JPEG is smaller.
func outputType(img image.Image, in Type) Type {
	if in != WebP {
		return in
	}
	if o, ok := img.(interface{ Opaque() bool }); ok && o.Opaque() {
		return JPEG
	}
	return PNG
}
