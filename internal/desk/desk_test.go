package desk

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/storydesk/storydesk/internal/intake"
	"github.com/storydesk/storydesk/internal/sanitize"
	"github.com/storydesk/storydesk/internal/store"
	"github.com/storydesk/storydesk/internal/testenv"
)

// TestAvailable is the transition table: which decisions each status offers.
func TestAvailable(t *testing.T) {
	for _, tt := range []struct {
		from store.Status
		want []string
	}{
		{store.StatusReceived, nil},
		{store.StatusReady, []string{"approve", "reject", "request_changes"}},
		{store.StatusChangesRequested, []string{"approve", "reject"}},
		{store.StatusApproved, nil},
		{store.StatusRejected, nil},
		{store.StatusWithdrawn, nil},
	} {
		var got []string
		for _, r := range Available(tt.from) {
			got = append(got, r.Name)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("Available(%s) = %v, want %v", tt.from, got, tt.want)
		}
	}
	if !IsDecision("request_changes") || IsDecision("status") {
		t.Error("IsDecision does not follow Rules")
	}
}

func TestParseDecision(t *testing.T) {
	for _, tt := range []struct {
		name, decision, message string
		field, code             string // "" = accepted
	}{
		{"approve", "approve", "", "", ""},
		{"trimmed message", "reject", "  no thanks  ", "", ""},
		{"unknown", "publish", "", "decision", "invalid_choice"},
		{"changes need a message", "request_changes", "   ", "message", "message_required"},
		{"NUL", "approve", "a\x00b", "message", "invalid_text"},
		{"long", "approve", strings.Repeat("é", intake.MaxMessageRunes+1), "message", "too_long"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d, err := ParseDecision(tt.decision, tt.message)
			if tt.field == "" {
				if err != nil || d.Rule.Name != tt.decision || d.Message != strings.TrimSpace(tt.message) {
					t.Fatalf("ParseDecision = %+v, %v", d, err)
				}
				return
			}
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != tt.field || fe.Code != tt.code {
				t.Fatalf("err = %v, want %s %s", err, tt.field, tt.code)
			}
			if tt.code == "invalid_choice" && fe.Problem() != "must be approve, reject or request_changes" {
				t.Errorf("invalid_choice says %q", fe.Problem())
			}
			if fe.Problem() == "" {
				t.Errorf("code %s has no text", fe.Code)
			}
		})
	}
}

// TestEditRefuses checks the edit's fields before anything is stored.
func TestEditRefuses(t *testing.T) {
	d := New(nil, sanitize.New(), nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
	s := store.Submission{ID: "x", Status: store.StatusReady, Title: "T", Body: "B"}
	for _, tt := range []struct {
		title, body string
		field, code string
	}{
		{"", "body", "title", "required"},
		{"<b></b>", "body", "title", "required"},
		{strings.Repeat("t", intake.MaxTitleRunes+1), "body", "title", "too_long"},
		{"a\x00", "body", "title", "invalid_text"},
		{"Title", " \r\n ", "body", "required"},
		{"Title", strings.Repeat("b", intake.MaxBodyBytes+1), "body", "too_long"},
	} {
		_, _, err := d.Edit(context.Background(), store.User{}, s, tt.title, tt.body)
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != tt.field || fe.Code != tt.code {
			t.Errorf("Edit(%.20q, %.20q) = %v, want %s %s", tt.title, tt.body, err, tt.field, tt.code)
		}
	}
	_, changed, err := d.Edit(context.Background(), store.User{}, s, "T", "B")
	if err != nil || changed {
		t.Errorf("unchanged text: changed %v, err %v", changed, err)
	}
	s.Status = store.StatusWithdrawn
	if _, _, err := d.Edit(context.Background(), store.User{}, s, "New", "B"); !errors.Is(err, store.ErrConflict) || err.Error() != "cannot edit: status is withdrawn" {
		t.Errorf("withdrawn: %v", err)
	}
}

func TestRequestPublishRefuses(t *testing.T) {
	d := New(nil, nil, nil, nil)
	for _, tt := range []struct {
		s    store.Submission
		want string
	}{
		{store.Submission{Status: store.StatusApproved, ConsentPublish: "internal"}, "the author agreed to internal use only: this piece can never be published"},
		{store.Submission{Status: store.StatusReady, ConsentPublish: "name"}, "only an approved piece can be published; this one is ready"},
	} {
		err := d.RequestPublish(context.Background(), store.User{}, tt.s)
		if !errors.Is(err, store.ErrConflict) || err.Error() != tt.want {
			t.Errorf("%+v: %v, want %q", tt.s, err, tt.want)
		}
	}
}

var seq atomic.Int64

// TestDecide moves a piece on the real store, on each dialect: a decision
// from a status its rule allows moves it; from another it is a conflict
// naming the status the piece has now.
func TestDecide(t *testing.T) {
	for _, dialect := range []string{store.DialectSQLite, store.DialectPostgres} {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			url := "sqlite://" + filepath.Join(t.TempDir(), "storydesk.db")
			if dialect == store.DialectPostgres {
				url = testenv.PostgresURL(t)
			}
			st, err := store.Open(ctx, url)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			if err := st.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			n := seq.Add(1)
			sub := &store.Submission{ReceiptHash: fmt.Sprintf("r-%d-%s", n, dialect), Kind: "story", Title: "T", Body: "B", BodyHTML: "<p>B</p>",
				Language: "en", Site: "north", ConsentPublish: "anonymous"}
			if err := st.CreateSubmission(ctx, sub, nil, nil); err != nil {
				t.Fatal(err)
			}
			d := New(st, sanitize.New(), nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
			approve, err := ParseDecision("approve", "")
			if err != nil {
				t.Fatal(err)
			}
			s, err := st.Submission(ctx, sub.ID)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := d.Decide(ctx, store.User{}, s, approve); !errors.Is(err, store.ErrConflict) || err.Error() != "cannot approve: status is received" {
				t.Fatalf("approve from received: %v", err)
			}
			if _, err := st.CompleteReview(ctx, sub.ID, store.ReviewResult{}, "review:"+sub.ID); err != nil {
				t.Fatal(err)
			}
			out, err := d.Decide(ctx, store.User{}, s, approve)
			if err != nil || out.Status != store.StatusApproved {
				t.Fatalf("approve from ready: %v, %v", out.Status, err)
			}
			if _, err := d.Decide(ctx, store.User{}, s, approve); err == nil || err.Error() != "cannot approve: status is approved" {
				t.Fatalf("approve twice: %v", err)
			}
		})
	}
}
