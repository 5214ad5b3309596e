// The Huffman table layout and the progressive refinement rules in the
// jpeg*.go files follow Go's image/jpeg decoder (huffman.go, scan.go):
// Copyright 2009 and 2012 The Go Authors. All rights reserved. Use of that
// source code is governed by a BSD-style license that can be found in Go's
// LICENSE file. The bit reader here works on a file held in memory instead.

package media

import "errors"

// errJPEGData is any fault in the entropy-coded data: the fast path then
// hands the file to the decoder that rebuilds it from pixels.
var errJPEGData = errors.New("media: malformed JPEG data")

// huffLookBits is how many bits the decoder's table resolves in one look;
// longer codes (rare: 10 to 16 bits) take the slow path.
const huffLookBits = 9

// huffDecoder is a Huffman table as defined by DHT (section B.2.4.2).
type huffDecoder struct {
	// lut maps the next huffLookBits bits to the symbol (high byte) and
	// the code's length (low byte), or 0 when the code is longer.
	lut     [1 << huffLookBits]uint16
	maxCode [17]int32 // per length, the largest code, or -1 when none
	valPtr  [17]int32 // per length, the index in vals of its first code minus that code
	vals    [256]byte
	defined bool
}

// build derives the decoding tables from DHT's sixteen counts and values,
// refusing a table whose codes would not fit their lengths.
func (h *huffDecoder) build(counts []byte, vals []byte) error {
	copy(h.vals[:], vals)
	clear(h.lut[:])
	code, k := int32(0), int32(0)
	for l := int32(1); l <= 16; l++ {
		n := int32(counts[l-1])
		h.maxCode[l] = -1
		if n > 0 {
			h.valPtr[l] = k - code
			for range n {
				if code >= 1<<l { // more codes than this length can hold
					return errJPEGData
				}
				if l <= huffLookBits {
					shift := huffLookBits - l
					base := code << shift
					for j := range int32(1) << shift {
						h.lut[base+j] = uint16(vals[k])<<8 | uint16(l)
					}
				}
				code++
				k++
			}
			h.maxCode[l] = code - 1
		}
		code <<= 1
	}
	h.defined = true
	return nil
}

// bitReader reads entropy-coded data from a file in memory, removing the
// stuffed zero after each 0xFF. At a marker it stops and supplies zero
// bits, counting them in pad, so that a scan that needs more bits than it
// has is caught at its end rather than read into the next segment.
type bitReader struct {
	data   []byte
	pos    int    // next byte of data to load
	acc    uint64 // unread bits, most significant first
	n      int    // bits in acc, pad included
	pad    int    // zero bits supplied past the data's end
	marker bool   // pos is at a marker (or at the end of data)
}

// fill loads bytes until at least 57 bits are buffered.
func (r *bitReader) fill() {
	for r.n <= 56 {
		if !r.marker {
			if r.pos >= len(r.data) {
				r.marker = true
				continue
			}
			b := r.data[r.pos]
			if b == 0xff {
				if r.pos+1 >= len(r.data) || r.data[r.pos+1] != 0 {
					r.marker = true
					continue
				}
				r.pos++
			}
			r.pos++
			r.acc |= uint64(b) << (56 - r.n)
		} else {
			r.pad += 8
		}
		r.n += 8
	}
}

// decode returns the next Huffman-coded symbol.
func (r *bitReader) decode(h *huffDecoder) (byte, error) {
	if r.n < 16 {
		r.fill()
	}
	if e := h.lut[r.acc>>(64-huffLookBits)]; e != 0 {
		l := e & 0xff
		r.acc <<= l
		r.n -= int(l)
		return byte(e >> 8), nil
	}
	if !h.defined {
		return 0, errJPEGData
	}
	for l := huffLookBits + 1; l <= 16; l++ {
		code := int32(r.acc >> (64 - l))
		if code <= h.maxCode[l] {
			r.acc <<= l
			r.n -= l
			return h.vals[(h.valPtr[l]+code)&0xff], nil
		}
	}
	return 0, errJPEGData
}

// receive reads s bits (1 to 16) and extends them to a signed value
// (section F.2.2.1).
func (r *bitReader) receive(s byte) int32 {
	if r.n < int(s) {
		r.fill()
	}
	v := int32(r.acc >> (64 - s))
	r.acc <<= s
	r.n -= int(s)
	if v < 1<<(s-1) {
		v += -1<<s + 1
	}
	return v
}

// bits reads s unsigned bits (0 to 16).
func (r *bitReader) bits(s byte) int32 {
	if s == 0 {
		return 0
	}
	if r.n < int(s) {
		r.fill()
	}
	v := int32(r.acc >> (64 - s))
	r.acc <<= s
	r.n -= int(s)
	return v
}

// bit reads one bit.
func (r *bitReader) bit() bool {
	if r.n < 1 {
		r.fill()
	}
	v := r.acc>>63 != 0
	r.acc <<= 1
	r.n--
	return v
}

// finish ends an entropy-coded segment: it fails if the segment used bits
// it did not have, or if whole bytes were left unread before the marker
// (only the last byte's padding may remain), and returns the offset of the
// marker that follows.
func (r *bitReader) finish() (int, error) {
	if r.pad > r.n || r.n-r.pad >= 8 {
		return 0, errJPEGData
	}
	if !r.marker && (r.pos+1 >= len(r.data) || r.data[r.pos] != 0xff || r.data[r.pos+1] == 0) {
		return 0, errJPEGData
	}
	return r.pos, nil
}

// restart passes the restart marker RSTn that must end the segment and
// resets the reader for the next one.
func (r *bitReader) restart(n int) error {
	pos, err := r.finish()
	if err != nil {
		return err
	}
	if pos+1 >= len(r.data) || r.data[pos+1] != byte(0xd0+n%8) {
		return errJPEGData
	}
	*r = bitReader{data: r.data, pos: pos + 2}
	return nil
}
