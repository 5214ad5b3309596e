package loadgen

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"github.com/pdfcpu/pdfcpu/pkg/api"
)

// TestWriteNoisyPDF: the PDF has exactly the size asked and pdfcpu, which
// StoryDesk rewrites every PDF with, validates it.
func TestWriteNoisyPDF(t *testing.T) {
	api.DisableConfigDir()
	for _, size := range []int{1 << 10, 50_000, 1 << 20} {
		var b bytes.Buffer
		if err := WriteNoisyPDF(&b, rand.New(rand.NewPCG(1, 2)), size); err != nil {
			t.Fatal(err)
		}
		if b.Len() != size {
			t.Errorf("asked %d bytes, wrote %d", size, b.Len())
		}
		if err := api.Validate(bytes.NewReader(b.Bytes()), api.LoadConfiguration()); err != nil {
			t.Errorf("%d bytes: pdfcpu: %v", size, err)
		}
	}
}
