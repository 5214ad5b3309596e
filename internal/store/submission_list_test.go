package store

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// seedList stores 30 submissions with known kinds, sites, languages and
// statuses and distinct creation times, and returns their titles newest first.
func seedList(t testing.TB, s *Store) []string {
	t.Helper()
	ctx := context.Background()
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	var titles []string
	for i := range 30 {
		sub := newSubmission(fmt.Sprintf("Piece %02d", i))
		sub.CreatedAt = base.Add(time.Duration(i) * time.Minute)
		if i%3 == 0 {
			sub.Kind = "oped"
		}
		if i%2 == 0 {
			sub.Site = "south"
		}
		if i%5 == 0 {
			sub.Language = "es"
			sub.Body = "Una historia sobre el JARDÍN 100% comunitario"
		}
		create(t, s, sub)
		if i%4 == 0 {
			if _, err := s.CompleteReview(ctx, sub.ID, ReviewResult{WordCount: 1}, reviewID(sub.ID)); err != nil {
				t.Fatal(err)
			}
		}
		titles = append([]string{sub.Title}, titles...)
	}
	return titles
}

func TestListSubmissions(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		all := seedList(t, s)
		pick := func(keep func(i int) bool) []string {
			var out []string
			for i := 29; i >= 0; i-- {
				if keep(i) {
					out = append(out, fmt.Sprintf("Piece %02d", i))
				}
			}
			return out
		}
		tests := []struct {
			name      string
			f         Filter
			want      []string
			wantTotal int
		}{
			{"defaults", Filter{}, all[:25], 30},
			{"page 2", Filter{Page: 2, PerPage: 10}, all[10:20], 30},
			{"past the end", Filter{Page: 4, PerPage: 10}, []string{}, 30},
			{"per page capped", Filter{PerPage: 1000}, all, 30},
			{"status", Filter{Status: []Status{StatusReady}}, pick(func(i int) bool { return i%4 == 0 }), 8},
			{"statuses", Filter{Status: []Status{StatusReady, StatusReceived}}, all[:25], 30},
			{"kind", Filter{Kind: "oped"}, pick(func(i int) bool { return i%3 == 0 }), 10},
			{"site and status", Filter{Site: "south", Status: []Status{StatusReceived}}, pick(func(i int) bool { return i%2 == 0 && i%4 != 0 }), 7},
			{"language", Filter{Language: "es"}, pick(func(i int) bool { return i%5 == 0 }), 6},
			{"query title, any case", Filter{Query: "piece 07"}, []string{"Piece 07"}, 1},
			{"query body, any case", Filter{Query: "historia SOBRE"}, pick(func(i int) bool { return i%5 == 0 }), 6},
			{"query percent is literal", Filter{Query: "100%"}, pick(func(i int) bool { return i%5 == 0 }), 6},
			{"query syntax is plain words", Filter{Query: `"piece" OR 07*`}, []string{}, 0},
			{"query open quote", Filter{Query: `"piece 07`}, []string{"Piece 07"}, 1},
			{"oldest first", Filter{Sort: SortOldest, PerPage: 3}, []string{"Piece 00", "Piece 01", "Piece 02"}, 30},
			{"combined", Filter{Kind: "oped", Language: "es", Query: "jard"}, pick(func(i int) bool { return i%15 == 0 }), 2},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				items, total, err := s.ListSubmissions(ctx, tt.f)
				if err != nil {
					t.Fatal(err)
				}
				got := []string{}
				for _, it := range items {
					got = append(got, it.Title)
					if it.Attachments != nil {
						t.Errorf("%s: attachments loaded in a list", it.Title)
					}
				}
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("titles (-want +got):\n%s", diff)
				}
				if total != tt.wantTotal {
					t.Errorf("total = %d, want %d", total, tt.wantTotal)
				}
			})
		}
	})
}

func TestCounts(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *Store) {
		seedList(t, s)
		got, err := s.Counts(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(map[Status]int{StatusReceived: 22, StatusReady: 8}, got); diff != "" {
			t.Errorf("Counts (-want +got):\n%s", diff)
		}
	})
}
