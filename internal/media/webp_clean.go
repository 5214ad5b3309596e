package media

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
)

// cleanWebP stores a WebP as its image chunks alone (rewriteWebP), turned
// upright from its pixels, as JPEG or PNG, when an EXIF chunk asks for a
// turn.
func cleanWebP(ctx context.Context, w io.Writer, src io.ReadSeeker, size int64, maxPixels int, budget *Budget) (Type, error) {
	return cleanFast(ctx, w, src, size, WebP, maxPixels, budget, rewriteWebP)
}

// webpChunk is one chunk of a RIFF WEBP file, without its padding.
type webpChunk struct {
	id   string
	data []byte
}

// rewriteWebP writes a new RIFF container around the image bitstream
// alone: a lossy VP8 or lossless VP8L image as a simple file, a lossy image
// with an ALPH chunk behind a VP8X header whose only flag is alpha. EXIF
// (read for its orientation first), XMP, ICCP and unknown chunks, chunks
// after a simple file's image and bytes past the RIFF size are dropped.
// Animated files (ANIM, ANMF) are not taken: Go cannot decode them, so
// they are refused as before. Chunk sizes, padding, the VP8X header and the
// bitstream headers are checked; anything unexpected returns errOdd.
func rewriteWebP(in []byte) (rewrite, error) {
	rw := rewrite{orientation: 1}
	if len(in) < 20 || string(in[:4]) != "RIFF" || string(in[8:12]) != "WEBP" {
		return rw, fmt.Errorf("%w: RIFF WEBP header", errOdd)
	}
	size := binary.LittleEndian.Uint32(in[4:])
	if size < 12 || uint64(size) > uint64(len(in)-8) {
		return rw, fmt.Errorf("%w: RIFF size %d for %d bytes", errOdd, size, len(in))
	}
	chunks, err := webpChunks(in[12 : 8+size])
	if err != nil {
		return rw, err
	}
	var alph, img *webpChunk
	w, h := -1, -1 // the VP8X canvas, when there is one
	switch chunks[0].id {
	case "VP8 ", "VP8L":
		img = &chunks[0] // a simple file: what follows its image is not part of it
		chunks = nil
	case "VP8X":
		if len(chunks[0].data) != 10 || chunks[0].data[0]&0x02 != 0 {
			return rw, fmt.Errorf("%w: VP8X header or animation", errOdd)
		}
		d := chunks[0].data
		w = int(d[4]) | int(d[5])<<8 | int(d[6])<<16 + 1
		h = int(d[7]) | int(d[8])<<8 | int(d[9])<<16 + 1
		chunks = chunks[1:]
	default:
		return rw, fmt.Errorf("%w: first chunk %q", errOdd, chunks[0].id)
	}
	seenEXIF := false
	for i := range chunks {
		c := &chunks[i]
		switch c.id {
		case "ALPH":
			if alph != nil || img != nil {
				return rw, fmt.Errorf("%w: ALPH out of place", errOdd)
			}
			alph = c
		case "VP8 ", "VP8L":
			if img != nil {
				return rw, fmt.Errorf("%w: second image chunk", errOdd)
			}
			img = c
		case "VP8X", "ANIM", "ANMF":
			return rw, fmt.Errorf("%w: %s in an extended file", errOdd, c.id)
		case "EXIF":
			if !seenEXIF {
				rw.orientation, seenEXIF = exifOrientation(c.data), true
			}
		}
	}
	if img == nil {
		return rw, fmt.Errorf("%w: no image chunk", errOdd)
	}
	iw, ih, err := webpImageSize(*img)
	if err != nil {
		return rw, err
	}
	if w >= 0 && (iw != w || ih != h) {
		return rw, fmt.Errorf("%w: canvas %d×%d, image %d×%d", errOdd, w, h, iw, ih)
	}
	if img.id == "VP8L" {
		alph = nil // VP8L carries its own alpha; decoders ignore ALPH beside it
	}
	var keep []webpChunk
	if alph != nil {
		if err := webpCheckALPH(alph.data, iw, ih); err != nil {
			return rw, err
		}
		vp8x := make([]byte, 10)
		vp8x[0] = 0x10 // alpha, and no other flag: ICC, EXIF, XMP and animation are gone
		vp8x[4], vp8x[5], vp8x[6] = byte(iw-1), byte((iw-1)>>8), byte((iw-1)>>16)
		vp8x[7], vp8x[8], vp8x[9] = byte(ih-1), byte((ih-1)>>8), byte((ih-1)>>16)
		keep = append(keep, webpChunk{"VP8X", vp8x}, *alph)
	}
	keep = append(keep, *img)
	rw.out = webpFile(keep)
	return rw, nil
}

// webpChunks splits a RIFF body (after "WEBP") into its chunks, each
// followed by a pad byte when its size is odd. The sizes must add up to the
// body exactly.
func webpChunks(body []byte) ([]webpChunk, error) {
	var chunks []webpChunk
	for len(body) > 0 {
		if len(body) < 8 {
			return nil, fmt.Errorf("%w: %d stray bytes at the end of the RIFF body", errOdd, len(body))
		}
		n := uint64(binary.LittleEndian.Uint32(body[4:]))
		padded := n + n&1
		if padded > uint64(len(body)-8) {
			return nil, fmt.Errorf("%w: %q chunk of %d bytes overruns the RIFF body", errOdd, body[:4], n)
		}
		chunks = append(chunks, webpChunk{id: string(body[:4]), data: body[8 : 8+n]})
		body = body[8+padded:]
	}
	if len(chunks) == 0 {
		return nil, fmt.Errorf("%w: empty RIFF body", errOdd)
	}
	return chunks, nil
}

// webpImageSize checks a VP8 key frame header or a VP8L header and returns
// the image's size.
func webpImageSize(c webpChunk) (int, int, error) {
	d := c.data
	if c.id == "VP8L" {
		if len(d) < 5 || d[0] != 0x2f {
			return 0, 0, fmt.Errorf("%w: VP8L signature", errOdd)
		}
		bits := binary.LittleEndian.Uint32(d[1:])
		if bits>>29 != 0 { // version 0 is the only one
			return 0, 0, fmt.Errorf("%w: VP8L version %d", errOdd, bits>>29)
		}
		return int(bits&0x3fff) + 1, int(bits>>14&0x3fff) + 1, nil
	}
	if len(d) < 10 {
		return 0, 0, fmt.Errorf("%w: VP8 frame header", errOdd)
	}
	tag := uint32(d[0]) | uint32(d[1])<<8 | uint32(d[2])<<16
	keyFrame, version, shown, first := tag&1 == 0, tag>>1&7, tag>>4&1 == 1, tag>>5
	if !keyFrame || version > 3 || !shown || int(first) > len(d)-10 || d[3] != 0x9d || d[4] != 0x01 || d[5] != 0x2a {
		return 0, 0, fmt.Errorf("%w: VP8 frame header % x", errOdd, d[:10])
	}
	w, h := int(binary.LittleEndian.Uint16(d[6:])&0x3fff), int(binary.LittleEndian.Uint16(d[8:])&0x3fff)
	if w == 0 || h == 0 {
		return 0, 0, fmt.Errorf("%w: VP8 size %d×%d", errOdd, w, h)
	}
	return w, h, nil
}

// webpCheckALPH checks the alpha chunk's header byte as libwebp does
// (reserved bits clear, no or lossless compression, a known filter and
// pre-processing) and that an uncompressed plane is whole.
func webpCheckALPH(d []byte, w, h int) error {
	if len(d) < 1 {
		return fmt.Errorf("%w: empty ALPH", errOdd)
	}
	compression, preprocessing := d[0]&3, d[0]>>4&3
	if d[0]>>6 != 0 || compression > 1 || preprocessing > 1 ||
		compression == 0 && int64(len(d)-1) < int64(w)*int64(h) {
		return fmt.Errorf("%w: ALPH header %#x", errOdd, d[0])
	}
	return nil
}

// webpFile writes a RIFF WEBP file of chunks, padding odd sizes with a
// zero byte.
func webpFile(chunks []webpChunk) []byte {
	size := 4
	for _, c := range chunks {
		size += 8 + len(c.data) + len(c.data)&1
	}
	out := make([]byte, 0, 8+size)
	out = append(out, "RIFF"...)
	out = binary.LittleEndian.AppendUint32(out, uint32(size))
	out = append(out, "WEBP"...)
	for _, c := range chunks {
		out = append(out, c.id...)
		out = binary.LittleEndian.AppendUint32(out, uint32(len(c.data)))
		out = append(out, c.data...)
		if len(c.data)&1 == 1 {
			out = append(out, 0)
		}
	}
	return out
}
