package store

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// queueSeed is one submission of the search tests.
type queueSeed struct {
	title, body, lang, site, role, kind string
	files                               bool
	findings                            string // "" = not reviewed
}

// seedQueue stores the seeds a minute apart, oldest first, and returns their ids by title.
func seedQueue(t testing.TB, s *Store, seeds []queueSeed) map[string]string {
	t.Helper()
	ctx := context.Background()
	base := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	ids := map[string]string{}
	for i, q := range seeds {
		sub := newSubmission(q.title)
		sub.Body, sub.Language, sub.Site, sub.AuthorRole, sub.Kind = q.body, q.lang, q.site, q.role, q.kind
		sub.CreatedAt = base.Add(time.Duration(i) * time.Minute)
		var atts []Attachment
		if q.files {
			atts = []Attachment{{ObjectKey: "obj/" + newID(), Filename: "a.pdf", ContentType: "application/pdf", Size: 1, SHA256: "ab"}}
		}
		if err := s.CreateSubmission(ctx, sub, atts, reviewTask(sub)); err != nil {
			t.Fatal(err)
		}
		if q.findings != "" {
			if _, err := s.CompleteReview(ctx, sub.ID, ReviewResult{WordCount: 3, Findings: []byte(q.findings)}, reviewID(sub.ID)); err != nil {
				t.Fatal(err)
			}
		}
		ids[q.title] = sub.ID
	}
	return ids
}

var searchSeeds = []queueSeed{
	{"Our garden", "The community garden feeds forty families.", "en", "Austin", "client", "story", true, `[]`},
	{"Nuestro jardín", "El JARDÍN comunitario alimenta a cuarenta familias.", "es", "austin", "volunteer", "story", false, `[{"kind":"phone","start":0,"end":3,"label":"Phone number"}]`},
	{"Court day", "My hearing was moved twice; the niño waited.", "en", "El Paso", "client", "oped", true, `[{"kind":"hearing_date","start":3,"end":9,"label":"x"}]`},
	{"Día de la corte", "La audiencia se movió dos veces.", "es", "EL PASO", "faith_leader", "story", false, ""},
	{"Faith and work", "Our congregation opened its doors.", "en", "", "faith_leader", "oped", true, `[]`},
}

func titles(items []QueueItem) []string {
	out := []string{}
	for _, it := range items {
		out = append(out, it.Title)
	}
	return out
}

func TestQueueSearch(t *testing.T) {
	yes, no := true, false
	eachDialect(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		seedQueue(t, s, searchSeeds)
		tests := []struct {
			name string
			f    Filter
			want []string // newest first
		}{
			{"english word in body", Filter{Query: "families"}, []string{"Our garden"}},
			{"spanish word in body", Filter{Query: "familias"}, []string{"Nuestro jardín"}},
			{"word in title", Filter{Query: "court"}, []string{"Court day"}},
			{"accent typed, none stored", Filter{Query: "Día"}, []string{"Día de la corte"}},
			{"no accent typed, accent stored", Filter{Query: "jardin"}, []string{"Nuestro jardín"}},
			{"accent typed, upper case stored", Filter{Query: "JARDÍN comunitario"}, []string{"Nuestro jardín"}},
			{"accent in an english body", Filter{Query: "nino"}, []string{"Court day"}},
			{"prefix", Filter{Query: "congreg"}, []string{"Faith and work"}},
			{"two letters are a whole word, not a prefix", Filter{Query: "co"}, []string{}},
			{"two-letter word", Filter{Query: "la"}, []string{"Día de la corte"}},
			{"three letters are a prefix", Filter{Query: "com"}, []string{"Nuestro jardín", "Our garden"}},
			{"every word must match", Filter{Query: "garden familias"}, []string{}},
			{"title and body words together", Filter{Query: "garden forty"}, []string{"Our garden"}},
			{"no word found", Filter{Query: "deportation"}, []string{}},
			{"punctuation only searches nothing", Filter{Query: "*:()"}, []string{"Faith and work", "Día de la corte", "Court day", "Nuestro jardín", "Our garden"}},
			{"site any case", Filter{Site: "AUSTIN"}, []string{"Nuestro jardín", "Our garden"}},
			{"site and search", Filter{Site: "el paso", Query: "audiencia"}, []string{"Día de la corte"}},
			{"site scope hides other sites", Filter{Site: "austin", Query: "court"}, []string{}},
			{"author role", Filter{AuthorRole: "faith_leader"}, []string{"Faith and work", "Día de la corte"}},
			{"has attachments", Filter{HasAttachments: &yes}, []string{"Faith and work", "Court day", "Our garden"}},
			{"no attachments", Filter{HasAttachments: &no}, []string{"Día de la corte", "Nuestro jardín"}},
			{"has findings", Filter{HasFindings: &yes}, []string{"Court day", "Nuestro jardín"}},
			{"no findings", Filter{HasFindings: &no}, []string{"Faith and work", "Día de la corte", "Our garden"}},
			{"combined", Filter{Kind: "oped", Language: "en", HasAttachments: &yes, HasFindings: &yes, AuthorRole: "client", Query: "hearing"}, []string{"Court day"}},
			{"combined, one filter off", Filter{Kind: "story", Language: "en", HasAttachments: &yes, HasFindings: &yes, Query: "hearing"}, []string{}},
			{"oldest first", Filter{Sort: SortOldest, Language: "es"}, []string{"Nuestro jardín", "Día de la corte"}},
			{"status", Filter{Status: []Status{StatusReceived}}, []string{"Día de la corte"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := s.Queue(ctx, tt.f)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(tt.want, titles(got.Items)); diff != "" {
					t.Errorf("titles (-want +got):\n%s", diff)
				}
				if got.Total != len(tt.want) {
					t.Errorf("total = %d, want %d", got.Total, len(tt.want))
				}
			})
		}
	})
}

func TestQueueRowsCountsAndPaging(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		ids := seedQueue(t, s, searchSeeds)
		got, err := s.Queue(ctx, Filter{Status: []Status{StatusReady}, PerPage: 2, Page: 2})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"Nuestro jardín", "Our garden"}, titles(got.Items)); diff != "" {
			t.Errorf("page 2 (-want +got):\n%s", diff)
		}
		if got.Total != 4 {
			t.Errorf("total = %d, want 4", got.Total)
		}
		// The counts ignore the status filter, so every tab shows its number.
		if diff := cmp.Diff(map[Status]int{StatusReady: 4, StatusReceived: 1}, got.Counts); diff != "" {
			t.Errorf("counts (-want +got):\n%s", diff)
		}
		row := got.Items[0]
		if row.ID != ids["Nuestro jardín"] || row.Findings != 1 || row.HasAttachments || row.Site != "austin" ||
			row.Excerpt != "El JARDÍN comunitario alimenta a cuarenta familias." || row.AssigneeID != "" {
			t.Errorf("row = %+v", row)
		}
		if got, _ := s.Queue(ctx, Filter{Query: "audiencia"}); len(got.Items) != 1 || got.Items[0].Findings != -1 {
			t.Errorf("unreviewed row: %+v", got.Items)
		}
		if past, err := s.Queue(ctx, Filter{Page: 9}); err != nil || len(past.Items) != 0 || past.Total != 5 {
			t.Errorf("past the end: %+v %v", past, err)
		}
		if _, err := s.Queue(ctx, Filter{Sort: "sideways"}); err == nil {
			t.Error("an unknown sort was accepted")
		}
	})
}

// TestSearchIndexFollowsChanges checks the index is kept in sync: an edit
// is found by its new words and not its old ones, and a deleted piece is
// found by nothing.
func TestSearchIndexFollowsChanges(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		ids := seedQueue(t, s, searchSeeds)
		id := ids["Our garden"]
		if _, err := s.AddRevision(ctx, id, Revision{Title: "Our orchard", Body: "Apple trees.", BodyHTML: "<p>Apple trees.</p>", AuthorName: "ed"},
			Event{Actor: "ed", Action: "edited"}); err != nil {
			t.Fatal(err)
		}
		find := func(q string) []string {
			t.Helper()
			got, err := s.Queue(ctx, Filter{Query: q})
			if err != nil {
				t.Fatal(err)
			}
			return titles(got.Items)
		}
		if got := find("orchard apple"); len(got) != 1 {
			t.Errorf("new words: %v", got)
		}
		if got := find("families"); len(got) != 0 {
			t.Errorf("old words still found: %v", got)
		}
		// The update sort puts the edited piece first.
		got, err := s.Queue(ctx, Filter{Sort: SortUpdated, PerPage: 1})
		if err != nil || len(got.Items) != 1 || got.Items[0].ID != id {
			t.Errorf("recently updated: %+v %v", got.Items, err)
		}
		// Not merely marked deleted: the words are gone from the index's
		// pages (SQLite; on PostgreSQL the vector is part of the row).
		inIndex := func(word string) int {
			t.Helper()
			return indexPagesHolding(t, s, word)
		}
		if s.dialect == DialectSQLite && (inIndex("hearing") == 0 || inIndex("veces") == 0) {
			t.Fatal("positive control: the words are not in the index pages before the delete; the checks below prove nothing")
		}
		// The retention job's path: a batch of purges, then one compaction.
		later := time.Now().Add(time.Hour)
		late := RetentionCutoffs{ClosedBefore: later, UnreviewedBefore: later, ContactBefore: later}
		if _, err := s.PurgeSubmission(ctx, ids["Día de la corte"], late, revokeTask); err != nil {
			t.Fatal(err)
		}
		if got := find("veces"); len(got) != 0 {
			t.Errorf("purged piece found: %v", got)
		}
		if s.dialect == DialectSQLite && inIndex("veces") == 0 {
			t.Error("the word left the index pages before CompactSearch: this test no longer sees what CompactSearch removes")
		}
		if err := s.CompactSearch(ctx); err != nil {
			t.Fatal(err)
		}
		if inIndex("veces") != 0 {
			t.Error("a purged piece's words are left in the index pages after CompactSearch")
		}
		// The single delete compacts by itself.
		if _, err := s.DeleteSubmission(ctx, ids["Court day"], revokeTask); err != nil {
			t.Fatal(err)
		}
		if got := find("hearing"); len(got) != 0 {
			t.Errorf("deleted piece found: %v", got)
		}
		if got := find("opened"); len(got) != 1 {
			t.Errorf("the other pieces are still found: %v", got)
		}
		if inIndex("hearing") != 0 {
			t.Errorf("a deleted piece's words are left in the index pages")
		}
		if s.dialect == DialectSQLite && inIndex("opened") == 0 {
			t.Error("compaction lost the words of a piece that was not deleted")
		}
	})
}

// indexPagesHolding counts the SQLite search index's stored pages that hold
// word in any form (0 on PostgreSQL, whose vector is part of the row).
func indexPagesHolding(t testing.TB, s *Store, word string) int {
	t.Helper()
	if s.dialect != DialectSQLite {
		return 0
	}
	var n int
	if err := s.db.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM submission_search_data
		WHERE instr(block, CAST($1 AS BLOB)) > 0`, word).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestSearchTerms(t *testing.T) {
	tests := map[string][]string{
		"":                             nil,
		"  Jardín  JARDIN jardín ":     {"jardin"},
		`"a" OR b* NEAR(c) -d title:e`: {"a", "or", "b", "near", "c", "d", "title", "e"},
		"A123-456-789":                 {"a123", "456", "789"},
		"Niño, ¿cómo estás?":           {"nino", "como", "estas"},
	}
	for in, want := range tests {
		if diff := cmp.Diff(want, searchTerms(in)); diff != "" {
			t.Errorf("searchTerms(%q) (-want +got):\n%s", in, diff)
		}
	}
	if got := searchTerms(fmt.Sprint(make([]int, 100))); len(got) != 1 {
		t.Errorf("repeated words: %v", got)
	}
}

// TestFoldAccentsInSync: PostgreSQL's search column and the Go side that
// folds what an editor types must fold the same letters alike, or a search
// for "jardin" would miss "jardín" (or the reverse).
func TestFoldAccentsInSync(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *Store) {
		if s.Dialect() != DialectPostgres {
			return // SQLite's tokenizer folds accents itself
		}
		ctx := context.Background()
		for _, in := range []string{"áàâäãåéèêëíìîïóòôöõúùûüñçýÿ", "ÁÀÂÄÃÅÉÈÊËÍÌÎÏÓÒÔÖÕÚÙÛÜÑÇÝ", "Día de la corte, año 2027: jardín"} {
			var db string
			if err := s.db.QueryRowContext(ctx, `SELECT lower(storydesk_fold_accents($1))`, in).Scan(&db); err != nil {
				t.Fatal(err)
			}
			if want := accentFolder.Replace(strings.ToLower(in)); db != want {
				t.Errorf("fold(%q): PostgreSQL %q, Go %q", in, db, want)
			}
		}
	})
}
