package loadgen

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
)

// noisyPDFHead opens a one-page PDF that shows a grey image (object 5)
// one pixel high and as wide (%010d) as its random bytes are long.
const noisyPDFHead = "%%PDF-1.7\n%%\xe2\xe3\xcf\xd3\n" +
	"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n" +
	"2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n" +
	"3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /XObject << /Im1 5 0 R >> >> >>\nendobj\n" +
	"4 0 obj\n<< /Length 30 >>\nstream\nq 612 0 0 792 0 0 cm /Im1 Do Q\nendstream\nendobj\n" +
	"5 0 obj\n<< /Type /XObject /Subtype /Image /Width %010[1]d /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8 /Length %010[1]d >>\nstream\n"

// WriteNoisyPDF writes a valid PDF of exactly size bytes (at least 1 KiB)
// whose one page shows an image of random bytes, like a scanned page: it
// neither compresses nor dedupes, and pdfcpu reads and rewrites it as
// StoryDesk does every PDF. It writes as it goes, holding 64 KiB at most.
func WriteNoisyPDF(w io.Writer, rng *rand.Rand, size int) error {
	head := fmt.Sprintf(noisyPDFHead, 0)
	offsets := []int{0}
	for i := 1; i <= 5; i++ {
		offsets = append(offsets, strings.Index(head, fmt.Sprintf("\n%d 0 obj", i))+1)
	}
	tail := func(n int) string {
		t := "\nendstream\nendobj\n"
		xref := len(head) + n + len(t)
		t += "xref\n0 6\n0000000000 65535 f \n"
		for _, off := range offsets[1:] {
			t += fmt.Sprintf("%010d 00000 n \n", off)
		}
		return t + fmt.Sprintf("trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n%010d\n%%%%EOF\n", xref)
	}
	n := max(size-len(head)-len(tail(0)), 0)
	bw := bufio.NewWriterSize(w, 64<<10)
	fmt.Fprintf(bw, noisyPDFHead, n)
	chunk := make([]byte, 8)
	for left := n; left > 0; left -= len(chunk) {
		v := rng.Uint64()
		for j := range chunk {
			chunk[j] = byte(v >> (8 * j))
		}
		if _, err := bw.Write(chunk[:min(left, len(chunk))]); err != nil {
			return err
		}
	}
	if _, err := bw.WriteString(tail(n)); err != nil {
		return err
	}
	return bw.Flush()
}
