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

// noisyPDF is a PDF of target bytes (WriteNoisyPDF).
func noisyPDF(rng *rand.Rand, target int) []byte {
	var b bytes.Buffer
	_ = WriteNoisyPDF(&b, rng, max(target, 1<<10)) // a bytes.Buffer does not fail
	return b.Bytes()
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
