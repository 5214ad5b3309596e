package media

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"

	"github.com/disintegration/imaging"
	"golang.org/x/image/webp"
)

// errOdd marks a PNG or WebP that the whitelist rewrite does not take as
// it is (a chunk out of order, a bad CRC, a size that does not add up):
// such a file goes the slow way, rebuilt from its pixels, or is refused if
// Go cannot decode it either. No byte the parser did not check is copied.
var errOdd = errors.New("media: image structure not taken by the whitelist rewrite")

// rewrite is what a whitelist parser makes of a file: the bytes to store,
// and the EXIF orientation the dropped metadata asked for (1 when none).
type rewrite struct {
	out         []byte
	orientation int
}

// cleanFast stores a PNG or WebP by keeping only the chunks decoding needs
// (parse), after the same limits as Reencode: a header declaring more than
// maxPixels pixels is refused with ErrTooManyPixels and one whose decoding
// would need more than the whole budget with a *MemoryError. The memory it
// holds (the file, its rewrite and the verifying decode) comes out of
// budget. A file the parser finds odd, or whose EXIF orientation asks for a
// turn, is rebuilt from its pixels instead (rare: phones write PNG and WebP
// upright).
func cleanFast(ctx context.Context, w io.Writer, src io.ReadSeeker, size int64, t Type, maxPixels int, budget *Budget,
	parse func([]byte) (rewrite, error)) (Type, error) {
	cfg, cost, err := admitImage(src, t, maxPixels, budget)
	if err != nil {
		return 0, err
	}
	if size <= 0 || size > budget.Size() {
		return 0, &MemoryError{Need: size, Budget: budget.Size()}
	}
	// The file and its rewrite (never larger) are held beside the decode.
	release, err := budget.reserve(ctx, cost+2*size)
	if err != nil {
		return 0, err
	}
	defer release()
	in := make([]byte, size)
	if _, err := src.Seek(0, io.SeekStart); err != nil {
		return 0, fmt.Errorf("media: rewind image: %w", err)
	}
	if _, err := io.ReadFull(src, in); err != nil {
		return 0, fmt.Errorf("media: read image: %w", err)
	}
	rw, err := parse(in)
	if err == nil && rw.orientation == 1 {
		if err = verifyDecodes(rw.out, t, cfg); err == nil {
			if _, err := w.Write(rw.out); err != nil {
				return 0, fmt.Errorf("media: write %s: %w", t, err)
			}
			return t, nil
		}
	}
	if err != nil && !errors.Is(err, errOdd) {
		return 0, err
	}
	rw.out = nil
	// The turn's upright copy, on top of what is held already.
	release2, err := budget.reserve(ctx, 4*int64(cfg.Width)*int64(cfg.Height))
	if err != nil {
		return 0, err
	}
	defer release2()
	return reencodeOriented(w, in, t, max(rw.orientation, 1))
}

// admitImage applies Reencode's limits from the header alone and returns
// the image's size and what decoding it costs.
func admitImage(src io.ReadSeeker, t Type, maxPixels int, budget *Budget) (image.Config, int64, error) {
	cfg, err := decodeConfig(src, t)
	if err != nil {
		return cfg, 0, err
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return cfg, 0, reject("the image is damaged")
	}
	if int64(cfg.Width)*int64(cfg.Height) > int64(maxPixels) {
		return cfg, 0, fmt.Errorf("media: %d×%d %s: %w", cfg.Width, cfg.Height, t, ErrTooManyPixels)
	}
	cost, err := decodeCost(src, t, cfg)
	if err != nil {
		return cfg, 0, err
	}
	if cost > budget.Size() {
		return cfg, 0, &MemoryError{Need: cost, Budget: budget.Size()}
	}
	return cfg, cost, nil
}

// verifyDecodes decodes the rewritten file with Go's decoder for its type,
// so that only a file whose every pixel decodes is stored: the compressed
// data is copied as it came, and a structure check alone would pass a
// corrupt or hostile bitstream on to the editors' viewers.
func verifyDecodes(b []byte, t Type, cfg image.Config) error {
	var img image.Image
	var err error
	switch t {
	case PNG:
		img, err = png.Decode(bytes.NewReader(b))
	case WebP:
		img, err = webp.Decode(bytes.NewReader(b))
	default:
		return fmt.Errorf("media: verify %s: %w", t, ErrUnsupported)
	}
	if err != nil {
		return fmt.Errorf("%w: decode: %w", errOdd, err)
	}
	if img.Bounds().Dx() != cfg.Width || img.Bounds().Dy() != cfg.Height {
		return fmt.Errorf("%w: decoded %v, header says %d×%d", errOdd, img.Bounds(), cfg.Width, cfg.Height)
	}
	return nil
}

// reencodeOriented is the slow way for a PNG or WebP: decoded with its own
// format's decoder, turned by orientation (imaging reads EXIF from JPEG
// only), and encoded as Reencode does.
func reencodeOriented(w io.Writer, in []byte, t Type, orientation int) (Type, error) {
	var img image.Image
	var err error
	if t == PNG {
		img, err = png.Decode(bytes.NewReader(in))
	} else {
		img, err = webp.Decode(bytes.NewReader(in))
	}
	if err != nil {
		return 0, &RejectError{Reason: "the image is damaged", Err: fmt.Errorf("%w: %w", ErrUnsupported, err)}
	}
	switch orientation {
	case 2:
		img = imaging.FlipH(img)
	case 3:
		img = imaging.Rotate180(img)
	case 4:
		img = imaging.FlipV(img)
	case 5:
		img = imaging.Transpose(img)
	case 6:
		img = imaging.Rotate270(img)
	case 7:
		img = imaging.Transverse(img)
	case 8:
		img = imaging.Rotate90(img)
	}
	out := outputType(img, t)
	if out == JPEG {
		err = jpeg.Encode(w, asRGBA(img), &jpeg.Options{Quality: jpegQuality})
	} else {
		err = (&png.Encoder{CompressionLevel: png.DefaultCompression}).Encode(w, img)
	}
	if err != nil {
		return 0, fmt.Errorf("media: encode %s: %w", out, err)
	}
	return out, nil
}

// exifOrientation reads the Orientation tag (0x0112) of IFD0 from an EXIF
// TIFF structure, with or without the "Exif\0\0" prefix JPEG puts before
// it. It returns 1 (as is) when the tag is absent or the structure cannot
// be read: a viewer could not read it either.
func exifOrientation(b []byte) int {
	b = bytes.TrimPrefix(b, []byte("Exif\x00\x00"))
	if len(b) < 8 {
		return 1
	}
	var order binary.ByteOrder
	switch string(b[:4]) {
	case "II*\x00":
		order = binary.LittleEndian
	case "MM\x00*":
		order = binary.BigEndian
	default:
		return 1
	}
	ifd := int64(order.Uint32(b[4:]))
	if ifd < 8 || ifd+2 > int64(len(b)) {
		return 1
	}
	n := int64(order.Uint16(b[ifd:]))
	for i := range n {
		e := ifd + 2 + 12*i
		if e+12 > int64(len(b)) {
			return 1
		}
		if order.Uint16(b[e:]) != 0x0112 {
			continue
		}
		if order.Uint16(b[e+2:]) != 3 || order.Uint32(b[e+4:]) != 1 { // one SHORT
			return 1
		}
		if v := int(order.Uint16(b[e+8:])); v >= 1 && v <= 8 {
			return v
		}
		return 1
	}
	return 1
}
