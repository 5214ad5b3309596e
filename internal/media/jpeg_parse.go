package media

import (
	"encoding/binary"
	"errors"
)

// errJPEGFallback marks a JPEG that is valid but outside what the segment
// rewrite handles (12-bit, arithmetic coding, CMYK, RGB, unusual sampling):
// it goes through the pixel path instead.
var errJPEGFallback = errors.New("media: JPEG layout left to the pixel path")

// maxJPEGScans bounds the scans of a progressive JPEG. Each scan may walk
// every block of the image, so a small file of many empty scans could hold
// a core for minutes, in image/jpeg as here; encoders write about 10.
const maxJPEGScans = 64

// errJPEGScans refuses a progressive JPEG with more scans than that,
// without trying the pixel path, which has no such bound.
var errJPEGScans = &RejectError{Reason: "the JPEG has more progressive scans than any camera writes", Err: ErrUnsupported}

// jpegComponent is one colour component of a frame and its DCT
// coefficients, kept in zig-zag order on a grid of whole MCUs.
type jpegComponent struct {
	id     byte
	h, v   int // sampling factors
	tq     byte
	bw, bh int     // blocks across and down, padded to whole MCUs
	coef   []int16 // 64 per block, row by row
	dcSeen bool    // a scan has carried its DC coefficients
}

// jpegImage is what the segment rewrite keeps of a JPEG: the frame, its
// quantisation tables and the coefficients. Nothing else survives.
type jpegImage struct {
	width, height int
	progressive   bool
	extended      bool // SOF1: may use four Huffman tables of each kind
	comps         []jpegComponent
	hmax, vmax    int
	mcusX, mcusY  int
	quant         [4][64]uint16 // zig-zag order
	quantSet      [4]bool
	dc, ac        [4]huffDecoder
	restart       int  // MCUs per restart interval, 0 for none
	orientation   int  // EXIF orientation, 1 when absent
	adobeRGB      bool // an Adobe APP14 segment says the components are not YCbCr
	eobRun        int32
	scans         int
	next          int // offset in the file of the segment after the frame header
}

// parseJPEGFrame reads a JPEG's markers up to its frame header and returns
// the frame, without touching the coefficients: the caller reserves their
// memory before decodeJPEG allocates it.
func parseJPEGFrame(data []byte) (*jpegImage, error) {
	if len(data) < 4 || data[0] != 0xff || data[1] != 0xd8 {
		return nil, errJPEGData
	}
	img := &jpegImage{orientation: 1}
	pos, err := img.segments(data, 2, true)
	if err != nil {
		return nil, err
	}
	img.next = pos
	return img, nil
}

// segments walks the marker segments from pos. Until the frame header
// (frameOnly) it stops there and returns its end; otherwise it decodes
// every scan up to EOI. What follows EOI (a phone's depth map or motion
// video) is never read.
func (img *jpegImage) segments(data []byte, pos int, frameOnly bool) (int, error) {
	for {
		if pos+2 > len(data) || data[pos] != 0xff {
			return 0, errJPEGData
		}
		for pos+2 < len(data) && data[pos+1] == 0xff { // fill bytes
			pos++
		}
		marker := data[pos+1]
		pos += 2
		if marker == 0xd9 { // EOI
			if frameOnly {
				return 0, errJPEGData
			}
			return pos, img.complete()
		}
		if marker < 0xc0 || (marker >= 0xd0 && marker <= 0xd8) {
			return 0, errJPEGData // TEM, reserved, RSTn or SOI outside a scan
		}
		if pos+2 > len(data) {
			return 0, errJPEGData
		}
		n := int(binary.BigEndian.Uint16(data[pos:]))
		if n < 2 || pos+n > len(data) {
			return 0, errJPEGData
		}
		seg := data[pos+2 : pos+n]
		pos += n
		var err error
		switch {
		case marker == 0xc0 || marker == 0xc1 || marker == 0xc2:
			if err = img.frame(seg, marker); err == nil && frameOnly {
				return pos, nil
			}
		case marker == 0xc4:
			err = img.huffmanTables(seg)
		case marker == 0xdb:
			err = img.quantTables(seg)
		case marker == 0xdd:
			if len(seg) != 2 {
				return 0, errJPEGData
			}
			img.restart = int(binary.BigEndian.Uint16(seg))
		case marker == 0xda:
			if frameOnly || img.comps == nil {
				return 0, errJPEGData
			}
			if img.scans++; img.scans > maxJPEGScans {
				return 0, errJPEGScans
			}
			pos, err = img.scan(data, seg, pos)
		case marker == 0xe1:
			if img.orientation == 1 && len(seg) > 6 && string(seg[:6]) == "Exif\x00\x00" {
				img.orientation = exifOrientation(seg[6:])
			}
		case marker == 0xee:
			// Adobe's APP14 says whether 3 components are YCbCr or RGB;
			// anything but the YCbCr a fresh JFIF header declares goes to
			// the pixel path.
			if len(seg) >= 12 && string(seg[:5]) == "Adobe" && seg[11] != 1 {
				img.adobeRGB = true
			}
		case marker >= 0xe0 && marker <= 0xef || marker == 0xfe:
			// APPn and COM: metadata, dropped.
		default:
			// SOF3 and SOF5–15 (lossless, hierarchical, arithmetic),
			// DAC, DNL, DHP, EXP, JPGn.
			return 0, errJPEGFallback
		}
		if err != nil {
			return 0, err
		}
	}
}

// frame reads a frame header (section B.2.2).
func (img *jpegImage) frame(seg []byte, marker byte) error {
	if img.comps != nil {
		return errJPEGData
	}
	if len(seg) < 6 {
		return errJPEGData
	}
	if seg[0] != 8 {
		return errJPEGFallback
	}
	img.height = int(binary.BigEndian.Uint16(seg[1:]))
	img.width = int(binary.BigEndian.Uint16(seg[3:]))
	nc := int(seg[5])
	if img.width == 0 || img.height == 0 || len(seg) != 6+3*nc {
		return errJPEGData // a height of 0 would need DNL, which no phone writes
	}
	if nc != 1 && nc != 3 {
		return errJPEGFallback
	}
	img.progressive = marker == 0xc2
	img.extended = marker == 0xc1
	img.comps = make([]jpegComponent, nc)
	for i := range img.comps {
		c := &img.comps[i]
		c.id, c.h, c.v, c.tq = seg[6+3*i], int(seg[7+3*i]>>4), int(seg[7+3*i]&0x0f), seg[8+3*i]
		if c.tq > 3 {
			return errJPEGData
		}
		for j := range i {
			if img.comps[j].id == c.id {
				return errJPEGData
			}
		}
		if nc == 1 {
			c.h, c.v = 1, 1 // a single component is never interleaved (A.2)
		}
	}
	// Luma 1×1, 2×1, 1×2 or 2×2 over 1×1 chroma: 4:4:4, 4:2:2, 4:4:0 and
	// 4:2:0, the layouts phones write, which turned a quarter stay ones
	// every decoder reads. RGB-coded files (components named R, G, B)
	// would be mislabelled by a JFIF header.
	y := img.comps[0]
	if y.h < 1 || y.h > 2 || y.v < 1 || y.v > 2 {
		return errJPEGFallback
	}
	if nc == 3 {
		for _, c := range img.comps[1:] {
			if c.h != 1 || c.v != 1 {
				return errJPEGFallback
			}
		}
		if y.id == 'R' && img.comps[1].id == 'G' && img.comps[2].id == 'B' {
			return errJPEGFallback
		}
	}
	img.hmax, img.vmax = y.h, y.v
	img.mcusX = (img.width + 8*img.hmax - 1) / (8 * img.hmax)
	img.mcusY = (img.height + 8*img.vmax - 1) / (8 * img.vmax)
	for i := range img.comps {
		c := &img.comps[i]
		c.bw, c.bh = img.mcusX*c.h, img.mcusY*c.v
	}
	return nil
}

// blocks returns the number of 8×8 blocks in the coefficients.
func (img *jpegImage) blocks() int64 {
	var n int64
	for _, c := range img.comps {
		n += int64(c.bw) * int64(c.bh)
	}
	return n
}

// quantTables reads DQT (section B.2.4.1), refusing a zero divisor.
func (img *jpegImage) quantTables(seg []byte) error {
	for len(seg) > 0 {
		pq, tq := seg[0]>>4, seg[0]&0x0f
		size := 64 * (1 + int(pq))
		if pq > 1 || tq > 3 || len(seg) < 1+size {
			return errJPEGData
		}
		for i := range 64 {
			q := uint16(seg[1+i])
			if pq == 1 {
				q = binary.BigEndian.Uint16(seg[1+2*i:])
			}
			if q == 0 {
				return errJPEGData
			}
			img.quant[tq][i] = q
		}
		img.quantSet[tq] = true
		seg = seg[1+size:]
	}
	return nil
}

// huffmanTables reads DHT (section B.2.4.2).
func (img *jpegImage) huffmanTables(seg []byte) error {
	for len(seg) > 0 {
		if len(seg) < 17 {
			return errJPEGData
		}
		tc, th := seg[0]>>4, seg[0]&0x0f
		if tc > 1 || th > 3 {
			return errJPEGData
		}
		total := 0
		for _, c := range seg[1:17] {
			total += int(c)
		}
		if total == 0 || total > 256 || len(seg) < 17+total {
			return errJPEGData
		}
		h := &img.dc[th]
		if tc == 1 {
			h = &img.ac[th]
		}
		if err := h.build(seg[1:17], seg[17:17+total]); err != nil {
			return err
		}
		seg = seg[17+total:]
	}
	return nil
}

// complete checks at EOI that every component received its DC
// coefficients and has a quantisation table.
func (img *jpegImage) complete() error {
	if img.comps == nil {
		return errJPEGData
	}
	if img.adobeRGB && len(img.comps) == 3 {
		return errJPEGFallback
	}
	for _, c := range img.comps {
		if !c.dcSeen || !img.quantSet[c.tq] {
			return errJPEGData
		}
	}
	return nil
}
