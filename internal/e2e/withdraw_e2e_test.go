package e2e_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/storydesk/storydesk/internal/testenv"
)

// TestSubmitterWithdrawalUnpublishes: the submitter withdraws a published
// piece with the receipt code alone; the page answers 410 and the published
// files leave S3, with no editor involved.
func TestSubmitterWithdrawalUnpublishes(t *testing.T) {
	t.Parallel()
	b := setup(t, options{db: "postgres", workers: true})
	ctx := context.Background()
	code, res := b.submit(fieldsWith("title", "Changed my mind", "consent_photos", "true"), file{"p.jpg", "image/jpeg", testenv.JPEGWithGPS(t)})
	if code != http.StatusCreated {
		t.Fatalf("submit: %d %v", code, res)
	}
	id, receipt := res["id"].(string), res["receipt"].(string)
	b.waitStatus(id, "ready", 10*time.Second)
	if code, res := deskDecide(b, id, b.token, "approve", ""); code != http.StatusOK {
		t.Fatalf("approve: %d %v", code, res)
	}
	if code, res := b.call(http.MethodPost, "/api/v1/submissions/"+id+"/publish", b.token, ""); code != http.StatusAccepted {
		t.Fatalf("publish: %d %v", code, res)
	}
	rec := b.waitStatus(id, "published", 15*time.Second)
	slug := rec["publication"].(map[string]any)["slug"].(string)
	if keys, _ := b.app.Blob.Keys(ctx, "published/"+id+"/"); len(keys) == 0 {
		t.Fatal("nothing was published")
	}

	js, _ := json.Marshal(map[string]string{"receipt": receipt})
	req, _ := http.NewRequest(http.MethodPost, b.url+"/api/v1/status/withdraw", bytes.NewReader(js))
	req.Header.Set("Content-Type", "application/json")
	if code, body := b.do(req); code != http.StatusOK {
		t.Fatalf("withdraw: %d %v", code, body)
	}
	if code, _, _ := b.page(http.MethodGet, "/stories/"+slug, nil, nil); code != http.StatusGone {
		t.Errorf("withdrawn story: %d, want 410", code)
	}
	waitFor(t, 15*time.Second, "published files deleted", func() (bool, any) {
		keys, err := b.app.Blob.Keys(ctx, "published/"+id+"/")
		return err == nil && len(keys) == 0, fmt.Sprint(keys, err)
	})
}
