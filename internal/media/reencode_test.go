package media

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"runtime"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// leakMarkers are byte strings from the fixtures' metadata; none may appear
// in a re-encoded image.
func leakMarkers() map[string][]byte {
	return map[string][]byte{
		"EXIF header":  []byte("Exif\x00\x00"),
		"TIFF header":  []byte("MM\x00\x2a"),
		"GPS latitude": gpsLatitude(),
		"XMP":          []byte("ns.adobe.com/xap"),
		"XMP city":     []byte("Secretville"),
		"comment":      []byte("Calle Secreta"),
		"ICC":          []byte("Camera profile"),
	}
}

// checkNoLeak reports which fixture metadata appears in b.
func checkNoLeak(b []byte) []string {
	var leaks []string
	for name, m := range leakMarkers() {
		if bytes.Contains(b, m) {
			leaks = append(leaks, name)
		}
	}
	return leaks
}

// isRed reports whether c is clearly red, allowing for JPEG's blur.
func isRed(c color.Color) bool {
	r, g, b, _ := c.RGBA()
	return r > 0xc000 && g < 0x4000 && b < 0x4000
}

func TestReencodeJPEGStripsMetadataAndTurnsUpright(t *testing.T) {
	in := jpegWithMetadata(t, 40, 20)
	// The fixture must carry what the test claims to remove.
	if got := len(checkNoLeak(in)); got < 5 {
		t.Fatalf("fixture carries only %d metadata markers", got)
	}

	var out bytes.Buffer
	typ, err := Reencode(context.Background(), &out, bytes.NewReader(in), JPEG, DefaultMaxPixels, NewBudget(DefaultBudget))
	if err != nil {
		t.Fatalf("Reencode: %v", err)
	}
	if ct := typ.ContentType(); ct != "image/jpeg" {
		t.Errorf("content type = %q, want image/jpeg", ct)
	}
	for _, m := range jpegMarkers(t, out.Bytes()) {
		if (m >= 0xe1 && m <= 0xef) || m == 0xfe {
			t.Errorf("output keeps segment FF %X", m)
		}
	}
	if leaks := checkNoLeak(out.Bytes()); len(leaks) > 0 {
		t.Errorf("output leaks %v", leaks)
	}

	img, _, err := image.Decode(&out)
	if err != nil {
		t.Fatalf("decode output: %v", err)
	}
	// Orientation 6 means "rotate 90° clockwise to display": 40×20 becomes
	// 20×40 and the red top-left corner moves to the top right.
	if diff := cmp.Diff(image.Rect(0, 0, 20, 40), img.Bounds()); diff != "" {
		t.Errorf("bounds (-want +got):\n%s", diff)
	}
	if !isRed(img.At(16, 3)) || isRed(img.At(3, 3)) {
		t.Errorf("red corner not at top right: (16,3)=%v (3,3)=%v", img.At(16, 3), img.At(3, 3))
	}
}

func TestReencodePNGStripsChunks(t *testing.T) {
	in := pngWithMetadata(t, 40, 20)
	var out bytes.Buffer
	typ, err := Reencode(context.Background(), &out, bytes.NewReader(in), PNG, DefaultMaxPixels, NewBudget(DefaultBudget))
	if err != nil {
		t.Fatalf("Reencode: %v", err)
	}
	if ct := typ.ContentType(); ct != "image/png" {
		t.Errorf("content type = %q, want image/png", ct)
	}
	allowed := map[string]bool{"IHDR": true, "PLTE": true, "tRNS": true, "IDAT": true, "IEND": true}
	for _, typ := range pngChunkTypes(t, out.Bytes()) {
		if !allowed[typ] {
			t.Errorf("output keeps chunk %s", typ)
		}
	}
	if leaks := checkNoLeak(out.Bytes()); len(leaks) > 0 {
		t.Errorf("output leaks %v", leaks)
	}
	img, _, err := image.Decode(&out)
	if err != nil {
		t.Fatalf("decode output: %v", err)
	}
	if img.Bounds() != image.Rect(0, 0, 40, 20) || !isRed(img.At(3, 3)) {
		t.Errorf("pixels changed: bounds %v, (3,3)=%v", img.Bounds(), img.At(3, 3))
	}
}

func TestReencodeWebP(t *testing.T) {
	tests := []struct {
		file       string
		wantType   string
		wantBounds image.Rectangle
	}{
		{"blue-purple-pink.lossy.webp", "image/jpeg", image.Rect(0, 0, 150, 100)},
		{"gopher-doc.with-alpha.lossless.webp", "image/png", image.Rect(0, 0, 75, 100)},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			var out bytes.Buffer
			typ, err := Reencode(context.Background(), &out, bytes.NewReader(readTestdata(t, tt.file)), WebP, DefaultMaxPixels, NewBudget(DefaultBudget))
			if err != nil {
				t.Fatalf("Reencode: %v", err)
			}
			ct := typ.ContentType()
			if ct != tt.wantType {
				t.Errorf("content type = %q, want %q", ct, tt.wantType)
			}
			img, format, err := image.Decode(&out)
			if err != nil {
				t.Fatalf("decode output: %v", err)
			}
			if "image/"+format != ct {
				t.Errorf("output is %s, content type says %s", format, ct)
			}
			if img.Bounds() != tt.wantBounds {
				t.Errorf("bounds = %v, want %v", img.Bounds(), tt.wantBounds)
			}
		})
	}
}

func TestReencodeRefusesPixelFloodBeforeAllocating(t *testing.T) {
	in := pixelFloodPNG(t)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := Reencode(context.Background(), &bytes.Buffer{}, bytes.NewReader(in), PNG, DefaultMaxPixels, NewBudget(DefaultBudget))
	runtime.ReadMemStats(&after)
	if !errors.Is(err, ErrTooManyPixels) {
		t.Fatalf("Reencode = %v, want ErrTooManyPixels", err)
	}
	if allocated := after.TotalAlloc - before.TotalAlloc; allocated > 1<<20 {
		t.Errorf("allocated %d bytes before refusing", allocated)
	}
}

func TestReencodePixelBudget(t *testing.T) {
	in := pngWithMetadata(t, 40, 20) // 800 pixels
	tests := []struct {
		name      string
		maxPixels int
		wantErr   error
	}{
		{"exactly at the budget", 800, nil},
		{"one pixel over", 799, ErrTooManyPixels},
		{"zero budget", 0, ErrTooManyPixels},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Reencode(context.Background(), &bytes.Buffer{}, bytes.NewReader(in), PNG, tt.maxPixels, NewBudget(DefaultBudget))
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("Reencode(max %d) = %v, want %v", tt.maxPixels, err, tt.wantErr)
			}
		})
	}
}

func TestReencodeRefuses(t *testing.T) {
	jpg := jpegWithMetadata(t, 40, 20)
	tests := []struct {
		name    string
		content []byte
		typ     Type
		wantErr error
	}{
		{"PDF is not an image", []byte("%PDF-1.7\n"), PDF, ErrUnsupported},
		{"DOCX is not an image", buildZip(t, docxParts(docxMainType)...), DOCX, ErrUnsupported},
		{"truncated JPEG", jpg[:len(jpg)/2], JPEG, ErrUnsupported},
		{"PNG declared as JPEG", pngWithMetadata(t, 4, 4), JPEG, ErrUnsupported},
		{"header only", []byte("\x89PNG\r\n\x1a\n"), PNG, ErrUnsupported},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			_, err := Reencode(context.Background(), &out, bytes.NewReader(tt.content), tt.typ, DefaultMaxPixels, NewBudget(DefaultBudget))
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("Reencode = %v, want %v", err, tt.wantErr)
			}
		})
	}
}
