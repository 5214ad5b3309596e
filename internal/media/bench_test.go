package media

import (
	"bytes"
	"context"
	"image"
	"image/jpeg"
	"io"
	"testing"
)

// photoJPEG encodes a 4000×3000 (12-megapixel) image with enough detail
// that the encoder works as hard as on a phone photo, plus phone metadata.
func photoJPEG(b *testing.B) []byte {
	b.Helper()
	const w, h = 4000, 3000
	img := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	for y := range h {
		for x := range w {
			img.Y[y*img.YStride+x] = uint8(x*7 ^ y*13)
		}
	}
	for i := range img.Cb {
		img.Cb[i] = uint8(i * 3)
		img.Cr[i] = uint8(i * 5)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 92}); err != nil {
		b.Fatal(err)
	}
	plain := buf.Bytes()
	out := append([]byte{}, plain[:2]...)
	out = append(out, jpegSegment(0xe1, append([]byte("Exif\x00\x00"), exifTIFF(6)...))...)
	return append(out, plain[2:]...)
}

func BenchmarkReencodeJPEG(b *testing.B) {
	src := photoJPEG(b)
	b.SetBytes(int64(len(src)))
	budget := NewBudget(DefaultBudget)
	for b.Loop() {
		if _, err := Reencode(context.Background(), io.Discard, bytes.NewReader(src), JPEG, DefaultMaxPixels, budget); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDetect(b *testing.B) {
	inputs := []struct {
		name    string
		content []byte
	}{
		{"JPEG", jpegWithMetadata(b, 40, 20)},
		{"DOCX", buildZip(b, docxParts(docxMainType)...)},
		{"unknown", bytes.Repeat([]byte("plain text "), 1000)},
	}
	for _, in := range inputs {
		b.Run(in.name, func(b *testing.B) {
			r := bytes.NewReader(in.content)
			for b.Loop() {
				_, _ = Detect(r, int64(len(in.content)))
			}
		})
	}
}
