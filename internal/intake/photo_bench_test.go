package intake

import (
	"bytes"
	"context"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"testing"
	"time"

	"github.com/storydesk/storydesk/internal/testenv"
)

// BenchmarkPhotoSubmission measures issue 16's target through the whole
// intake path: the extra time a 12-megapixel phone photo (5.2 MB, EXIF
// orientation 6) adds to a submission, against a submission of a PDF of
// the same size, taken in the same iteration as libjpeg-turbo's
// jpegtran -copy none -rotate 90 on the same photo. The ratio of the
// extra time to jpegtran's must stay at most 1.5.
func BenchmarkPhotoSubmission(b *testing.B) {
	photo := testenv.PhonePhoto(b)
	s := benchService(b)
	photoForm, photoBoundary := benchFormWith(b, 8<<10, "photo.jpg", func(w io.Writer, _ *rand.Rand) error {
		_, err := w.Write(photo)
		return err
	})
	docForm, docBoundary := benchForm(b, 8<<10, len(photo))
	submit := func(raw []byte, boundary string) time.Duration {
		t0 := time.Now()
		in, err := ReadForm(multipart.NewReader(bytes.NewReader(raw), boundary), s.limits, s.spool)
		if err != nil {
			b.Fatal(err)
		}
		defer in.Close()
		if _, err := s.Submit(context.Background(), in, Idempotency{}); err != nil {
			b.Fatal(err)
		}
		return time.Since(t0)
	}
	var photoTime, docTime, tranTime time.Duration
	for b.Loop() {
		photoTime += submit(photoForm, photoBoundary)
		docTime += submit(docForm, docBoundary)
		wall, _ := testenv.JPEGTranRotate(b, photo)
		tranTime += wall
	}
	n := float64(b.N)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / n / 1000 }
	b.ReportMetric(ms(photoTime), "photo-submit-ms")
	b.ReportMetric(ms(docTime), "pdf-submit-ms")
	b.ReportMetric(ms(tranTime), "jpegtran-ms")
	b.ReportMetric(float64(photoTime-docTime)/float64(tranTime), "extra-ratio-to-jpegtran")
}
