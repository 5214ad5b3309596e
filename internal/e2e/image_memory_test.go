package e2e_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/storydesk/storydesk/internal/testenv"
)

// Issue 11, item 4: a 16-bit PNG of 6300×6300 is under the pixel limit but
// needs over 600 MB to decode and re-encode. It is refused from its header
// alone with 413, naming the file, and nothing is stored.
func TestDeepImageRefusedByMemory(t *testing.T) {
	t.Parallel()
	b := setup(t, options{db: "sqlite"})
	code, res := b.submit(validFields(), file{"deep.png", "image/png", testenv.DeepPNG(t, 6300, 6300)})
	fields, _ := res["fields"].(map[string]any)
	msg, _ := fields["attachments"].(string)
	if code != http.StatusRequestEntityTooLarge || !strings.Contains(msg, "deep.png") || !strings.Contains(msg, "MiB") {
		t.Errorf("submit = %d %v; want 413 naming deep.png and the memory it needs", code, res)
	}
	if keys, err := b.app.Blob.Keys(context.Background(), "attachments/"); err != nil || len(keys) != 0 {
		t.Errorf("stored objects %v (%v), want none", keys, err)
	}
	if total, err := submissionCount(context.Background(), b.app.Store); err != nil || total != 0 {
		t.Errorf("%d submissions stored (%v), want none", total, err)
	}
}
