package testenv

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"testing"
)

// GPSMarker is written into the EXIF of JPEGWithGPS as the camera model, so a
// test can search stored bytes for it as well as for the GPS tags.
const GPSMarker = "StoryDeskGPSCam"

// JPEGWithGPS returns a small JPEG whose EXIF holds a camera model and a GPS
// position (30°16'N 97°44'W, Austin), as a phone camera writes it.
func JPEGWithGPS(t testing.TB) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for y := 0; y < 48; y++ {
		for x := 0; x < 64; x++ {
			img.Set(x, y, color.RGBA{uint8(x * 4), uint8(y * 5), 120, 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatalf("testenv: encode jpeg: %v", err)
	}
	raw := buf.Bytes()
	app1 := exifSegment()
	out := append([]byte{}, raw[:2]...) // SOI
	out = append(out, app1...)
	return append(out, raw[2:]...)
}

// exifSegment builds an APP1 "Exif" segment: IFD0 with Model and a GPS IFD
// pointer; the GPS IFD with latitude/longitude refs and values.
func exifSegment() []byte {
	le := binary.LittleEndian
	var tiff bytes.Buffer
	w16 := func(v uint16) { _ = binary.Write(&tiff, le, v) }
	w32 := func(v uint32) { _ = binary.Write(&tiff, le, v) }
	entry := func(tag, typ uint16, count, value uint32) { w16(tag); w16(typ); w32(count); w32(value) }

	model := GPSMarker + "\x00"
	// Layout: header(8) | IFD0 (2+2*12+4=30) | model | GPS IFD (2+4*12+4=54) | rationals
	ifd0 := uint32(8)
	modelOff := ifd0 + 30
	gpsOff := modelOff + uint32(len(model))
	ratOff := gpsOff + 54

	tiff.WriteString("II")
	w16(42)
	w32(ifd0)
	w16(2)
	entry(0x0110, 2, uint32(len(model)), modelOff) // Model
	entry(0x8825, 4, 1, gpsOff)                    // GPSInfo
	w32(0)
	tiff.WriteString(model)
	w16(4)
	entry(0x0001, 2, 2, uint32('N')) // GPSLatitudeRef
	entry(0x0002, 5, 3, ratOff)      // GPSLatitude
	entry(0x0003, 2, 2, uint32('W')) // GPSLongitudeRef
	entry(0x0004, 5, 3, ratOff+24)   // GPSLongitude
	w32(0)
	for _, v := range []uint32{30, 1, 16, 1, 1234, 100, 97, 1, 44, 1, 5678, 100} {
		w32(v)
	}
	payload := append([]byte("Exif\x00\x00"), tiff.Bytes()...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	return append(seg, payload...)
}

// HasEXIF reports whether a JPEG still carries an APP1 (EXIF or XMP) segment.
func HasEXIF(b []byte) bool {
	for i := 2; i+4 <= len(b); {
		if b[i] != 0xFF {
			return false
		}
		marker := b[i+1]
		if marker == 0xDA { // start of scan: no more metadata segments
			return false
		}
		if marker == 0xE1 {
			return true
		}
		n := int(binary.BigEndian.Uint16(b[i+2:]))
		i += 2 + n
	}
	return false
}

// DeepPNG returns a PNG whose header declares w×h pixels of 16-bit RGBA
// (8 bytes a pixel once decoded) while its data stops after a few bytes:
// 6300×6300 weighs under 100 bytes and would decode to 318 MB. A decoder
// that went past the header fails on the truncated data instead, so a
// refusal for size proves the header alone was read.
func DeepPNG(t testing.TB, w, h uint32) []byte {
	t.Helper()
	ihdr := binary.BigEndian.AppendUint32(nil, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, 16, 6, 0, 0, 0) // depth 16, RGBA, deflate, no filter, no interlace
	var idat bytes.Buffer
	zw := zlib.NewWriter(&idat)
	if _, err := zw.Write(make([]byte, 64)); err != nil {
		t.Fatalf("testenv: compress: %v", err)
	}
	if err := zw.Close(); err != nil {
		t.Fatalf("testenv: compress: %v", err)
	}
	out := []byte("\x89PNG\r\n\x1a\n")
	out = append(out, pngChunk("IHDR", ihdr)...)
	out = append(out, pngChunk("IDAT", idat.Bytes())...)
	return append(out, pngChunk("IEND", nil)...)
}

// pngChunk builds a PNG chunk with its CRC.
func pngChunk(typ string, data []byte) []byte {
	b := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	b = append(b, typ...)
	b = append(b, data...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b[4:]))
}
