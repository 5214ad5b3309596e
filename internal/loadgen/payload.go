package loadgen

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"math/rand/v2"
	"strings"
)

// Corpus holds pre-built submission material, so generating load costs the
// load generator nothing during the run.
type Corpus struct {
	Files []File // attachments of various sizes
	words map[string][]string
}

// File is one attachment of the corpus.
type File struct {
	Name        string
	ContentType string
	Data        []byte
}

// The kinds of attachment a corpus can hold. Photos cost StoryDesk a full
// decode and re-encode (that is how EXIF and GPS are removed); documents are
// checked and stored as sent, so they measure the rest of the intake path.
const (
	KindPhoto    = "photo"
	KindDocument = "pdf"
	KindMixed    = "mixed" // alternately photo and document
)

// NewCorpus builds n attachments of the given kind whose sizes spread over
// [minBytes, maxBytes].
func NewCorpus(rng *rand.Rand, n int, minBytes, maxBytes int, kind string) (*Corpus, error) {
	c := &Corpus{words: map[string][]string{
		"en": strings.Fields("we came to this country with nothing but hope and our children my mother worked in the fields every day the church helped us find a lawyer when the letter came we were afraid the neighbours brought food our son is in school now and he wants to be a nurse"),
		"es": strings.Fields("llegamos a este país sin nada más que esperanza y nuestros hijos mi madre trabajó en el campo todos los días la iglesia nos ayudó a encontrar un abogado cuando llegó la carta tuvimos miedo los vecinos trajeron comida nuestro hijo está en la escuela y quiere ser enfermero"),
	}}
	for i := 0; i < n; i++ {
		target := minBytes
		if n > 1 {
			target = minBytes + (maxBytes-minBytes)*i/(n-1)
		}
		var f File
		switch {
		case kind == KindDocument || kind == KindMixed && i%2 == 1:
			f = File{Name: fmt.Sprintf("statement-%d.pdf", i), ContentType: "application/pdf", Data: noisyPDF(rng, target)}
		case kind == KindPhoto || kind == KindMixed:
			b, err := noisyJPEG(rng, target)
			if err != nil {
				return nil, err
			}
			f = File{Name: fmt.Sprintf("photo-%d.jpg", i), ContentType: "image/jpeg", Data: b}
		default:
			return nil, fmt.Errorf("loadgen: unknown attachment kind %q (%s, %s, %s)", kind, KindPhoto, KindDocument, KindMixed)
		}
		c.Files = append(c.Files, f)
	}
	return c, nil
}

// noisyPDF is a PDF of about target bytes whose one page is a grey image of
// random bytes, like a scanned page: it neither compresses nor dedupes.
func noisyPDF(rng *rand.Rand, target int) []byte {
	n := max(target-700, ScanWidth) / ScanWidth * ScanWidth
	gray := make([]byte, n)
	for i := 0; i < n; i += 8 {
		v := rng.Uint64()
		for j := 0; j < 8 && i+j < n; j++ {
			gray[i+j] = byte(v >> (8 * j))
		}
	}
	return ScanPDF(gray)
}

// ScanPDF returns a valid one-page PDF (with a correct cross-reference
// table, so strict readers accept it) whose page shows gray as an 8-bit
// greyscale image 64 pixels wide; gray is padded with zeros to whole rows.
func ScanPDF(gray []byte) []byte {
	n := (max(len(gray), 1) + ScanWidth - 1) / ScanWidth * ScanWidth
	head, tail := ScanPDFFrame(n)
	b := append(head, gray...)
	b = append(b, make([]byte, n-len(gray))...)
	return append(b, tail...)
}

// ScanWidth is the width in pixels of ScanPDF's image.
const ScanWidth = 64

// ScanPDFFrame returns what goes before and after the n bytes of image data
// of a ScanPDF (n a multiple of ScanWidth), so that a caller can stream a
// large PDF without holding it.
func ScanPDFFrame(n int) (head, tail []byte) {
	h := max(n/ScanWidth, 1)
	content := fmt.Sprintf("q %d 0 0 %d 0 0 cm /Im0 Do Q", ScanWidth, h)
	var offsets [5]int
	head = []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	for i, o := range []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Resources << /XObject << /Im0 4 0 R >> >> /Contents 5 0 R >>", ScanWidth, h),
	} {
		offsets[i] = len(head)
		head = fmt.Appendf(head, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	offsets[3] = len(head)
	head = fmt.Appendf(head, "4 0 obj\n<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8 /Length %d >>\nstream\n", ScanWidth, h, n)

	tail = []byte("\nendstream\nendobj\n")
	at := len(head) + n // where tail starts in the whole file
	offsets[4] = at + len(tail)
	tail = fmt.Appendf(tail, "5 0 obj\n<< /Length %d >>\nstream\n%s\nendstream\nendobj\n", len(content), content)
	xref := at + len(tail)
	tail = fmt.Appendf(tail, "xref\n0 %d\n0000000000 65535 f \n", len(offsets)+1)
	for _, off := range offsets {
		tail = fmt.Appendf(tail, "%010d 00000 n \n", off)
	}
	tail = fmt.Appendf(tail, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offsets)+1, xref)
	return head, tail
}

// noisyJPEG encodes random pixels at quality 90: about 1.3 bytes a pixel.
func noisyJPEG(rng *rand.Rand, target int) ([]byte, error) {
	px := target * 10 / 13
	w := 800
	h := max(px/w, 8)
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < len(img.Pix); i += 4 {
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = uint8(rng.IntN(256)), uint8(rng.IntN(256)), uint8(rng.IntN(256)), 255
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Text returns about n bytes of story text in lang, in paragraphs.
func (c *Corpus) Text(rng *rand.Rand, lang string, n int) string {
	words := c.words[lang]
	var b strings.Builder
	for b.Len() < n {
		for i := 0; i < 40 && b.Len() < n; i++ {
			b.WriteString(words[rng.IntN(len(words))])
			b.WriteByte(' ')
		}
		b.WriteString(".\n\n")
	}
	return b.String()
}
