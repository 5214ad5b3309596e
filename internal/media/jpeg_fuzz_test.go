package media

import (
	"bytes"
	"context"
	"image/jpeg"
	"testing"
)

// FuzzCleanJPEG: whatever the input, Clean either refuses it or writes a
// JPEG that image/jpeg decodes, made only of the segments a decoder needs
// (at most one APP0, ours; DQT, SOF0/1, DHT, SOS, EOI), with nothing after
// EOI and none of the seeds' metadata.
func FuzzCleanJPEG(f *testing.F) {
	plain := encodeLayout(f, texture(24, 17), jpegLayout{name: "go 4:2:0"})
	for o := range uint16(9) {
		f.Add(withPhoneMetadata(plain, o))
	}
	f.Add(plain[:len(plain)/2])
	for _, name := range []string{"video-001.q50.444.progressive.jpeg", "video-005.gray.q50.progressive.jpeg", "video-001.cmyk.jpeg", "video-001.rgb.jpeg"} {
		f.Add(withPhoneMetadata(readTestdata(f, name), 6))
	}
	jfif := append([]byte{0xff, 0xe0, 0, 16}, "JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"...)
	f.Fuzz(func(t *testing.T, in []byte) {
		var out bytes.Buffer
		// A small pixel limit keeps each run short; the layouts are the same.
		_, err := Clean(context.Background(), &out, bytes.NewReader(in), int64(len(in)), JPEG, 1<<18, NewBudget(64<<20))
		if err != nil {
			return
		}
		b := out.Bytes()
		markers, trailing := jpegSegmentsOf(t, b)
		app0 := 0
		for _, m := range markers {
			switch m {
			case 0xe0:
				app0++
			case 0xdb, 0xc0, 0xc1, 0xc4, 0xda, 0xd9:
			default:
				t.Errorf("output keeps segment FF %X", m)
			}
		}
		if app0 > 1 || app0 == 1 && !bytes.Equal(b[2:20], jfif) {
			t.Errorf("APP0 other than a fresh JFIF header: % x", b[2:20])
		}
		if trailing != 0 {
			t.Errorf("%d bytes follow EOI", trailing)
		}
		for _, leak := range []string{"Secretville", "Calle Secreta", "ns.adobe.com/xap", "Camera profile", "Exif\x00\x00"} {
			if bytes.Contains(b, []byte(leak)) {
				t.Errorf("output leaks %q", leak)
			}
		}
		if _, err := jpeg.Decode(bytes.NewReader(b)); err != nil {
			t.Errorf("image/jpeg cannot decode the output: %v", err)
		}
	})
}
