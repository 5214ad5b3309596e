package media

import (
	"bytes"
	"context"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/storydesk/storydesk/internal/testenv"
)

// photoImage is a 4000×3000 (12-megapixel) RGB image shaped like a
// photo: smooth gradients with sensor noise, so that deflate and the JPEG
// and WebP coders work about as hard as on a real one.
func photoImage() *image.NRGBA {
	const w, h = 4000, 3000
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	rng := rand.New(rand.NewPCG(1, 2))
	for y := range h {
		for x := range w {
			i := img.PixOffset(x, y)
			n := uint8(rng.IntN(8))
			img.Pix[i] = uint8(x*255/w) + n
			img.Pix[i+1] = uint8(y*255/h) + n
			img.Pix[i+2] = uint8((x+y)*255/(w+h)) + n
			img.Pix[i+3] = 255
		}
	}
	return img
}

// cwebp runs Debian's cwebp (package webp, installed by scripts/services)
// on a PNG with args, as Go has no WebP encoder.
func cwebp(b *testing.B, pngData []byte, args ...string) []byte {
	b.Helper()
	dir := b.TempDir()
	in, out := filepath.Join(dir, "in.png"), filepath.Join(dir, "out.webp")
	if err := os.WriteFile(in, pngData, 0o600); err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command("cwebp", append(args, "-quiet", in, "-o", out)...)
	if msg, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("cwebp (install Debian's webp package: scripts/services does): %v: %s", err, msg)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		b.Fatal(err)
	}
	return data
}

// BenchmarkCleanPNGWebP compares, on 12-megapixel images, the old path
// (Reencode: decode and encode again), the whitelist rewrite alone
// (structure checked, no pixel decoded) and the whole new path (Clean: the
// rewrite and a full decode of what is stored), with libjpeg-turbo's
// lossless jpegtran -rotate 90 on a JPEG of the same size as the anchor.
func BenchmarkCleanPNGWebP(b *testing.B) {
	img := photoImage()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		b.Fatal(err)
	}
	photo := buf.Bytes()
	buf = bytes.Buffer{}
	// The anchor's JPEG holds the same pixels, at a phone's quality.
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 92}); err != nil {
		b.Fatal(err)
	}
	photoJPG := buf.Bytes()
	b.Logf("12 MP fixtures: PNG %d bytes, JPEG %d", len(photo), len(photoJPG))
	inputs := []struct {
		name    string
		typ     Type
		data    []byte
		rewrite func([]byte) (rewrite, error)
	}{
		{"PNG", PNG, photo, rewritePNG},
		{"WebP-lossy", WebP, cwebp(b, photo, "-q", "85"), rewriteWebP},
		{"WebP-lossless", WebP, cwebp(b, photo, "-lossless", "-z", "1"), rewriteWebP},
	}
	budget := NewBudget(DefaultBudget)
	for _, in := range inputs {
		b.Run(in.name+"/old-reencode", func(b *testing.B) {
			b.SetBytes(int64(len(in.data)))
			defer reportCPU(b)()
			for b.Loop() {
				if _, err := Reencode(context.Background(), io.Discard, bytes.NewReader(in.data), in.typ, DefaultMaxPixels, budget); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(in.name+"/rewrite-only", func(b *testing.B) {
			b.SetBytes(int64(len(in.data)))
			defer reportCPU(b)()
			for b.Loop() {
				if rw, err := in.rewrite(in.data); err != nil || rw.orientation != 1 {
					b.Fatal(err)
				}
			}
		})
		b.Run(in.name+"/new-clean", func(b *testing.B) {
			b.SetBytes(int64(len(in.data)))
			defer reportCPU(b)()
			for b.Loop() {
				typ, err := Clean(context.Background(), io.Discard, bytes.NewReader(in.data), int64(len(in.data)), in.typ, DefaultMaxPixels, budget)
				if err != nil || typ != in.typ {
					b.Fatal(typ, err)
				}
			}
		})
	}
	b.Run("JPEG/jpegtran-rotate90", func(b *testing.B) {
		defer reportCPU(b)()
		for b.Loop() {
			testenv.JPEGTranRotate(b, photoJPG)
		}
	})
}

// reportCPU starts counting the CPU time (user and system) of this process
// and of the programs it runs; the function it returns reports it per
// operation as cpu-ms/op. On a shared machine wall time swings with the
// neighbours' load, CPU time much less.
func reportCPU(b *testing.B) func() {
	start := cpuTime()
	return func() {
		b.ReportMetric(float64(cpuTime()-start)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
	}
}

// cpuTime is the user and system time of this process and its waited-for
// children so far.
func cpuTime() time.Duration {
	var total time.Duration
	for _, who := range []int{syscall.RUSAGE_SELF, syscall.RUSAGE_CHILDREN} {
		var ru syscall.Rusage
		if err := syscall.Getrusage(who, &ru); err == nil {
			total += time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		}
	}
	return total
}
