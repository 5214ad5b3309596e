package media

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/binary"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/storydesk/storydesk/internal/testenv"
)

// allocated returns the bytes f allocates on the heap, all goroutines
// together (tests in this package do not run in parallel).
func allocated(f func()) int64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return int64(after.TotalAlloc - before.TotalAlloc)
}

// losslessWebPHeader is a WebP holding only the header of a w×h lossless
// image: decoded, the lossless decoder would hold about 9 bytes a pixel.
func losslessWebPHeader(w, h uint32) []byte {
	vp8l := []byte{0x2f, byte(w - 1), byte((w-1)>>8) | byte((h-1)<<6), byte((h - 1) >> 2), byte((h - 1) >> 10), 0, 0, 0}
	chunk := append([]byte("VP8L"), binary.LittleEndian.AppendUint32(nil, uint32(len(vp8l)))...)
	chunk = append(chunk, vp8l...)
	out := append([]byte("RIFF"), binary.LittleEndian.AppendUint32(nil, uint32(4+len(chunk)))...)
	out = append(out, "WEBP"...)
	return append(out, chunk...)
}

// progressiveJPEGHeader is the start of a w×h progressive 4:4:4 JPEG, up to
// its first scan: decoded, each pixel would hold 3 bytes of image and 12 of
// DCT coefficients.
func progressiveJPEGHeader(w, h uint16) []byte {
	sof := []byte{8, byte(h >> 8), byte(h), byte(w >> 8), byte(w), 3, 1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0}
	out := []byte{0xff, 0xd8}
	out = append(out, jpegSegment(0xc2, sof)...)
	return append(out, jpegSegment(0xda, []byte{1, 1, 0, 0, 63, 0})...)
}

// Issue 11: a 309 KB PNG of 6300×6300 pixels (under the pixel limit) at 16
// bits a channel needed 600 MB. Such images, and their lossless WebP and
// progressive JPEG kin, are refused from the header alone, reserving and
// allocating nothing.
func TestReencodeRefusesByMemoryFromHeader(t *testing.T) {
	tests := []struct {
		name string
		typ  Type
		data []byte
		need int64 // at least, in bytes
	}{
		{"16-bit PNG", PNG, testenv.DeepPNG(t, 6300, 6300), 6300 * 6300 * 8},
		{"lossless WebP", WebP, losslessWebPHeader(6300, 6300), 6300 * 6300 * 4},
		{"progressive JPEG", JPEG, progressiveJPEGHeader(6000, 6000), 6000 * 6000 * 15},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			budget := NewBudget(DefaultBudget)
			var err error
			n := allocated(func() {
				_, err = Reencode(context.Background(), io.Discard, bytes.NewReader(tt.data), tt.typ, DefaultMaxPixels, budget)
			})
			var me *MemoryError
			if !errors.As(err, &me) || !errors.Is(err, ErrTooMuchMemory) {
				t.Fatalf("Reencode = %v, want a *MemoryError", err)
			}
			if me.Need < tt.need || me.Budget != DefaultBudget {
				t.Errorf("MemoryError = %+v, want Need ≥ %d and Budget %d", me, tt.need, DefaultBudget)
			}
			if n > 1<<20 {
				t.Errorf("allocated %d bytes before refusing", n)
			}
			if budget.Peak() != 0 {
				t.Errorf("budget peak = %d, want nothing reserved", budget.Peak())
			}
		})
	}
}

// encodePNG encodes img, or fails the test.
func encodePNG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// filled returns a w×h image of the given type whose pixels vary, so that
// encoders cannot shortcut it.
func filled[I interface {
	image.Image
	Set(x, y int, c color.Color)
}](img I) I {
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			img.Set(x, y, color.NRGBA64{uint16(x * 97), uint16(y * 89), uint16(x ^ y), 0x8000 + uint16(x)})
		}
	}
	return img
}

// grayWithTransparency is a gray PNG with a tRNS chunk, which image/png
// decodes to NRGBA (4 bytes a pixel) although its header says gray.
func grayWithTransparency(t testing.TB, w, h int) []byte {
	t.Helper()
	plain := encodePNG(t, filled(image.NewGray(image.Rect(0, 0, w, h))))
	const afterIHDR = 8 + 4 + 4 + 13 + 4
	out := append([]byte{}, plain[:afterIHDR]...)
	out = append(out, pngChunk("tRNS", []byte{0, 7})...)
	return append(out, plain[afterIHDR:]...)
}

// interlacedPNG16 writes a w×h 16-bit RGBA PNG with Adam7 interlacing,
// which Go's encoder cannot: image/png decodes its seven passes into images
// of their own before merging them.
func interlacedPNG16(t testing.TB, w, h int) []byte {
	t.Helper()
	passes := [7][4]int{{0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4}, {0, 2, 2, 4}, {1, 0, 2, 2}, {0, 1, 1, 2}}
	var raw []byte
	for _, p := range passes {
		for y := p[1]; y < h; y += p[3] {
			if p[0] >= w {
				break
			}
			raw = append(raw, 0) // filter: none
			for x := p[0]; x < w; x += p[2] {
				raw = binary.BigEndian.AppendUint16(raw, uint16(x*97))
				raw = binary.BigEndian.AppendUint16(raw, uint16(y*89))
				raw = binary.BigEndian.AppendUint16(raw, uint16(x^y))
				raw = binary.BigEndian.AppendUint16(raw, 0x8000)
			}
		}
	}
	var idat bytes.Buffer
	zw := zlib.NewWriter(&idat)
	if _, err := zw.Write(raw); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	ihdr := binary.BigEndian.AppendUint32(nil, uint32(w))
	ihdr = binary.BigEndian.AppendUint32(ihdr, uint32(h))
	ihdr = append(ihdr, 16, 6, 0, 0, 1) // depth 16, RGBA, deflate, no filter, Adam7
	out := []byte("\x89PNG\r\n\x1a\n")
	out = append(out, pngChunk("IHDR", ihdr)...)
	out = append(out, pngChunk("IDAT", idat.Bytes())...)
	return append(out, pngChunk("IEND", nil)...)
}

// grayJPEG encodes a one-component JPEG.
func grayJPEG(t testing.TB, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, filled(image.NewGray(image.Rect(0, 0, w, h))), nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// The memory reserved for a decode, read from the header alone, must cover
// what decoding and re-encoding really allocate, for every layout the
// decoders treat differently: otherwise the budget bounds nothing.
func TestDecodeBudgetCoversAllocation(t *testing.T) {
	const w, h = 900, 700
	tests := []struct {
		name string
		typ  Type
		data []byte
	}{
		{"JPEG 4:2:0 turned upright", JPEG, jpegWithMetadata(t, w, h)},
		{"JPEG gray", JPEG, grayJPEG(t, w, h)},
		{"JPEG progressive 4:4:4", JPEG, readTestdata(t, "video-001.q50.444.progressive.jpeg")},
		{"JPEG progressive gray", JPEG, readTestdata(t, "video-005.gray.q50.progressive.jpeg")},
		{"JPEG CMYK", JPEG, readTestdata(t, "video-001.cmyk.jpeg")},
		{"JPEG RGB", JPEG, readTestdata(t, "video-001.rgb.jpeg")},
		{"PNG 8-bit RGBA", PNG, encodePNG(t, filled(image.NewNRGBA(image.Rect(0, 0, w, h))))},
		{"PNG 16-bit RGBA", PNG, encodePNG(t, filled(image.NewNRGBA64(image.Rect(0, 0, w, h))))},
		{"PNG 16-bit RGB", PNG, encodePNG(t, filled(image.NewRGBA64(image.Rect(0, 0, w, h))))},
		{"PNG 16-bit gray", PNG, encodePNG(t, filled(image.NewGray16(image.Rect(0, 0, w, h))))},
		{"PNG gray with tRNS", PNG, grayWithTransparency(t, w, h)},
		{"PNG 16-bit interlaced", PNG, interlacedPNG16(t, w, h)},
		{"PNG paletted", PNG, encodePNG(t, filled(image.NewPaletted(image.Rect(0, 0, w, h), color.Palette{color.Black, color.White})))},
		{"WebP lossy", WebP, readTestdata(t, "blue-purple-pink.lossy.webp")},
		{"WebP lossy with compressed alpha", WebP, readTestdata(t, "yellow_rose.lossy-with-alpha.webp")},
		{"WebP lossless", WebP, readTestdata(t, "blue-purple-pink-large.lossless.webp")},
		{"WebP lossless with alpha", WebP, readTestdata(t, "gopher-doc.with-alpha.lossless.webp")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			budget := NewBudget(1 << 40)
			var err error
			used := allocated(func() {
				_, err = Reencode(context.Background(), io.Discard, bytes.NewReader(tt.data), tt.typ, DefaultMaxPixels, budget)
			})
			if err != nil {
				t.Fatalf("Reencode: %v", err)
			}
			reserved := budget.Peak()
			t.Logf("reserved %d bytes, allocated %d (%.0f%%)", reserved, used, 100*float64(used)/float64(reserved))
			if used > reserved {
				t.Errorf("allocated %d bytes, reserved only %d", used, reserved)
			}
		})
	}
}

// countingWriter records how many re-encodes write at once.
type countingWriter struct {
	now, most *atomic.Int64
}

func (w countingWriter) Write(p []byte) (int, error) {
	n := w.now.Add(1)
	for m := w.most.Load(); n > m && !w.most.CompareAndSwap(m, n); m = w.most.Load() {
	}
	w.now.Add(-1)
	return len(p), nil
}

// Concurrent decodes share one budget: together they never reserve more
// than its size, so no more than two of these images, whose allocation
// TestDecodeBudgetCoversAllocation shows is within their reservation, are
// ever in memory at once.
func TestBudgetBoundsConcurrentDecodes(t *testing.T) {
	in := encodePNG(t, filled(image.NewNRGBA64(image.Rect(0, 0, 400, 300))))
	probe := NewBudget(1 << 40)
	if _, err := Reencode(context.Background(), io.Discard, bytes.NewReader(in), PNG, DefaultMaxPixels, probe); err != nil {
		t.Fatal(err)
	}
	cost := probe.Peak()
	budget := NewBudget(2*cost + cost/2)

	var writing, most atomic.Int64
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Go(func() {
			_, errs[i] = Reencode(context.Background(), countingWriter{&writing, &most}, bytes.NewReader(in), PNG, DefaultMaxPixels, budget)
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("decode %d: %v", i, err)
		}
	}
	if budget.Peak() > budget.Size() || budget.Peak() < cost {
		t.Errorf("peak reserved %d bytes; budget %d, one decode %d", budget.Peak(), budget.Size(), cost)
	}
	if most.Load() > 2 {
		t.Errorf("%d decodes wrote at once; the budget holds 2", most.Load())
	}
}

// A decode that does not fit now waits for room, but no longer than its
// request: once the context ends it gives up without decoding anything.
func TestReencodeWaitsForBudgetUntilContextEnds(t *testing.T) {
	in := pngWithMetadata(t, 40, 20)
	budget := NewBudget(DefaultBudget)
	if err := budget.acquire(context.Background(), budget.Size()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out bytes.Buffer
	_, err := Reencode(ctx, &out, bytes.NewReader(in), PNG, DefaultMaxPixels, budget)
	if !errors.Is(err, context.Canceled) || out.Len() != 0 {
		t.Fatalf("Reencode with the budget taken = %v, %d bytes written; want context.Canceled, nothing", err, out.Len())
	}
	budget.release(budget.Size())
	if _, err := Reencode(context.Background(), &out, bytes.NewReader(in), PNG, DefaultMaxPixels, budget); err != nil {
		t.Fatalf("Reencode once the budget is free: %v", err)
	}
}
