package media

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
)

const pngSignature = "\x89PNG\r\n\x1a\n"

// cleanPNG stores a PNG as its critical chunks alone (rewritePNG), turned
// upright from its pixels when an eXIf chunk asks for a turn.
func cleanPNG(ctx context.Context, w io.Writer, src io.ReadSeeker, size int64, maxPixels int, budget *Budget) (Type, error) {
	return cleanFast(ctx, w, src, size, PNG, maxPixels, budget, rewritePNG)
}

// pngIHDR is what the kept chunks are checked against.
type pngIHDR struct {
	depth, colorType byte
}

// rewritePNG keeps, in this order, IHDR, PLTE (paletted images only),
// tRNS, the IDAT run and IEND, each checked (length, CRC, place, size) and
// copied with its CRC. Every ancillary chunk is dropped: eXIf (read for its
// orientation first), the text chunks tEXt, iTXt and zTXt, tIME, the colour
// chunks iCCP, sRGB, gAMA, cHRM, cICP and sBIT (an ICC profile names the
// device; the numbers of the others fingerprint the device or software, and
// the old path, which rebuilt every PNG, never kept them either: an untagged
// PNG is shown as sRGB, which is what phones and screenshots produce),
// pHYs and sPLT, private chunks, and APNG's acTL, fcTL and fdAT, which
// leaves the default image, as the old path did. Nothing after IEND is
// read. Anything unexpected returns errOdd.
func rewritePNG(in []byte) (rewrite, error) {
	rw := rewrite{orientation: 1}
	if !bytes.HasPrefix(in, []byte(pngSignature)) {
		return rw, fmt.Errorf("%w: PNG signature", errOdd)
	}
	out := make([]byte, 0, len(in))
	out = append(out, pngSignature...)
	var hdr pngIHDR
	var seenIHDR, seenPLTE, seenTRNS, seenEXIF bool
	palette := 0
	const noIDAT, inIDAT, pastIDAT = 0, 1, 2
	idat := noIDAT
	for p := len(pngSignature); ; {
		if len(in)-p < 12 {
			return rw, fmt.Errorf("%w: PNG ends without IEND", errOdd)
		}
		n := binary.BigEndian.Uint32(in[p:])
		if n > 1<<31-1 || uint64(n) > uint64(len(in)-p-12) {
			return rw, fmt.Errorf("%w: PNG chunk length %d", errOdd, n)
		}
		typ := string(in[p+4 : p+8])
		data := in[p+8 : p+8+int(n)]
		chunk := in[p : p+12+int(n)]
		p += 12 + int(n)
		if !pngChunkName(typ) {
			return rw, fmt.Errorf("%w: PNG chunk name %q", errOdd, typ)
		}
		if crc32.ChecksumIEEE(chunk[4:8+n]) != binary.BigEndian.Uint32(chunk[8+n:]) {
			return rw, fmt.Errorf("%w: PNG %s CRC", errOdd, typ)
		}
		if !seenIHDR && typ != "IHDR" {
			return rw, fmt.Errorf("%w: PNG starts with %s", errOdd, typ)
		}
		if idat == inIDAT && typ != "IDAT" {
			idat = pastIDAT
		}
		switch typ {
		case "IHDR":
			if seenIHDR {
				return rw, fmt.Errorf("%w: second IHDR", errOdd)
			}
			h, err := pngCheckIHDR(data)
			if err != nil {
				return rw, err
			}
			hdr, seenIHDR = h, true
			out = append(out, chunk...)
		case "PLTE":
			if seenPLTE || idat != noIDAT || seenTRNS || hdr.colorType == 0 || hdr.colorType == 4 ||
				n%3 != 0 || n == 0 || n > 3*256 {
				return rw, fmt.Errorf("%w: PLTE", errOdd)
			}
			seenPLTE, palette = true, int(n/3)
			if hdr.colorType != 3 {
				continue // a suggested palette for a truecolour image: not needed to decode it
			}
			if palette > 1<<hdr.depth {
				return rw, fmt.Errorf("%w: PLTE longer than the depth allows", errOdd)
			}
			out = append(out, chunk...)
		case "tRNS":
			ok := !seenTRNS && idat == noIDAT
			switch hdr.colorType {
			case 0:
				ok = ok && n == 2
			case 2:
				ok = ok && n == 6
			case 3:
				ok = ok && seenPLTE && int(n) <= palette
			default:
				ok = false
			}
			if !ok {
				return rw, fmt.Errorf("%w: tRNS", errOdd)
			}
			seenTRNS = true
			out = append(out, chunk...)
		case "IDAT":
			if idat == pastIDAT || hdr.colorType == 3 && !seenPLTE {
				return rw, fmt.Errorf("%w: IDAT out of place", errOdd)
			}
			idat = inIDAT
			out = append(out, chunk...)
		case "IEND":
			if n != 0 || idat == noIDAT {
				return rw, fmt.Errorf("%w: IEND", errOdd)
			}
			rw.out = append(out, chunk...)
			return rw, nil // anything after IEND is left behind unread
		case "eXIf":
			if !seenEXIF {
				rw.orientation, seenEXIF = exifOrientation(data), true
			}
		default:
			if typ[0]&0x20 == 0 { // a critical chunk this parser does not know
				return rw, fmt.Errorf("%w: critical chunk %s", errOdd, typ)
			}
		}
	}
}

// pngChunkName reports whether typ is four ASCII letters, as the PNG
// specification requires of every chunk type.
func pngChunkName(typ string) bool {
	for i := range len(typ) {
		c := typ[i] | 0x20
		if c < 'a' || c > 'z' {
			return false
		}
	}
	return len(typ) == 4
}

// pngCheckIHDR checks the header's size, depth and colour type pair,
// compression, filter and interlace methods.
func pngCheckIHDR(data []byte) (pngIHDR, error) {
	if len(data) != 13 {
		return pngIHDR{}, fmt.Errorf("%w: IHDR length %d", errOdd, len(data))
	}
	w, h := binary.BigEndian.Uint32(data), binary.BigEndian.Uint32(data[4:])
	hdr := pngIHDR{depth: data[8], colorType: data[9]}
	depths := map[byte][]byte{0: {1, 2, 4, 8, 16}, 2: {8, 16}, 3: {1, 2, 4, 8}, 4: {8, 16}, 6: {8, 16}}[hdr.colorType]
	if w == 0 || h == 0 || w > 1<<31-1 || h > 1<<31-1 || !bytes.Contains(depths, []byte{hdr.depth}) ||
		data[10] != 0 || data[11] != 0 || data[12] > 1 {
		return pngIHDR{}, fmt.Errorf("%w: IHDR % x", errOdd, data)
	}
	return hdr, nil
}
