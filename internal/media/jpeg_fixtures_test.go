package media

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"os/exec"
	"testing"
)

// jpegtranPackage is the Debian package with jpegtran, cjpeg and djpeg;
// scripts/test installs it where the media tests run.
const jpegtranPackage = "libjpeg-turbo-progs"

// needTool returns the path of one of libjpeg-turbo's programs, failing
// the test (never skipping it) when it is missing.
func needTool(t testing.TB, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s is missing: install Debian's %s (scripts/test does)", name, jpegtranPackage)
	}
	return path
}

// runTool runs one of libjpeg-turbo's programs on stdin and returns its
// output, failing on any error or warning.
func runTool(t testing.TB, stdin []byte, name string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(needTool(t, name), args...)
	cmd.Stdin = bytes.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil || stderr.Len() > 0 {
		t.Fatalf("%s %v: %v: %s", name, args, err, stderr.String())
	}
	return stdout.Bytes()
}

// texture is a w×h picture with detail at every frequency (a
// deterministic noise over gradients) and a red top-left square, so that
// any block or coefficient out of place changes the decoded pixels.
func texture(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	seed := uint32(1)
	for y := range h {
		for x := range w {
			seed = seed*1664525 + 1013904223
			n := byte(seed >> 27)
			c := color.NRGBA{byte(x*255/w) ^ n, byte(y*255/h) + n, byte((x+y)*3) - n, 255}
			if x < 10 && y < 10 {
				c = color.NRGBA{255, 0, 0, 255}
			}
			img.SetNRGBA(x, y, c)
		}
	}
	return img
}

// pnm writes img as binary PPM, or PGM when gray, for cjpeg.
func pnm(img *image.NRGBA, gray bool) []byte {
	b := img.Bounds()
	var buf bytes.Buffer
	if gray {
		fmt.Fprintf(&buf, "P5\n%d %d\n255\n", b.Dx(), b.Dy())
	} else {
		fmt.Fprintf(&buf, "P6\n%d %d\n255\n", b.Dx(), b.Dy())
	}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := img.NRGBAAt(x, y)
			if gray {
				buf.WriteByte(byte((int(c.R)*3 + int(c.G)*6 + int(c.B)) / 10))
			} else {
				buf.Write([]byte{c.R, c.G, c.B})
			}
		}
	}
	return buf.Bytes()
}

// jpegLayout is one way an encoder lays out a JPEG.
type jpegLayout struct {
	name string
	// cjpeg's arguments, or nil for Go's own encoder (4:2:0 baseline).
	cjpeg []string
	gray  bool
}

// jpegLayouts covers the sampling, coding and restart variants the
// segment rewrite handles.
func jpegLayouts() []jpegLayout {
	return []jpegLayout{
		{name: "go 4:2:0"},
		{name: "4:2:2", cjpeg: []string{"-sample", "2x1"}},
		{name: "4:4:0", cjpeg: []string{"-sample", "1x2"}},
		{name: "4:4:4 optimized", cjpeg: []string{"-sample", "1x1", "-optimize"}},
		{name: "4:2:0 restart", cjpeg: []string{"-sample", "2x2", "-restart", "3B"}},
		{name: "gray", cjpeg: []string{"-grayscale"}, gray: true},
		{name: "4:2:0 progressive", cjpeg: []string{"-sample", "2x2", "-progressive"}},
		{name: "4:2:2 progressive restart", cjpeg: []string{"-sample", "2x1", "-progressive", "-restart", "2B"}},
		{name: "gray progressive", cjpeg: []string{"-grayscale", "-progressive"}, gray: true},
	}
}

// encodeLayout encodes img as the layout says, with no metadata at all.
func encodeLayout(t testing.TB, img *image.NRGBA, l jpegLayout) []byte {
	t.Helper()
	if l.cjpeg == nil {
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	args := append([]string{"-quality", "90"}, l.cjpeg...)
	return runTool(t, pnm(img, l.gray), "cjpeg", args...)
}

// withPhoneMetadata adds what a phone writes around a plain JPEG: EXIF
// with the orientation and GPS, XMP, an ICC profile, a comment, an MPF
// index, and a second image with its own EXIF after EOI (as depth maps
// and motion photos are appended).
func withPhoneMetadata(plain []byte, orientation uint16) []byte {
	exif := jpegSegment(0xe1, append([]byte("Exif\x00\x00"), exifTIFF(orientation)...))
	var out []byte
	out = append(out, plain[:2]...)
	out = append(out, exif...)
	out = append(out, jpegSegment(0xe1, xmpPacket())...)
	out = append(out, jpegSegment(0xe2, []byte("ICC_PROFILE\x00\x01\x01Camera profile"))...)
	out = append(out, jpegSegment(0xe2, []byte("MPF\x00MM\x00\x2a Secretville depth"))...)
	out = append(out, jpegSegment(0xfe, []byte("shot at 12 Calle Secreta"))...)
	out = append(out, plain[2:]...)
	out = append(out, 0xff, 0xd8)
	out = append(out, exif...)
	return append(out, []byte("ftypmp42 motion photo Secretville")...)
}

// jpegtranFlags are jpegtran's arguments that turn an image with EXIF
// orientation o upright, trimming partial MCUs as CleanJPEG does.
func jpegtranFlags(o int) []string {
	return [...][]string{
		1: nil,
		2: {"-flip", "horizontal"},
		3: {"-rotate", "180"},
		4: {"-flip", "vertical"},
		5: {"-transpose"},
		6: {"-rotate", "90"},
		7: {"-transverse"},
		8: {"-rotate", "270"},
	}[o]
}
