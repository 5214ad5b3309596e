package loadgen

import (
	"bytes"
	"image"
	"image/jpeg"
	"math/rand/v2"
	"strings"
)

// Corpus holds pre-built submission material, so generating load costs the
// load generator nothing during the run.
type Corpus struct {
	Photos [][]byte // JPEGs of various sizes
	words  map[string][]string
}

// NewCorpus builds photos whose sizes spread over [minBytes, maxBytes].
// Noise compresses badly, which lets a photo's size be chosen by its pixel count.
func NewCorpus(rng *rand.Rand, photos int, minBytes, maxBytes int) (*Corpus, error) {
	c := &Corpus{words: map[string][]string{
		"en": strings.Fields("we came to this country with nothing but hope and our children my mother worked in the fields every day the church helped us find a lawyer when the letter came we were afraid the neighbours brought food our son is in school now and he wants to be a nurse"),
		"es": strings.Fields("llegamos a este país sin nada más que esperanza y nuestros hijos mi madre trabajó en el campo todos los días la iglesia nos ayudó a encontrar un abogado cuando llegó la carta tuvimos miedo los vecinos trajeron comida nuestro hijo está en la escuela y quiere ser enfermero"),
	}}
	for i := 0; i < photos; i++ {
		target := minBytes
		if photos > 1 {
			target = minBytes + (maxBytes-minBytes)*i/(photos-1)
		}
		b, err := noisyJPEG(rng, target)
		if err != nil {
			return nil, err
		}
		c.Photos = append(c.Photos, b)
	}
	return c, nil
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
