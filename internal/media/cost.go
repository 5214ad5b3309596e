package media

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/color"
	"io"
)

// decodeOverhead covers what a decode and re-encode allocate besides pixel
// buffers: read buffers, Huffman tables, the deflate compressor of the PNG
// encoder (about 1 MiB), the orientation reader's pipe and goroutine, and
// the transforms' goroutines; measured at under 2 MiB, with a margin.
const decodeOverhead = 3 << 20

// decodeCost returns the bytes that Reencode allocates for the image in src,
// read from its header alone: the decoder's buffers at the bit depth and
// channel count it will really use (a 16-bit RGBA PNG decodes to 8 bytes a
// pixel, a progressive JPEG keeps every DCT coefficient as well), its
// temporary copies, and the upright copy that EXIF orientation makes.
// The header was read once already by decodeConfig, so cfg is trusted.
func decodeCost(src io.ReadSeeker, t Type, cfg image.Config) (int64, error) {
	if _, err := src.Seek(0, io.SeekStart); err != nil {
		return 0, fmt.Errorf("media: rewind image: %w", err)
	}
	r := bufio.NewReaderSize(src, 4096)
	w, h := int64(cfg.Width), int64(cfg.Height)
	var pix int64
	var err error
	switch t {
	case JPEG:
		pix, err = jpegCost(r, w, h, cfg.ColorModel == color.RGBAModel)
	case PNG:
		pix, err = pngCost(r, w, h)
	case WebP:
		pix, err = webpCost(r, w, h)
	default:
		return 0, fmt.Errorf("media: cost of %s: %w", t, ErrUnsupported)
	}
	if err != nil {
		return 0, &RejectError{Reason: "the image is damaged", Err: fmt.Errorf("%w: %w", ErrUnsupported, err)}
	}
	// Row buffers of the PNG codec and the scanners of the transforms: a
	// few rows of up to 8 bytes a pixel.
	return pix + 16*8*w + decodeOverhead, nil
}

var errHeader = errors.New("malformed image header")

// jpegCost follows image/jpeg: the YCbCr (or gray) planes rounded up to
// whole MCUs, the black plane and CMYK image of a 4-component file, the RGBA
// copy of an RGB one, 256 bytes per 8×8 block of every component while a
// progressive file is decoded, and imaging's upright NRGBA copy.
func jpegCost(r *bufio.Reader, w, h int64, rgb bool) (int64, error) {
	progressive, comps, err := jpegFrame(r)
	if err != nil {
		return 0, err
	}
	if len(comps) == 1 {
		comps[0] = [2]int64{1, 1} // image/jpeg ignores a gray image's sampling factors
	}
	h0, v0 := comps[0][0], comps[0][1]
	mxx, myy := (w+8*h0-1)/(8*h0), (h+8*v0-1)/(8*v0)
	var cost int64
	for i, c := range comps {
		plane := c
		if i == 2 {
			plane = comps[1] // image.NewYCbCr sizes Cr like Cb
		}
		cost += 64 * mxx * myy * plane[0] * plane[1]
		if progressive {
			cost += 256 * mxx * myy * c[0] * c[1]
		}
	}
	if rgb || len(comps) == 4 {
		cost += 4 * w * h // the RGBA or CMYK image made from the planes
	}
	return cost + 4*w*h, nil // upright copy
}

// jpegFrame reads the markers up to the frame header and returns whether the
// file is progressive and each component's sampling factors.
func jpegFrame(r *bufio.Reader) (progressive bool, comps [][2]int64, err error) {
	var soi [2]byte
	if _, err := io.ReadFull(r, soi[:]); err != nil || soi != [2]byte{0xff, 0xd8} {
		return false, nil, errHeader
	}
	for {
		b, err := r.ReadByte()
		if err != nil {
			return false, nil, err
		}
		if b != 0xff {
			continue
		}
		marker, err := r.ReadByte()
		for err == nil && marker == 0xff {
			marker, err = r.ReadByte()
		}
		if err != nil {
			return false, nil, err
		}
		if marker == 0 || marker == 0x01 || (marker >= 0xd0 && marker <= 0xd7) {
			continue // stuffed byte, TEM or RSTn: no length follows
		}
		var lenBuf [2]byte
		if _, err := io.ReadFull(r, lenBuf[:]); err != nil {
			return false, nil, err
		}
		n := int(binary.BigEndian.Uint16(lenBuf[:])) - 2
		if n < 0 {
			return false, nil, errHeader
		}
		if marker == 0xc0 || marker == 0xc1 || marker == 0xc2 {
			seg := make([]byte, n)
			if _, err := io.ReadFull(r, seg); err != nil {
				return false, nil, err
			}
			if len(seg) < 6 || len(seg) < 6+3*int(seg[5]) || seg[5] == 0 {
				return false, nil, errHeader
			}
			for i := range int(seg[5]) {
				hv := seg[6+3*i+1]
				comps = append(comps, [2]int64{max(int64(hv>>4), 1), max(int64(hv&0x0f), 1)})
			}
			return marker == 0xc2, comps, nil
		}
		if marker == 0xda || marker == 0xd9 {
			return false, nil, errHeader // scan or end before the frame header
		}
		if _, err := r.Discard(n); err != nil {
			return false, nil, err
		}
	}
}

// pngCost follows image/png: the image at the depth its IHDR declares, in
// RGBA form when a tRNS chunk makes gray or truecolor pixels transparent,
// and once more for an interlaced file, whose seven passes are decoded
// into images of their own before being merged.
func pngCost(r *bufio.Reader, w, h int64) (int64, error) {
	var sig [8]byte
	if _, err := io.ReadFull(r, sig[:]); err != nil {
		return 0, err
	}
	var depth, colorType, interlace byte
	transparent := false
	for {
		var hdr [8]byte
		if _, err := io.ReadFull(r, hdr[:]); err != nil {
			return 0, err
		}
		n := int(binary.BigEndian.Uint32(hdr[:4]))
		typ := string(hdr[4:])
		if typ == "IDAT" {
			break
		}
		if typ == "IHDR" {
			var ihdr [13]byte
			if n != len(ihdr) {
				return 0, errHeader
			}
			if _, err := io.ReadFull(r, ihdr[:]); err != nil {
				return 0, err
			}
			depth, colorType, interlace = ihdr[8], ihdr[9], ihdr[12]
			n = 0
		}
		transparent = transparent || typ == "tRNS"
		if _, err := r.Discard(n + 4); err != nil { // data and CRC
			return 0, err
		}
	}
	var bytesPerPixel int64
	switch {
	case colorType == 3: // paletted, at any depth
		bytesPerPixel = 1
	case depth == 16:
		bytesPerPixel = 8 // RGBA64 or NRGBA64; Gray16 without tRNS needs only 2
	case colorType == 0 && !transparent:
		bytesPerPixel = 1
	default:
		bytesPerPixel = 4
	}
	cost := bytesPerPixel * w * h
	if interlace != 0 {
		cost *= 2
	}
	if depth == 16 {
		// image/png encodes 16-bit pixels through At, which puts each
		// pixel's colour on the heap: garbage, but memory until collected.
		cost += 8 * w * h
	}
	return cost, nil
}

// webpCost follows golang.org/x/image/webp: a lossy frame decodes to YCbCr
// 4:2:0 rounded up to 16×16 macroblocks, with its compressed partitions read
// into memory; an alpha plane takes a byte a pixel, and when compressed it
// is first decoded as a whole lossless image; a lossless image keeps its
// packed pixels, the unpacked ones and its entropy images.
func webpCost(r *bufio.Reader, w, h int64) (int64, error) {
	var riff [12]byte
	if _, err := io.ReadFull(r, riff[:]); err != nil {
		return 0, err
	}
	lossless := 9 * w * h
	var cost int64
	for {
		var hdr [8]byte
		if _, err := io.ReadFull(r, hdr[:]); err != nil {
			return 0, err
		}
		n := int64(binary.LittleEndian.Uint32(hdr[4:]))
		switch string(hdr[:4]) {
		case "ALPH":
			compression, err := r.Peek(1)
			if err != nil {
				return 0, err
			}
			cost += w * h
			if compression[0]&0x03 != 0 {
				cost += lossless
			}
		case "VP8 ":
			mbw, mbh := (w+15)/16, (h+15)/16
			return cost + 384*mbw*mbh + 4*mbw*mbh + n, nil
		case "VP8L":
			return cost + lossless, nil
		}
		// Chunks are padded to an even length.
		if _, err := r.Discard(int(n + n&1)); err != nil {
			return 0, err
		}
	}
}
