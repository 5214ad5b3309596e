package media

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"slices"
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
	layouts := jpegLayouts()
	plains := make([][]byte, 0, len(layouts)+2)
	for _, l := range layouts {
		plains = append(plains, encodeLayout(t, src, l))
	}
	// Go's test images: progressive 4:4:4 and gray, 150×103.
	layouts = append(layouts, jpegLayout{name: "testdata 4:4:4 progressive"}, jpegLayout{name: "testdata gray progressive", gray: true})
	plains = append(plains, readTestdata(t, "video-001.q50.444.progressive.jpeg"), readTestdata(t, "video-005.gray.q50.progressive.jpeg"))
	for i, l := range layouts {
		plain := plains[i]
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
				if at := samePixels(want, got); at != "" {
					t.Errorf("pixels differ from jpegtran's at %s", at)
				}
				runTool(t, out, "djpeg", "-outfile", "/dev/null") // libjpeg reads it without a warning
				if i < len(jpegLayouts()) && !l.gray && !isRed(got.At(2, 2)) && (o == 1 || o == 5) {
					t.Errorf("red corner moved: %v", got.At(2, 2))
				}
			})
		}
	}
}

// TestCleanJPEGRefusesAndFallsBack: what the segment rewrite does not take
// goes to the pixel path, which stores CMYK and RGB files cleaned and
// refuses damaged ones; the pixel and memory limits hold as before.
func TestCleanJPEGRefusesAndFallsBack(t *testing.T) {
	plain := encodeLayout(t, texture(61, 45), jpegLayout{name: "go 4:2:0"})
	for _, name := range []string{"video-001.cmyk.jpeg", "video-001.rgb.jpeg"} {
		t.Run(name, func(t *testing.T) {
			in := withPhoneMetadata(readTestdata(t, name), 6)
			if _, err := rewriteJPEG(bytes.NewReader(in), int64(len(in)), 1<<30); !errors.Is(err, errJPEGFallback) {
				t.Errorf("rewriteJPEG = %v, want the pixel path", err)
			}
			out := cleanJPEG(t, in)
			if markers, trailing := jpegSegmentsOf(t, out); slices.ContainsFunc(markers, isMetadataMarker) || trailing != 0 {
				t.Errorf("output keeps markers % x or %d trailing bytes", markers, trailing)
			}
			if leaks := checkNoLeak(out); len(leaks) > 0 {
				t.Errorf("output leaks %v", leaks)
			}
			if b := decodeJPEGBytes(t, out).Bounds(); b.Dx() > b.Dy() {
				t.Errorf("orientation 6 not applied: %v", b)
			}
		})
	}
	// A restart marker out of sequence and junk bytes before a marker:
	// decoders forgive both; the rewrite refuses them.
	withRestart := runTool(t, pnm(texture(61, 45), false), "cjpeg", "-restart", "1B")
	rst := bytes.Index(withRestart, []byte{0xff, 0xd1})
	badRST := bytes.Clone(withRestart)
	badRST[rst+1] = 0xd3
	eoi := len(plain) - 2
	junk := append(append(bytes.Clone(plain[:eoi]), 0x12, 0x34, 0x56), plain[eoi:]...)
	for name, in := range map[string][]byte{"restart out of sequence": badRST, "junk before EOI": junk} {
		if _, err := rewriteJPEG(bytes.NewReader(in), int64(len(in)), 1<<30); !errors.Is(err, errJPEGData) {
			t.Errorf("%s: rewriteJPEG = %v, want errJPEGData", name, err)
		}
	}

	tests := []struct {
		name      string
		in        []byte
		maxPixels int
		budget    int64
		want      error
	}{
		{"truncated", withPhoneMetadata(plain[:len(plain)/2], 6), DefaultMaxPixels, DefaultBudget, ErrUnsupported},
		{"header only", plain[:200], DefaultMaxPixels, DefaultBudget, ErrUnsupported},
		{"one pixel over", plain, 61*45 - 1, DefaultBudget, ErrTooManyPixels},
		{"budget too small", plain, DefaultMaxPixels, 4 << 10, ErrTooMuchMemory},
		{"65 progressive scans", manyScans(t, 65), DefaultMaxPixels, DefaultBudget, ErrUnsupported},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Clean(context.Background(), &bytes.Buffer{}, bytes.NewReader(tt.in), int64(len(tt.in)), JPEG, tt.maxPixels, NewBudget(tt.budget))
			if !errors.Is(err, tt.want) {
				t.Errorf("Clean = %v, want %v", err, tt.want)
			}
		})
	}
}

// isMetadataMarker reports APP1–APP15 and COM.
func isMetadataMarker(m byte) bool { return m >= 0xe1 && m <= 0xef || m == 0xfe }

// manyScans is a progressive JPEG of n scans: cjpeg's first (DC) scan, then
// its second (the first AC band of luma) over and over. image/jpeg decodes
// it, walking every block once per scan.
func manyScans(t testing.TB, n int) []byte {
	t.Helper()
	prog := runTool(t, pnm(texture(61, 45), false), "cjpeg", "-progressive")
	var sos []int // offsets of each SOS marker, then of EOI
	for i := 2; i+1 < len(prog); i++ {
		if prog[i] == 0xff && (prog[i+1] == 0xda || prog[i+1] == 0xd9) {
			sos = append(sos, i)
		}
	}
	out := bytes.Clone(prog[:sos[1]])
	for range n - 1 {
		out = append(out, prog[sos[1]:sos[2]]...)
	}
	return append(out, 0xff, 0xd9)
}
