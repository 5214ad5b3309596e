package media

// decodeJPEG allocates the coefficients of a frame parseJPEGFrame read and
// decodes every scan of the file into them, up to EOI.
func decodeJPEG(img *jpegImage, data []byte) error {
	for i := range img.comps {
		c := &img.comps[i]
		c.coef = make([]int16, 64*c.bw*c.bh)
	}
	_, err := img.segments(data, img.next, false)
	return err
}

// scanComponent is one component of a scan with its Huffman tables.
type scanComponent struct {
	c      *jpegComponent
	dc, ac *huffDecoder
	pred   int32
	cw, ch int // blocks holding the image, for a non-interleaved scan
}

// scan reads a scan header (section B.2.3) and decodes the entropy-coded
// data that follows it at pos, returning the offset of the next marker.
func (img *jpegImage) scan(data, seg []byte, pos int) (int, error) {
	if len(seg) < 1 {
		return 0, errJPEGData
	}
	ns := int(seg[0])
	if ns < 1 || ns > len(img.comps) || len(seg) != 4+2*ns {
		return 0, errJPEGData
	}
	ss, se, ah, al := seg[1+2*ns], seg[2+2*ns], seg[3+2*ns]>>4, seg[3+2*ns]&0x0f
	maxTable := byte(1)
	if img.extended || img.progressive {
		maxTable = 3
	}
	var sc [3]scanComponent
	for i := range ns {
		id, td, ta := seg[1+2*i], seg[2+2*i]>>4, seg[2+2*i]&0x0f
		if td > maxTable || ta > maxTable {
			return 0, errJPEGData
		}
		var c *jpegComponent
		for j := range img.comps {
			if img.comps[j].id == id {
				c = &img.comps[j]
			}
		}
		for _, prev := range sc[:i] {
			if prev.c == c {
				c = nil
			}
		}
		if c == nil {
			return 0, errJPEGData
		}
		cw := (img.width*c.h + img.hmax - 1) / img.hmax
		chh := (img.height*c.v + img.vmax - 1) / img.vmax
		sc[i] = scanComponent{c: c, dc: &img.dc[td], ac: &img.ac[ta], cw: (cw + 7) / 8, ch: (chh + 7) / 8}
	}
	comps := sc[:ns]
	if !img.progressive {
		if ss != 0 || se != 63 || ah != 0 || al != 0 {
			return 0, errJPEGData
		}
	} else if se > 63 || ss > se || (ss == 0) != (se == 0) || (ss > 0 && ns != 1) || al > 13 || (ah != 0 && ah != al+1) {
		return 0, errJPEGData
	}
	for _, s := range comps {
		dcFirst := ss == 0 && ah == 0
		if dcFirst && s.c.dcSeen || !dcFirst && !s.c.dcSeen {
			return 0, errJPEGData
		}
		if ss == 0 && ah == 0 && !s.dc.defined || se > 0 && !s.ac.defined {
			return 0, errJPEGData
		}
	}
	r := &bitReader{data: data, pos: pos}
	img.eobRun = 0
	decode := img.blockDecoder(ss, se, ah, al)
	mcus, mcuX := img.mcusX*img.mcusY, img.mcusX
	if ns == 1 {
		mcus, mcuX = comps[0].cw*comps[0].ch, comps[0].cw
	}
	for m := range mcus {
		if img.restart > 0 && m > 0 && m%img.restart == 0 {
			if err := r.restart(m/img.restart - 1); err != nil {
				return 0, err
			}
			img.eobRun = 0
			for i := range comps {
				comps[i].pred = 0
			}
		}
		mx, my := m%mcuX, m/mcuX
		for i := range comps {
			s := &comps[i]
			c := s.c
			if ns == 1 {
				if err := decode(r, s, c.coef[64*(my*c.bw+mx):][:64]); err != nil {
					return 0, err
				}
				continue
			}
			for v := range c.v {
				row := (my*c.v + v) * c.bw
				for h := range c.h {
					if err := decode(r, s, c.coef[64*(row+mx*c.h+h):][:64]); err != nil {
						return 0, err
					}
				}
			}
		}
	}
	for _, s := range comps {
		s.c.dcSeen = true
	}
	return r.finish()
}

// blockDecoder returns the function that decodes one block of a scan
// with spectral selection ss–se and successive approximation ah, al.
func (img *jpegImage) blockDecoder(ss, se, ah, al byte) func(*bitReader, *scanComponent, []int16) error {
	switch {
	case !img.progressive:
		return decodeSequentialBlock
	case ss == 0 && ah == 0:
		return func(r *bitReader, s *scanComponent, b []int16) error {
			t, err := r.decode(s.dc)
			if err != nil || t > 11 {
				return errJPEGData
			}
			if t > 0 {
				s.pred += r.receive(t)
			}
			v := s.pred << al
			if v < -32768 || v > 32767 {
				return errJPEGData
			}
			b[0] = int16(v)
			return nil
		}
	case ss == 0:
		return func(r *bitReader, _ *scanComponent, b []int16) error {
			if r.bit() {
				b[0] |= 1 << al
			}
			return nil
		}
	case ah == 0:
		return func(r *bitReader, s *scanComponent, b []int16) error {
			return img.decodeACFirst(r, s.ac, b, int(ss), int(se), al)
		}
	}
	return func(r *bitReader, s *scanComponent, b []int16) error {
		return img.decodeACRefine(r, s.ac, b, int(ss), int(se), int16(1)<<al)
	}
}

// decodeSequentialBlock decodes a block of a baseline or extended scan
// (section F.2.2). b is zero: each block is decoded once.
func decodeSequentialBlock(r *bitReader, s *scanComponent, b []int16) error {
	t, err := r.decode(s.dc)
	if err != nil || t > 11 {
		return errJPEGData
	}
	if t > 0 {
		s.pred += r.receive(t)
	}
	if s.pred < -2048 || s.pred > 2047 {
		return errJPEGData
	}
	b[0] = int16(s.pred)
	for k := 1; k < 64; {
		if r.n < 32 {
			r.fill()
		}
		// decode's fast path, inlined: this loop is most of the work.
		var sym byte
		if e := s.ac.lut[r.acc>>(64-huffLookBits)]; e != 0 {
			sym = byte(e >> 8)
			r.acc <<= e & 0xff
			r.n -= int(e & 0xff)
		} else if sym, err = r.decode(s.ac); err != nil {
			return err
		}
		run, size := int(sym>>4), sym&0x0f
		if size == 0 {
			if run != 15 {
				return nil // EOB
			}
			k += 16
			continue
		}
		k += run
		if k > 63 || size > 10 {
			return errJPEGData
		}
		v := int32(r.acc >> (64 - size))
		r.acc <<= size
		r.n -= int(size)
		if v < 1<<(size-1) {
			v += -1<<size + 1
		}
		b[k] = int16(v)
		k++
	}
	return nil
}

// decodeACFirst decodes the first pass over a band of AC coefficients
// (section G.1.2.2).
func (img *jpegImage) decodeACFirst(r *bitReader, h *huffDecoder, b []int16, ss, se int, al byte) error {
	if img.eobRun > 0 {
		img.eobRun--
		return nil
	}
	for k := ss; k <= se; k++ {
		sym, err := r.decode(h)
		if err != nil {
			return err
		}
		run, size := int(sym>>4), sym&0x0f
		if size == 0 {
			if run != 15 {
				img.eobRun = 1<<run + r.bits(byte(run)) - 1
				return nil
			}
			k += 15
			continue
		}
		k += run
		if k > se || size > 10 {
			return errJPEGData
		}
		v := r.receive(size) << al
		if v < -32768 || v > 32767 {
			return errJPEGData
		}
		b[k] = int16(v)
	}
	return nil
}

// decodeACRefine adds one more bit to each coefficient of a band (section
// G.1.2.3), as image/jpeg's refine does.
func (img *jpegImage) decodeACRefine(r *bitReader, h *huffDecoder, b []int16, ss, se int, delta int16) error {
	k := ss
	if img.eobRun == 0 {
		for ; k <= se; k++ {
			sym, err := r.decode(h)
			if err != nil {
				return err
			}
			run, size := int(sym>>4), sym&0x0f
			var z int16
			switch size {
			case 0:
				if run != 15 {
					img.eobRun = 1<<run + r.bits(byte(run))
					goto eob
				}
			case 1:
				z = delta
				if !r.bit() {
					z = -z
				}
			default:
				return errJPEGData
			}
			k = refineNonZeroes(r, b, k, se, run, delta)
			if k > se {
				return errJPEGData
			}
			if z != 0 {
				b[k] = z
			}
		}
		return nil
	}
eob:
	img.eobRun--
	refineNonZeroes(r, b, k, se, -1, delta)
	return nil
}

// refineNonZeroes adds a correction bit to each non-zero coefficient from
// k on, passing over nz zero ones first (all of them when nz is -1), and
// returns the index of the zero coefficient it stopped at.
func refineNonZeroes(r *bitReader, b []int16, k, se, nz int, delta int16) int {
	for ; k <= se; k++ {
		if b[k] == 0 {
			if nz == 0 {
				break
			}
			nz--
			continue
		}
		if r.bit() {
			if b[k] >= 0 {
				b[k] += delta
			} else {
				b[k] -= delta
			}
		}
	}
	return k
}
