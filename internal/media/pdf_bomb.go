package media

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"fmt"
	"io"
)

// maxPDFInflated bounds what the Flate streams of one PDF may expand to in
// all. pdfcpu decodes object streams, cross-reference streams, metadata
// and page contents whole in memory, with no limit of its own: a few KiB
// of zeros compressed a thousand times over, nested, would take the server
// down. Pictures are counted too, as which streams are pictures cannot be
// told safely before parsing; few documents come near this.
const maxPDFInflated = 256 << 20

// maxFlateLayers is how many Flate layers one stream is followed through.
const maxFlateLayers = 4

// checkPDFInflation refuses a PDF whose Flate streams expand past
// maxPDFInflated, and otherwise returns what they expand to, reading them only as far as the limit, and the file in
// chunks, never whole. Each "stream"
// keyword is tried as the start of a zlib stream, wherever it is: one that
// is not Flate fails at once, and one counted twice only errs on the safe
// side.
func checkPDFInflation(r io.ReaderAt, size int64) (inflated int64, err error) {
	var total int64
	keyword := []byte("stream")
	// Chunks overlap by the keyword and the "end" before it, so no
	// occurrence is missed or mistaken at a boundary.
	const chunk, overlap = 64 << 10, 16
	buf := make([]byte, chunk+overlap)
	for base := int64(0); base < size; base += chunk {
		n, err := r.ReadAt(buf[:min(int64(len(buf)), size-base)], base)
		if err != nil && err != io.EOF {
			return 0, fmt.Errorf("media: read PDF: %w", err)
		}
		b := buf[:n]
		for i := 0; ; {
			j := bytes.Index(b[i:], keyword)
			if j < 0 {
				break
			}
			at := i + j
			i = at + len(keyword)
			// Found in the overlap, it is the next chunk's; "endstream"
			// ends a stream.
			if at >= chunk || bytes.HasSuffix(b[:at], []byte("end")) {
				continue
			}
			start := base + int64(at+len(keyword))
			total += inflatedSize(io.NewSectionReader(r, start, size-start), maxPDFInflated-total+1)
			if total > maxPDFInflated {
				return 0, rejectBomb("the PDF expands to more than 256 MiB")
			}
		}
	}
	return total, nil
}

// inflatedSize returns how many bytes the zlib stream after the end of
// line at the start of src decodes to, through up to maxFlateLayers nested layers, counting at most
// limit; 0 if b does not start with one.
func inflatedSize(src io.Reader, limit int64) int64 {
	// The end of line after the keyword: CR LF, LF, or (wrongly, but
	// readers accept it) CR alone.
	br := bufio.NewReader(src)
	if c, err := br.ReadByte(); err == nil && c == '\r' {
		if c, err := br.ReadByte(); err == nil && c != '\n' {
			_ = br.UnreadByte()
		}
	} else if err == nil && c != '\n' {
		_ = br.UnreadByte()
	}
	var r io.Reader = br
	layers := 0
	for ; layers < maxFlateLayers; layers++ {
		br := bufio.NewReader(r)
		head, err := br.Peek(2)
		if err != nil || !zlibHeader(head) {
			r = br
			break
		}
		zr, err := zlib.NewReader(br)
		if err != nil {
			r = br
			break
		}
		r = zr
	}
	if layers == 0 {
		return 0
	}
	n, _ := io.Copy(io.Discard, io.LimitReader(r, limit))
	return n
}

// zlibHeader reports whether h is a zlib header: deflate, a window of at
// most 32 KiB, and a check that makes the pair a multiple of 31.
func zlibHeader(h []byte) bool {
	return h[0]&0x0f == 8 && h[0]>>4 <= 7 && (uint16(h[0])<<8|uint16(h[1]))%31 == 0
}
