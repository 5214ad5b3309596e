package media

import (
	"bytes"
	"context"
	"io"
	"testing"
	"time"

	"github.com/storydesk/storydesk/internal/testenv"
)

// BenchmarkCleanJPEGVsJPEGTran measures what a 12-megapixel phone photo
// costs a submission (Clean, as intake calls it) against libjpeg-turbo's
// jpegtran -copy none -rotate 90 on the same photo in the same iteration,
// the anchor of issue 16's target (ratio at most 1.5), and the pixel path
// Clean took before (decode, turn, encode) for comparison. Wall-clock and
// CPU ratios are both reported: on a shared machine the CPU one is
// steadier.
func BenchmarkCleanJPEGVsJPEGTran(b *testing.B) {
	// A phone's photo with a phone's metadata (EXIF orientation 6 with
	// GPS, XMP, ICC, MPF, a comment, a second image appended after EOI).
	photo := withPhoneMetadata(testenv.PhonePhoto(b), 6)
	budget := NewBudget(DefaultBudget)
	ctx := context.Background()
	var ours, tran, old, oursCPU, tranCPU, oldCPU time.Duration
	size := 0
	for b.Loop() {
		var out bytes.Buffer
		t0, c0 := time.Now(), cpuTime()
		if _, err := Clean(ctx, &out, bytes.NewReader(photo), int64(len(photo)), JPEG, DefaultMaxPixels, budget); err != nil {
			b.Fatal(err)
		}
		ours += time.Since(t0)
		oursCPU += cpuTime() - c0
		size = out.Len()

		wall, cpu := testenv.JPEGTranRotate(b, photo)
		tran += wall
		tranCPU += cpu

		t0, c0 = time.Now(), cpuTime()
		if _, err := Reencode(ctx, io.Discard, bytes.NewReader(photo), JPEG, DefaultMaxPixels, budget); err != nil {
			b.Fatal(err)
		}
		old += time.Since(t0)
		oldCPU += cpuTime() - c0
	}
	n := float64(b.N)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / n / 1000 }
	b.ReportMetric(ms(ours), "clean-ms")
	b.ReportMetric(ms(tran), "jpegtran-ms")
	b.ReportMetric(ms(old), "pixel-path-ms")
	b.ReportMetric(ms(oursCPU), "clean-cpu-ms")
	b.ReportMetric(ms(tranCPU), "jpegtran-cpu-ms")
	b.ReportMetric(float64(ours)/float64(tran), "ratio-to-jpegtran")
	b.ReportMetric(float64(oursCPU)/float64(tranCPU), "cpu-ratio-to-jpegtran")
	b.ReportMetric(float64(oldCPU)/float64(tranCPU), "pixel-path-cpu-ratio")
	b.ReportMetric(float64(len(photo))/1e6, "in-MB")
	b.ReportMetric(float64(size)/1e6, "out-MB")
}
