package media

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image"
	"image/jpeg"
	"slices"
	"testing"

	"golang.org/x/image/webp"
)

// riffChunk builds one RIFF chunk, padded to an even length.
func riffChunk(id string, data []byte) []byte {
	b := append([]byte(id), binary.LittleEndian.AppendUint32(nil, uint32(len(data)))...)
	b = append(b, data...)
	if len(data)%2 == 1 {
		b = append(b, 0)
	}
	return b
}

// riffFile wraps chunks in a RIFF WEBP header whose size counts them all.
func riffFile(chunks ...[]byte) []byte {
	body := slices.Concat(chunks...)
	b := append([]byte("RIFF"), binary.LittleEndian.AppendUint32(nil, uint32(4+len(body)))...)
	return append(append(b, "WEBP"...), body...)
}

// riffChunks lists the chunks of a RIFF WEBP file, inside its RIFF size.
func riffChunks(t testing.TB, b []byte) []webpChunk {
	t.Helper()
	if len(b) < 12 || string(b[:4]) != "RIFF" || string(b[8:12]) != "WEBP" {
		t.Fatalf("not a WebP: % x", b[:min(len(b), 12)])
	}
	size := int(binary.LittleEndian.Uint32(b[4:]))
	if size+8 > len(b) {
		t.Fatalf("RIFF size %d for %d bytes", size, len(b))
	}
	var out []webpChunk
	for i := 12; i+8 <= size+8; {
		n := int(binary.LittleEndian.Uint32(b[i+4:]))
		out = append(out, webpChunk{string(b[i : i+4]), b[i+8 : i+8+n]})
		i += 8 + n + n%2
	}
	return out
}

// vp8x builds a VP8X payload.
func vp8x(flags byte, w, h int) []byte {
	d := []byte{flags, 0, 0, 0}
	d = append(d, byte(w-1), byte((w-1)>>8), byte((w-1)>>16))
	return append(d, byte(h-1), byte((h-1)>>8), byte((h-1)>>16))
}

// webpWithMetadata rebuilds a testdata WebP as an extended file carrying
// an ICC profile, EXIF with the given orientation and GPS, XMP, an unknown
// chunk of odd length, and a trailer after the RIFF size.
func webpWithMetadata(t testing.TB, file string, orientation uint16) []byte {
	t.Helper()
	src := readTestdata(t, file)
	cfg, err := webp.DecodeConfig(bytes.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	var image [][]byte
	flags := byte(0x20 | 0x08 | 0x04) // ICC, EXIF, XMP
	for _, c := range riffChunks(t, src) {
		switch c.id {
		case "ALPH":
			flags |= 0x10
			image = append(image, riffChunk(c.id, c.data))
		case "VP8 ", "VP8L":
			image = append(image, riffChunk(c.id, c.data))
		}
	}
	chunks := [][]byte{
		riffChunk("VP8X", vp8x(flags, cfg.Width, cfg.Height)),
		riffChunk("ICCP", []byte("Camera profile for device Secretville-0042")),
	}
	chunks = append(chunks, image...)
	chunks = append(chunks,
		riffChunk("EXIF", exifTIFF(orientation)),
		riffChunk("XMP ", xmpPacket()),
		riffChunk("PRIV", []byte("serial Calle Secreta")), // odd length: padded
	)
	return append(riffFile(chunks...), trailerAfterImage()...)
}

// webpAllowed are the only chunks a stored WebP may hold.
var webpAllowed = map[string]bool{"VP8X": true, "ALPH": true, "VP8 ": true, "VP8L": true}

// checkCleanWebP fails unless out is a WebP of allowed chunks alone, whose
// RIFF size is its length, whose VP8X (if any) says alpha and nothing
// else, and which Go decodes.
func checkCleanWebP(t *testing.T, out []byte) image.Image {
	t.Helper()
	if len(out) < 12 || int(binary.LittleEndian.Uint32(out[4:]))+8 != len(out) {
		t.Fatalf("RIFF size does not match the %d bytes stored", len(out))
	}
	for _, c := range riffChunks(t, out) {
		if !webpAllowed[c.id] {
			t.Errorf("output keeps chunk %q", c.id)
		}
		if c.id == "VP8X" && c.data[0] != 0x10 {
			t.Errorf("VP8X flags %#x, want alpha (0x10) alone", c.data[0])
		}
	}
	img, err := webp.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("Go cannot decode the output: %v", err)
	}
	return img
}

func TestCleanWebPKeepsOnlyImageChunks(t *testing.T) {
	for _, file := range []string{"blue-purple-pink.lossy.webp", "gopher-doc.with-alpha.lossless.webp", "yellow_rose.lossy-with-alpha.webp"} {
		t.Run(file, func(t *testing.T) {
			in := webpWithMetadata(t, file, 1)
			ids := map[string]bool{}
			for _, c := range riffChunks(t, in) {
				ids[c.id] = true
			}
			for _, want := range []string{"VP8X", "ICCP", "EXIF", "XMP ", "PRIV"} {
				if !ids[want] {
					t.Fatalf("the fixture lacks %q", want)
				}
			}
			out, typ, err := cleanBytes(t, in, WebP)
			if err != nil || typ != WebP {
				t.Fatalf("Clean = %v, %v; want WebP", typ, err)
			}
			got := checkCleanWebP(t, out)
			if leaks := checkNoLeak(out); len(leaks) > 0 {
				t.Errorf("output leaks %v", leaks)
			}
			for _, m := range []string{"Secret", "serial"} {
				if bytes.Contains(out, []byte(m)) {
					t.Errorf("output holds %q", m)
				}
			}
			want, err := webp.Decode(bytes.NewReader(readTestdata(t, file)))
			if err != nil {
				t.Fatal(err)
			}
			if at := samePixels(want, got); at != "" {
				t.Errorf("pixels differ at %s", at)
			}
		})
	}
}

// TestCleanWebPTurnsUpright: EXIF orientation 6 is applied to the pixels,
// which the slow path writes as PNG (alpha) or JPEG (opaque).
func TestCleanWebPTurnsUpright(t *testing.T) {
	for _, tt := range []struct {
		file string
		want Type
	}{{"gopher-doc.with-alpha.lossless.webp", PNG}, {"blue-purple-pink.lossy.webp", JPEG}} {
		t.Run(tt.file, func(t *testing.T) {
			in := webpWithMetadata(t, tt.file, 6)
			src, err := webp.Decode(bytes.NewReader(readTestdata(t, tt.file)))
			if err != nil {
				t.Fatal(err)
			}
			out, typ, err := cleanBytes(t, in, WebP)
			if err != nil || typ != tt.want {
				t.Fatalf("Clean = %v, %v; want %s", typ, err, tt.want)
			}
			if leaks := checkNoLeak(out); len(leaks) > 0 {
				t.Errorf("output leaks %v", leaks)
			}
			got, format, err := image.Decode(bytes.NewReader(out))
			if err != nil || "image/"+format != typ.ContentType() {
				t.Fatalf("output decodes as %q: %v", format, err)
			}
			sw, sh := src.Bounds().Dx(), src.Bounds().Dy()
			if got.Bounds() != image.Rect(0, 0, sh, sw) {
				t.Fatalf("bounds %v, want %d×%d", got.Bounds(), sh, sw)
			}
			// Turned 90° clockwise: the output's (x, y) is the source's (y, h-1-x).
			if typ == PNG {
				rot := image.NewNRGBA(got.Bounds())
				for y := range sw {
					for x := range sh {
						rot.Set(x, y, src.At(y, sh-1-x))
					}
				}
				if at := samePixels(rot, got); at != "" {
					t.Errorf("not turned clockwise: differs at %s", at)
				}
			}
			if typ == JPEG {
				if _, err := jpeg.Decode(bytes.NewReader(out)); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

// TestCleanWebPOddStructure: what the rewrite does not take is refused, or
// rebuilt from its pixels when Go decodes it; no unparsed byte is copied.
func TestCleanWebPOddStructure(t *testing.T) {
	lossy := riffChunks(t, readTestdata(t, "blue-purple-pink.lossy.webp"))[0]
	img := riffChunk(lossy.id, lossy.data)
	short := riffFile(img)
	binary.LittleEndian.PutUint32(short[4:], uint32(len(short)-8+2)) // claims more than there is
	tests := []struct {
		name string
		in   []byte
		want Type // 0: refused
	}{
		{"VP8X canvas larger than the image", riffFile(riffChunk("VP8X", vp8x(0, 151, 100)), img), 0},
		{"animated", riffFile(riffChunk("VP8X", vp8x(0x02, 150, 100)), riffChunk("ANIM", make([]byte, 6)),
			riffChunk("ANMF", append(make([]byte, 16), img...))), 0},
		{"no image", riffFile(riffChunk("VP8X", vp8x(0, 150, 100)), riffChunk("EXIF", exifTIFF(1))), 0},
		{"second VP8X", riffFile(riffChunk("VP8X", vp8x(0, 150, 100)), riffChunk("VP8X", vp8x(0, 150, 100)), img), 0},
		// Go reads up to the image and stops, so it decodes these: the
		// slow way rebuilds them from their pixels.
		{"RIFF size beyond the file", short, JPEG},
		{"ANIM chunk before a still image", riffFile(riffChunk("VP8X", vp8x(0x02, 150, 100)), riffChunk("ANIM", []byte("Calle ")), img), JPEG},
		{"stray bytes in the RIFF body", riffFile(img, []byte("Calle")), JPEG},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, typ, err := cleanBytes(t, tt.in, WebP)
			if tt.want == 0 {
				if !errors.Is(err, ErrUnsupported) || len(out) > 0 {
					t.Fatalf("Clean = %v, %v with %d bytes written; want a refusal and nothing", typ, err, len(out))
				}
				return
			}
			if err != nil || typ != tt.want {
				t.Fatalf("Clean = %v, %v; want %s", typ, err, tt.want)
			}
			if bytes.Contains(out, []byte("Calle")) {
				t.Error("unparsed bytes were copied")
			}
		})
	}
}

// TestCleanWebPLimits: a VP8X canvas of 16,000×16,000 is refused from the
// header, as before.
func TestCleanWebPLimits(t *testing.T) {
	in := riffFile(riffChunk("VP8X", vp8x(0, 16000, 16000)), riffChunk("VP8L", []byte{0x2f, 0, 0, 0, 0}))
	if _, _, err := cleanBytes(t, in, WebP); !errors.Is(err, ErrTooManyPixels) {
		t.Errorf("Clean = %v, want ErrTooManyPixels", err)
	}
}

// FuzzCleanWebP: any input is refused, stored as a WebP of image chunks
// alone that Go decodes, or rebuilt from its pixels as JPEG or PNG.
func FuzzCleanWebP(f *testing.F) {
	for _, file := range []string{"blue-purple-pink.lossy.webp", "gopher-doc.with-alpha.lossless.webp", "yellow_rose.lossy-with-alpha.webp"} {
		f.Add(webpWithMetadata(f, file, 1))
		f.Add(webpWithMetadata(f, file, 6))
		f.Add(readTestdata(f, file))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		var out bytes.Buffer
		typ, err := Clean(t.Context(), &out, bytes.NewReader(in), int64(len(in)), WebP, 1<<16, NewBudget(32<<20))
		if err != nil {
			return
		}
		switch typ {
		case WebP:
			checkCleanWebP(t, out.Bytes())
		case PNG:
			checkCleanPNG(t, out.Bytes())
		case JPEG:
			for _, m := range jpegMarkers(t, out.Bytes()) {
				if m >= 0xe1 && m <= 0xef || m == 0xfe {
					t.Errorf("output keeps segment FF %X", m)
				}
			}
			if _, err := jpeg.Decode(bytes.NewReader(out.Bytes())); err != nil {
				t.Fatalf("Go cannot decode the output: %v", err)
			}
		default:
			t.Fatalf("stored as %s", typ)
		}
	})
}
