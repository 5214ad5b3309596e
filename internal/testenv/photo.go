package testenv

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/jpeg"
	"testing"
)

// PhonePhoto returns a 4032×3024 (12-megapixel) 4:2:0 JPEG of about
// 5.2 MB, the size and layout of a phone's photo, with detail in every
// block (noise over gradients), and an EXIF segment holding only
// Orientation 6 (turn a quarter clockwise to show), as phones held upright
// write it. The photo benchmarks time StoryDesk against jpegtran on it.
func PhonePhoto(tb testing.TB) []byte {
	tb.Helper()
	const w, h, noise = 4032, 3024, 40
	img := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	seed := uint32(1)
	for y := range h {
		for x := range w {
			seed = seed*1664525 + 1013904223
			v := (x/7+y/5)%200 + 20 + int(seed>>24)*noise/256 - noise/2
			img.Y[y*img.YStride+x] = uint8(max(0, min(255, v)))
		}
	}
	for y := range h / 2 {
		for x := range w / 2 {
			img.Cb[y*img.CStride+x] = uint8(108 + (x/16)%40)
			img.Cr[y*img.CStride+x] = uint8(108 + (y/16)%40)
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 92}); err != nil {
		tb.Fatalf("testenv: encode photo: %v", err)
	}
	// "Exif\0\0", a big-endian TIFF header, IFD0 with one SHORT entry.
	tiff := []byte("Exif\x00\x00MM\x00\x2a\x00\x00\x00\x08\x00\x01\x01\x12\x00\x03\x00\x00\x00\x01\x00\x06\x00\x00\x00\x00\x00\x00")
	app1 := binary.BigEndian.AppendUint16([]byte{0xff, 0xe1}, uint16(len(tiff)+2))
	out := append([]byte{0xff, 0xd8}, append(app1, tiff...)...)
	return append(out, buf.Bytes()[2:]...)
}
