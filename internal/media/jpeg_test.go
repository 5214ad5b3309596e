package media

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"image"
	"image/jpeg"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// cleanJPEG runs CleanJPEG the way intake does, through Clean.
func cleanJPEG(t testing.TB, in []byte) []byte {
	t.Helper()
	var out bytes.Buffer
	typ, err := Clean(context.Background(), &out, bytes.NewReader(in), int64(len(in)), JPEG, DefaultMaxPixels, NewBudget(DefaultBudget))
	if err != nil {
		t.Fatalf("Clean: %v", err)
	}
	if typ != JPEG {
		t.Fatalf("Clean wrote %s, want JPEG", typ)
	}
	return out.Bytes()
}

// jpegSegmentsOf lists every marker of a JPEG, scans included, and
// reports whether anything follows EOI.
func jpegSegmentsOf(t testing.TB, b []byte) (markers []byte, trailing int) {
	t.Helper()
	if len(b) < 4 || b[0] != 0xff || b[1] != 0xd8 {
		t.Fatalf("not a JPEG: % x", b[:min(len(b), 4)])
	}
	for i := 2; i+2 <= len(b); {
		if b[i] != 0xff {
			t.Fatalf("no marker at offset %d", i)
		}
		m := b[i+1]
		markers = append(markers, m)
		if m == 0xd9 {
			return markers, len(b) - i - 2
		}
		i += 2 + int(binary.BigEndian.Uint16(b[i+2:]))
		if m == 0xda { // skip the entropy-coded data to the next marker
			for i+1 < len(b) && (b[i] != 0xff || b[i+1] == 0 || b[i+1] >= 0xd0 && b[i+1] <= 0xd7) {
				i++
			}
		}
	}
	t.Fatal("no EOI")
	return nil, 0
}

// checkCleanJPEG fails unless out holds only the segments a decoder needs
// (one JFIF APP0, DQT, SOF0/1, DHT, SOS, EOI), nothing after EOI and no
// byte of the fixtures' metadata.
func checkCleanJPEG(t testing.TB, out []byte) {
	t.Helper()
	markers, trailing := jpegSegmentsOf(t, out)
	app0 := 0
	for _, m := range markers {
		switch {
		case m == 0xe0:
			app0++
		case m == 0xdb || m == 0xc0 || m == 0xc1 || m == 0xc4 || m == 0xda || m == 0xd9:
		default:
			t.Errorf("output keeps segment FF %X", m)
		}
	}
	if app0 != 1 || !bytes.Equal(out[2:20], append([]byte{0xff, 0xe0, 0, 16}, "JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"...)) {
		t.Errorf("want exactly one fresh JFIF APP0 first, got % x", out[2:20])
	}
	if trailing != 0 {
		t.Errorf("%d bytes follow EOI", trailing)
	}
	if leaks := checkNoLeak(out); len(leaks) > 0 {
		t.Errorf("output leaks %v", leaks)
	}
}

// decodeJPEGBytes decodes with Go's image/jpeg.
func decodeJPEGBytes(t testing.TB, b []byte) image.Image {
	t.Helper()
	img, err := jpeg.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("image/jpeg cannot decode: %v", err)
	}
	return img
}

// TestCleanJPEGIsJPEGTranLossless checks, for every layout and every EXIF
// orientation, on a size with partial MCUs on both edges, that the stored
// photo carries no metadata and decodes (with image/jpeg and djpeg) to
// exactly the pixels of jpegtran -copy none -trim's lossless turn of the
// original: the same DCT coefficients, no generation loss. The old path
// decoded, turned and re-encoded the pixels, which never matches exactly.
func TestCleanJPEGIsJPEGTranLossless(t *testing.T) {
	const w, h = 61, 45
	src := texture(w, h)
	for _, l := range jpegLayouts() {
		plain := encodeLayout(t, src, l)
		for o := 1; o <= 8; o++ {
			t.Run(fmt.Sprintf("%s/orientation %d", l.name, o), func(t *testing.T) {
				in := withPhoneMetadata(plain, uint16(o))
				if got := len(checkNoLeak(in)); got < 6 {
					t.Fatalf("fixture carries only %d metadata markers", got)
				}
				out := cleanJPEG(t, in)
				checkCleanJPEG(t, out)
				if fast, err := rewriteJPEG(bytes.NewReader(in), int64(len(in)), 1<<30); err != nil || !bytes.Equal(fast, out) {
					t.Fatalf("the photo took the pixel path: %v", err)
				}
				got := decodeJPEGBytes(t, out)
				want := decodeJPEGBytes(t, runTool(t, plain, "jpegtran", append([]string{"-copy", "none", "-trim"}, jpegtranFlags(o)...)...))
				if diff := cmp.Diff(want.Bounds(), got.Bounds()); diff != "" {
					t.Fatalf("bounds (-jpegtran +ours):\n%s", diff)
				}
				if o >= 5 && got.Bounds().Dx() > got.Bounds().Dy() {
					t.Errorf("orientation %d: %v is not turned a quarter", o, got.Bounds())
				}
				if !samePixels(want, got) {
					t.Errorf("pixels differ from jpegtran's")
				}
				runTool(t, out, "djpeg", "-outfile", "/dev/null") // libjpeg reads it without a warning
				if !l.gray && !isRed(got.At(2, 2)) && (o == 1 || o == 5) {
					t.Errorf("red corner moved: %v", got.At(2, 2))
				}
			})
		}
	}
}

// samePixels compares two decoded images pixel by pixel.
func samePixels(a, b image.Image) bool {
	if a.Bounds() != b.Bounds() {
		return false
	}
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if a.At(x, y) != b.At(x, y) {
				return false
			}
		}
	}
	return true
}
