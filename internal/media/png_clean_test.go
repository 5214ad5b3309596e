package media

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/binary"
	"errors"
	"image"
	"image/color"
	"image/png"
	"slices"
	"testing"
)

// cleanBytes runs Clean on in as type t with the default limits.
func cleanBytes(t testing.TB, in []byte, typ Type) ([]byte, Type, error) {
	t.Helper()
	var out bytes.Buffer
	got, err := Clean(context.Background(), &out, bytes.NewReader(in), int64(len(in)), typ, DefaultMaxPixels, NewBudget(DefaultBudget))
	return out.Bytes(), got, err
}

// samePixels reports where a and b first differ, in 16-bit non-premultiplied
// colour, or "" when they hold the same pixels.
func samePixels(a, b image.Image) string {
	if a.Bounds() != b.Bounds() {
		return "bounds " + a.Bounds().String() + " and " + b.Bounds().String()
	}
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			ca := color.NRGBA64Model.Convert(a.At(x, y))
			cb := color.NRGBA64Model.Convert(b.At(x, y))
			if ca != cb {
				return image.Pt(x, y).String()
			}
		}
	}
	return ""
}

// pngMetadataChunks are ancillary chunks that can carry metadata, each
// holding a marker checkNoLeak or the test below looks for, plus the colour
// and APNG chunks that the rewrite drops too.
func pngMetadataChunks() [][]byte {
	fcTL := make([]byte, 26) // sequence 0, frame 1×1 at 0,0
	binary.BigEndian.PutUint32(fcTL[4:], 1)
	binary.BigEndian.PutUint32(fcTL[8:], 1)
	return [][]byte{
		pngChunk("tEXt", []byte("Comment\x00shot at 12 Calle Secreta")),
		pngChunk("zTXt", append([]byte("Author\x00\x00"), deflateBytes([]byte("Rosa, Calle Secreta"))...)),
		pngChunk("iTXt", []byte("XML:com.adobe.xmp\x00\x00\x00\x00\x00"+string(xmpPacket()))),
		pngChunk("eXIf", exifTIFF(1)),
		pngChunk("tIME", []byte{0x07, 0xe8, 1, 2, 3, 4, 5}),
		pngChunk("iCCP", []byte("Camera profile\x00\x00\x78\x9c\x03\x00\x00\x00\x00\x01")),
		pngChunk("sPLT", []byte("Secretville palette\x00\x08\x00\x00\x00\x00\x00\x00")),
		pngChunk("gAMA", []byte{0, 0, 0xb1, 0x8f}),
		pngChunk("cHRM", make([]byte, 32)),
		pngChunk("sRGB", []byte{0}),
		pngChunk("sBIT", []byte{8, 8, 8}),
		pngChunk("pHYs", []byte{0, 0, 0x0b, 0x13, 0, 0, 0x0b, 0x13, 1}),
		pngChunk("prVt", []byte("device serial Secretville-0042")),
		pngChunk("acTL", []byte{0, 0, 0, 1, 0, 0, 0, 0}),
		pngChunk("fcTL", fcTL),
	}
}

// withPNGChunks puts extra after IHDR, an APNG frame (fdAT) before IEND and
// trailer after IEND.
func withPNGChunks(t testing.TB, plain []byte, extra [][]byte, trailer []byte) []byte {
	t.Helper()
	const afterIHDR = 8 + 4 + 4 + 13 + 4
	iend := bytes.LastIndex(plain, []byte("IEND")) - 4
	if iend < afterIHDR {
		t.Fatal("no IEND in the fixture")
	}
	out := slices.Clone(plain[:afterIHDR])
	out = append(out, bytes.Join(extra, nil)...)
	out = append(out, plain[afterIHDR:iend]...)
	out = append(out, pngChunk("fdAT", []byte("\x00\x00\x00\x01hidden frame of Calle Secreta"))...)
	out = append(out, plain[iend:]...)
	return append(out, trailer...)
}

// deflateBytes zlib-compresses b.
func deflateBytes(b []byte) []byte {
	var out bytes.Buffer
	zw := zlib.NewWriter(&out)
	zw.Write(b)
	zw.Close()
	return out.Bytes()
}

// trailerAfterImage is what phones append after an image: a second image
// with its own EXIF, as in a motion photo.
func trailerAfterImage() []byte {
	return append([]byte("\xff\xd8\xff\xe1\x00\x20Exif\x00\x00"), exifTIFF(1)...)
}

// pngFixtures are small PNGs of several layouts, each with every metadata
// chunk and trailing data.
func pngFixtures(t testing.TB) map[string][]byte {
	t.Helper()
	// BestSpeed, unlike the default the old path wrote with, tells a copied
	// IDAT from a re-encoded one.
	encode := func(img image.Image) []byte {
		var b bytes.Buffer
		if err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&b, img); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	paletted := image.NewPaletted(image.Rect(0, 0, 30, 20), color.Palette{color.NRGBA{255, 0, 0, 255}, color.NRGBA{0, 0, 255, 128}})
	for i := range paletted.Pix {
		paletted.Pix[i] = uint8(i % 3 % 2)
	}
	gray := image.NewGray16(image.Rect(0, 0, 17, 9))
	for i := range gray.Pix {
		gray.Pix[i] = uint8(i * 37)
	}
	// Go's encoder cannot interlace: a 1×1 Adam7 image is one pass of one pixel.
	ihdr := []byte{0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 1}
	interlaced := slices.Concat([]byte(pngSignature), pngChunk("IHDR", ihdr),
		pngChunk("IDAT", deflateBytes([]byte{0, 10, 200, 30})), pngChunk("IEND", nil))
	out := map[string][]byte{}
	for name, plain := range map[string][]byte{
		"RGBA":                encode(markedImage(40, 20)),
		"paletted with tRNS":  encode(paletted),
		"16-bit gray":         encode(gray),
		"interlaced":          interlaced,
		"IDAT split in three": splitIDAT(t, encode(markedImage(64, 64))),
	} {
		out[name] = withPNGChunks(t, plain, pngMetadataChunks(), trailerAfterImage())
	}
	return out
}

// pngIDAT returns the data of a PNG's IDAT chunks, joined.
func pngIDAT(t *testing.T, b []byte) []byte {
	t.Helper()
	var data []byte
	for i := 8; i+12 <= len(b); {
		n := int(binary.BigEndian.Uint32(b[i:]))
		if string(b[i+4:i+8]) == "IDAT" {
			data = append(data, b[i+8:i+8+n]...)
		}
		i += 12 + n
	}
	return data
}

// splitIDAT rewrites a PNG's single IDAT as three consecutive chunks.
func splitIDAT(t testing.TB, b []byte) []byte {
	t.Helper()
	i := bytes.Index(b, []byte("IDAT")) - 4
	n := int(binary.BigEndian.Uint32(b[i:]))
	data := b[i+8 : i+8+n]
	third := n / 3
	return slices.Concat(b[:i], pngChunk("IDAT", data[:third]), pngChunk("IDAT", data[third:2*third]),
		pngChunk("IDAT", data[2*third:]), b[i+12+n:])
}

// pngAllowed are the only chunks a stored PNG may hold.
var pngAllowed = map[string]bool{"IHDR": true, "PLTE": true, "tRNS": true, "IDAT": true, "IEND": true}

// checkCleanPNG fails unless out is a PNG of allowed chunks alone, ending
// at IEND, that Go decodes.
func checkCleanPNG(t *testing.T, out []byte) image.Image {
	t.Helper()
	types := pngChunkTypes(t, out)
	for _, typ := range types {
		if !pngAllowed[typ] {
			t.Errorf("output keeps chunk %s", typ)
		}
	}
	if !bytes.HasSuffix(out, pngChunk("IEND", nil)) || slices.Index(types, "IEND") != len(types)-1 {
		t.Errorf("output does not end at its one IEND: %v", types)
	}
	img, err := png.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("Go cannot decode the output: %v", err)
	}
	return img
}

func TestCleanPNGKeepsOnlyCriticalChunks(t *testing.T) {
	for name, in := range pngFixtures(t) {
		t.Run(name, func(t *testing.T) {
			types := pngChunkTypes(t, in)
			for _, want := range []string{"tEXt", "zTXt", "iTXt", "eXIf", "tIME", "iCCP", "sPLT", "prVt", "acTL", "fdAT"} {
				if !slices.Contains(types, want) {
					t.Fatalf("the fixture lacks %s: %v", want, types)
				}
			}
			out, typ, err := cleanBytes(t, in, PNG)
			if err != nil || typ != PNG {
				t.Fatalf("Clean = %v, %v; want PNG", typ, err)
			}
			got := checkCleanPNG(t, out)
			if leaks := checkNoLeak(out); len(leaks) > 0 {
				t.Errorf("output leaks %v", leaks)
			}
			for _, m := range []string{"Secret", "Rosa", "serial", "hidden frame"} {
				if bytes.Contains(out, []byte(m)) {
					t.Errorf("output holds %q", m)
				}
			}
			want, err := png.Decode(bytes.NewReader(in))
			if err != nil {
				t.Fatal(err)
			}
			if at := samePixels(want, got); at != "" {
				t.Errorf("pixels differ at %s", at)
			}
			// The compressed pixels are copied, not made again.
			if !bytes.Equal(pngIDAT(t, out), pngIDAT(t, in)) {
				t.Error("the image data was re-encoded, not copied")
			}
		})
	}
}

// TestCleanPNGTurnsUpright: an eXIf orientation of 6 ("turn 90° clockwise
// to show") is applied to the pixels, for viewers that ignore it.
func TestCleanPNGTurnsUpright(t *testing.T) {
	var plain bytes.Buffer
	if err := png.Encode(&plain, markedImage(40, 20)); err != nil {
		t.Fatal(err)
	}
	in := withPNGChunks(t, plain.Bytes(), [][]byte{pngChunk("eXIf", exifTIFF(6))}, nil)
	out, typ, err := cleanBytes(t, in, PNG)
	if err != nil || typ != PNG {
		t.Fatalf("Clean = %v, %v; want PNG", typ, err)
	}
	img := checkCleanPNG(t, out)
	if img.Bounds() != image.Rect(0, 0, 20, 40) {
		t.Fatalf("bounds %v, want 20×40", img.Bounds())
	}
	if !isRed(img.At(16, 3)) || isRed(img.At(3, 3)) {
		t.Errorf("red corner not at top right: (16,3)=%v (3,3)=%v", img.At(16, 3), img.At(3, 3))
	}
	if leaks := checkNoLeak(out); len(leaks) > 0 {
		t.Errorf("output leaks %v", leaks)
	}
}

// TestCleanPNGOddStructure: what the whitelist does not take is rebuilt
// from its pixels when Go can decode it, and refused when not; either way
// no byte of it is copied.
func TestCleanPNGOddStructure(t *testing.T) {
	var b bytes.Buffer
	if err := png.Encode(&b, markedImage(40, 20)); err != nil {
		t.Fatal(err)
	}
	plain := b.Bytes()
	const afterIHDR = 8 + 4 + 4 + 13 + 4
	badCRC := pngChunk("tEXt", []byte("Comment\x00Calle Secreta"))
	badCRC[len(badCRC)-1] ^= 1
	idat := bytes.Index(plain, []byte("IDAT")) - 4
	tests := []struct {
		name    string
		in      []byte
		wantErr bool
	}{
		// Go skips an unknown critical chunk; the rewrite does not guess.
		{"unknown critical chunk", slices.Concat(plain[:afterIHDR], pngChunk("CRIT", []byte("Calle Secreta")), plain[afterIHDR:]), false},
		{"bad CRC on a text chunk", slices.Concat(plain[:afterIHDR], badCRC, plain[afterIHDR:]), true},
		{"text between IDATs", slices.Concat(plain[:idat], pngChunk("IDAT", nil), pngChunk("tEXt", []byte("a\x00Calle Secreta")), plain[idat:]), true},
		{"no IEND", plain[:len(plain)-12], true},
		{"IEND before IDAT", slices.Concat(plain[:afterIHDR], pngChunk("IEND", nil)), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, typ, err := cleanBytes(t, tt.in, PNG)
			if tt.wantErr {
				if !errors.Is(err, ErrUnsupported) || len(out) > 0 {
					t.Fatalf("Clean = %v with %d bytes written; want a refusal and nothing", err, len(out))
				}
				return
			}
			if err != nil || typ != PNG {
				t.Fatalf("Clean = %v, %v", typ, err)
			}
			checkCleanPNG(t, out)
			if bytes.Contains(out, []byte("Secreta")) {
				t.Error("the odd chunk was copied")
			}
		})
	}
}

// TestCleanPNGLimits: the rewrite refuses what Reencode refuses, from the
// header, before holding the file.
func TestCleanPNGLimits(t *testing.T) {
	flood := pixelFloodPNG(t)
	if _, _, err := cleanBytes(t, flood, PNG); !errors.Is(err, ErrTooManyPixels) {
		t.Errorf("50,000×50,000 PNG: %v, want ErrTooManyPixels", err)
	}
	// 3000×3000 at 16 bits a channel needs over 100 MiB to decode.
	ihdr := []byte{0, 0, 0x0b, 0xb8, 0, 0, 0x0b, 0xb8, 16, 6, 0, 0, 0}
	deep := slices.Concat([]byte(pngSignature), pngChunk("IHDR", ihdr), pngChunk("IDAT", deflateBytes(nil)), pngChunk("IEND", nil))
	var out bytes.Buffer
	_, err := Clean(context.Background(), &out, bytes.NewReader(deep), int64(len(deep)), PNG, DefaultMaxPixels, NewBudget(64<<20))
	if !errors.Is(err, ErrTooMuchMemory) {
		t.Errorf("deep PNG on a 64 MiB budget: %v, want ErrTooMuchMemory", err)
	}
}

func TestExifOrientation(t *testing.T) {
	le := []byte("II*\x00\x08\x00\x00\x00\x01\x00\x12\x01\x03\x00\x01\x00\x00\x00\x08\x00\x00\x00")
	tests := []struct {
		name string
		in   []byte
		want int
	}{
		{"big-endian 6", exifTIFF(6), 6},
		{"with the JPEG prefix", append([]byte("Exif\x00\x00"), exifTIFF(3)...), 3},
		{"little-endian 8", le, 8},
		{"out of range", exifTIFF(9), 1},
		{"truncated", exifTIFF(6)[:15], 1},
		{"not TIFF", []byte("hello, world"), 1},
	}
	for _, tt := range tests {
		if got := exifOrientation(tt.in); got != tt.want {
			t.Errorf("%s: %d, want %d", tt.name, got, tt.want)
		}
	}
}

// FuzzCleanPNG: any input is refused or stored as a PNG of critical chunks
// alone that Go decodes (or, rebuilt, as a PNG Go wrote).
func FuzzCleanPNG(f *testing.F) {
	for _, in := range pngFixtures(f) {
		f.Add(in)
	}
	var b bytes.Buffer
	if err := png.Encode(&b, markedImage(8, 8)); err != nil {
		f.Fatal(err)
	}
	f.Add(withPNGChunks(f, b.Bytes(), [][]byte{pngChunk("eXIf", exifTIFF(6))}, nil))
	f.Fuzz(func(t *testing.T, in []byte) {
		var out bytes.Buffer
		// A small pixel limit keeps each run fast.
		typ, err := Clean(context.Background(), &out, bytes.NewReader(in), int64(len(in)), PNG, 1<<16, NewBudget(32<<20))
		if err != nil {
			return
		}
		if typ != PNG {
			t.Fatalf("stored as %s", typ)
		}
		checkCleanPNG(t, out.Bytes())
	})
}
