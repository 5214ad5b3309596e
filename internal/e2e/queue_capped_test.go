package e2e_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/storydesk/storydesk/internal/store"
)

// TestQueueCountsCapped: a search matching more than store.QueueCountCap
// pieces stops counting there; the API says so with counts_capped and the
// page shows the total as a floor ("2000+") and no per-status numbers. A
// narrower search keeps exact counts.
func TestQueueCountsCapped(t *testing.T) {
	t.Parallel()
	b := setup(t, options{db: "sqlite"})
	ctx := context.Background()
	at := time.Now().Add(-time.Hour)
	for i := range store.QueueCountCap + 1 {
		body := "The harvest came late this year."
		if i < 3 {
			body += " The orchard flooded."
		}
		sub := &store.Submission{ReceiptHash: fmt.Sprintf("r-%d", i), Kind: "story", Title: fmt.Sprintf("Piece %d", i),
			Body: body, BodyHTML: "<p>x</p>", Language: "en", AuthorRole: "client", Site: "Austin", ConsentPublish: "anonymous",
			CreatedAt: at.Add(time.Duration(i) * time.Second)}
		if err := b.app.Store.CreateSubmission(ctx, sub, nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	_, res := b.get("/api/v1/submissions?q=harvest&status=all")
	if res["counts_capped"] != true || res["total"] != float64(store.QueueCountCap) {
		t.Errorf("common search: counts_capped %v, total %v; want true, %d", res["counts_capped"], res["total"], store.QueueCountCap)
	}
	_, res = b.get("/api/v1/submissions?q=orchard&status=all")
	if counts, _ := res["counts"].(map[string]any); res["counts_capped"] != false || res["total"] != float64(3) || counts["received"] != float64(3) {
		t.Errorf("narrow search: counts_capped %v, total %v, counts %v; want exact 3", res["counts_capped"], res["total"], res["counts"])
	}

	_, cookie := b.queueUser("cap@example.org", "Cap", "editor", "")
	resp, body := b.deskPage("/desk?q=harvest&status=all", cookie, nil)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, fmt.Sprintf(`<span class="count">%d+</span>`, store.QueueCountCap)) {
		t.Errorf("page: %d, the total is not shown as %d+", resp.StatusCode, store.QueueCountCap)
	}
	_, tabs, _ := strings.Cut(body, `class="queue-tabs"`)
	tabs, _, found := strings.Cut(tabs, "</nav>")
	if !found || strings.Contains(tabs, `class="count"`) {
		t.Errorf("status tabs missing (%v) or showing counts although counting stopped", !found)
	}
	if _, body = b.deskPage("/desk?q=orchard&status=all", cookie, nil); !strings.Contains(body, `<span class="count">3</span>`) {
		t.Error("narrow search: exact count missing on the page")
	}
}
