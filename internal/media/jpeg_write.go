package media

import (
	"encoding/binary"
	"math/bits"
)

// jpegZigzag maps a coefficient's zig-zag index to its natural (row-major)
// position in the 8×8 block (figure A.6).
var jpegZigzag = [64]byte{
	0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5,
	12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
	35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51,
	58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
}

// jpegTurn is the lossless transform that makes an image with EXIF
// orientation o upright, in terms of the stored image: which of its axes
// run backwards in the result, and whether rows become columns.
type jpegTurn struct {
	xrev, yrev, transpose bool
	perm                  [64]byte  // output zig-zag index → input zig-zag index
	sign                  [64]int16 // -1 where the coefficient changes sign, else 1
}

// newJPEGTurn returns the transform for EXIF orientation o (1 to 8).
// Mirroring a block left to right negates its odd horizontal frequencies,
// top to bottom its odd vertical ones; a transpose swaps frequencies.
func newJPEGTurn(o int) jpegTurn {
	t := jpegTurn{
		xrev:      o == 2 || o == 3 || o == 7 || o == 8,
		yrev:      o == 3 || o == 4 || o == 6 || o == 7,
		transpose: o >= 5,
	}
	var zig [64]byte // natural position → zig-zag index
	for k, n := range jpegZigzag {
		zig[n] = byte(k)
	}
	for k, n := range jpegZigzag {
		v, u := int(n/8), int(n%8) // output row (vertical frequency) and column
		srcV, srcU := v, u
		// Output u runs along the source's x, or its y when transposed.
		flipU, flipV := t.xrev, t.yrev
		if t.transpose {
			srcV, srcU = u, v
			flipU, flipV = t.yrev, t.xrev
		}
		t.perm[k] = zig[8*srcV+srcU]
		t.sign[k] = 1
		if (flipU && u%2 == 1) != (flipV && v%2 == 1) {
			t.sign[k] = -1
		}
	}
	return t
}

// huffEncoder holds each symbol's code and its length.
type huffEncoder struct {
	code [256]uint32
	size [256]byte
}

// newHuffEncoder builds the codes of a table (section C).
func newHuffEncoder(s huffmanSpec) *huffEncoder {
	e := &huffEncoder{}
	code, k := uint32(0), 0
	for l, n := range s.count {
		for range n {
			e.code[s.value[k]] = code
			e.size[s.value[k]] = byte(l + 1)
			code++
			k++
		}
		code <<= 1
	}
	return e
}

// bitWriter appends entropy-coded bits to out, stuffing a zero after each
// 0xFF byte.
type bitWriter struct {
	out []byte
	acc uint64
	n   uint
}

// put appends the low size bits (at most 32) of v, four bytes at a time
// when none of them is 0xFF.
func (w *bitWriter) put(v uint32, size uint) {
	w.acc = w.acc<<size | uint64(v)&(1<<size-1)
	w.n += size
	if w.n < 32 {
		return
	}
	w.n -= 32
	x := uint32(w.acc >> w.n)
	if y := ^x; (y-0x01010101)&^y&0x80808080 == 0 { // no 0xFF byte
		w.out = binary.BigEndian.AppendUint32(w.out, x)
		return
	}
	for shift := 24; shift >= 0; shift -= 8 {
		b := byte(x >> shift)
		w.out = append(w.out, b)
		if b == 0xff {
			w.out = append(w.out, 0)
		}
	}
}

// flush writes the bits left, padding the last byte with one bits
// (section F.1.2.3).
func (w *bitWriter) flush() {
	w.acc = w.acc<<7 | 0x7f
	w.n += 7
	for w.n >= 8 {
		w.n -= 8
		b := byte(w.acc >> w.n)
		w.out = append(w.out, b)
		if b == 0xff {
			w.out = append(w.out, 0)
		}
	}
	w.n = 0
}

// block writes one block in zig-zag order; nonzero has bit k set when
// b[k] is not zero, so that runs of zeros are skipped in one step. It
// refuses values that no 8-bit baseline scan can hold (they come only from
// a malformed file).
func (w *bitWriter) block(b *[64]int16, nonzero uint64, pred *int32, dc, ac *huffEncoder) error {
	diff := int32(b[0]) - *pred
	*pred = int32(b[0])
	a := diff
	if a < 0 {
		a, diff = -a, diff-1
	}
	s := uint(bits.Len32(uint32(a)))
	if s > 11 {
		return errJPEGData
	}
	w.put(dc.code[s]<<s|uint32(diff)&(1<<s-1), uint(dc.size[s])+s)
	last := 0
	for m := nonzero &^ 1; m != 0; m &= m - 1 {
		k := bits.TrailingZeros64(m)
		run := k - last - 1
		last = k
		for ; run > 15; run -= 16 {
			w.put(ac.code[0xf0], uint(ac.size[0xf0]))
		}
		v := int32(b[k])
		a := v
		if a < 0 {
			a, v = -a, v-1
		}
		s := uint(bits.Len32(uint32(a)))
		if s > 10 {
			return errJPEGData
		}
		sym := byte(run<<4) | byte(s)
		w.put(ac.code[sym]<<s|uint32(v)&(1<<s-1), uint(ac.size[sym])+s)
	}
	if last < 63 {
		w.put(ac.code[0], uint(ac.size[0]))
	}
	return nil
}

// encodeJPEG appends to out a baseline JPEG of img turned upright: a fresh
// JFIF header, the quantisation tables, the frame, the K.3 Huffman tables
// and one interleaved scan, nothing else. Axes that run backwards lose
// their partial MCU at the far edge, as jpegtran -trim does (at most 15
// pixels), because those blocks cannot move to the other edge losslessly.
func encodeJPEG(out []byte, img *jpegImage) ([]byte, error) {
	t := newJPEGTurn(img.orientation)
	w, h := img.width, img.height
	if t.xrev {
		w -= w % (8 * img.hmax)
	}
	if t.yrev {
		h -= h % (8 * img.vmax)
	}
	if w == 0 || h == 0 {
		return nil, errJPEGFallback // narrower than one MCU: nothing to keep
	}
	hmax, vmax := img.hmax, img.vmax
	if t.transpose {
		w, h, hmax, vmax = h, w, vmax, hmax
	}
	mcusX, mcusY := (w+8*hmax-1)/(8*hmax), (h+8*vmax-1)/(8*vmax)

	out = append(out, 0xff, 0xd8)
	out = appendSegment(out, 0xe0, []byte("JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"))
	sof := byte(0xc0)
	for i := range img.quantSet {
		if !img.quantSet[i] || !usesTable(img, byte(i)) {
			continue
		}
		var q [64]uint16
		for k := range q {
			q[k] = img.quant[i][k]
			if t.transpose {
				q[k] = img.quant[i][t.perm[k]]
			}
		}
		seg := []byte{byte(i)}
		for _, v := range q {
			if v > 255 {
				seg = nil
				break
			}
			seg = append(seg, byte(v))
		}
		if seg == nil { // 16-bit tables need the extended frame
			sof = 0xc1
			seg = []byte{0x10 | byte(i)}
			for _, v := range q {
				seg = binary.BigEndian.AppendUint16(seg, v)
			}
		}
		out = appendSegment(out, 0xdb, seg)
	}
	frame := []byte{8, byte(h >> 8), byte(h), byte(w >> 8), byte(w), byte(len(img.comps))}
	scan := []byte{byte(len(img.comps))}
	for i, c := range img.comps {
		ch, cv := c.h, c.v
		if t.transpose {
			ch, cv = cv, ch
		}
		table := byte(min(i, 1))
		frame = append(frame, byte(i+1), byte(ch<<4|cv), c.tq)
		scan = append(scan, byte(i+1), table<<4|table)
	}
	scan = append(scan, 0, 63, 0)
	out = appendSegment(out, sof, frame)
	specs := jpegStdHuffman()
	var dht []byte
	for i, s := range specs[:2*min(len(img.comps), 2)] {
		dht = append(dht, byte(i%2)<<4|byte(i/2))
		dht = append(dht, s.count[:]...)
		dht = append(dht, s.value...)
	}
	out = appendSegment(out, 0xc4, dht)
	out = appendSegment(out, 0xda, scan)

	enc := [4]*huffEncoder{newHuffEncoder(specs[0]), newHuffEncoder(specs[1]), newHuffEncoder(specs[2]), newHuffEncoder(specs[3])}
	bw := &bitWriter{out: out}
	var preds [3]int32
	var tmp [64]int16
	for my := range mcusY {
		for mx := range mcusX {
			for i := range img.comps {
				c := &img.comps[i]
				ch, cv := c.h, c.v
				nx, ny := (img.width/(8*img.hmax))*c.h, (img.height/(8*img.vmax))*c.v
				if t.transpose {
					ch, cv = cv, ch
				}
				dc, ac := enc[2*min(i, 1)], enc[2*min(i, 1)+1]
				for v := range cv {
					for u := range ch {
						ox, oy := mx*ch+u, my*cv+v
						sx, sy := ox, oy
						if t.transpose {
							sx, sy = oy, ox
						}
						if t.xrev {
							sx = nx - 1 - sx
						}
						if t.yrev {
							sy = ny - 1 - sy
						}
						src := (*[64]int16)(c.coef[64*(sy*c.bw+sx):])
						var nonzero uint64
						for k, p := range t.perm {
							v := src[p] * t.sign[k]
							tmp[k] = v
							nonzero |= uint64(int64(v)|-int64(v)) >> 63 << k
						}
						if err := bw.block(&tmp, nonzero, &preds[i], dc, ac); err != nil {
							return nil, err
						}
					}
				}
			}
		}
	}
	bw.flush()
	return append(bw.out, 0xff, 0xd9), nil
}

// usesTable reports whether a component of img uses quantisation table tq.
func usesTable(img *jpegImage, tq byte) bool {
	for _, c := range img.comps {
		if c.tq == tq {
			return true
		}
	}
	return false
}

// appendSegment appends a marker segment; its length counts itself.
func appendSegment(out []byte, marker byte, payload []byte) []byte {
	out = append(out, 0xff, marker)
	out = binary.BigEndian.AppendUint16(out, uint16(len(payload)+2))
	return append(out, payload...)
}
