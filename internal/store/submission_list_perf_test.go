package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestQueueFlagsFollowWrites checks the columns the database keeps for the
// queue's filters (migration 00010) through the writes that change them:
// an attachment stored and deleted, an assignment made and taken back, the
// review's findings written and then found to be none.
func TestQueueFlagsFollowWrites(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		yes, no := true, false
		sub := newSubmission("Flags")
		if err := s.CreateSubmission(ctx, sub, nil, reviewTask(sub)); err != nil {
			t.Fatal(err)
		}
		in := func(f Filter) bool {
			t.Helper()
			f.Query = "flags"
			p, err := s.Queue(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			return len(p.Items) == 1
		}
		check := func(when string, att, assigned, findings bool) {
			t.Helper()
			if in(Filter{HasAttachments: &yes}) != att || in(Filter{HasAttachments: &no}) == att {
				t.Errorf("%s: has attachments should be %v", when, att)
			}
			if in(Filter{Assignee: AssigneeNone}) == assigned {
				t.Errorf("%s: assigned should be %v", when, assigned)
			}
			if in(Filter{HasFindings: &yes}) != findings || in(Filter{HasFindings: &no}) == findings {
				t.Errorf("%s: has findings should be %v", when, findings)
			}
		}
		check("created", false, false, false)

		for _, key := range []string{"obj/a", "obj/b"} {
			if _, err := s.db.ExecContext(ctx, `INSERT INTO attachments (id, submission_id, object_key, filename, content_type, size, sha256, created_at)
				VALUES ($1, $2, $3, 'a.pdf', 'application/pdf', 1, 'ab', 0)`, newID(), sub.ID, key+sub.ID); err != nil {
				t.Fatal(err)
			}
		}
		check("two files", true, false, false)
		if p, err := s.Queue(ctx, Filter{Query: "flags"}); err != nil || len(p.Items) != 1 || !p.Items[0].HasAttachments {
			t.Errorf("queue row: %+v %v", p.Items, err)
		}
		if _, err := s.db.ExecContext(ctx, `DELETE FROM attachments WHERE object_key = $1`, "obj/a"+sub.ID); err != nil {
			t.Fatal(err)
		}
		check("one file deleted", true, false, false)
		if _, err := s.db.ExecContext(ctx, `DELETE FROM attachments WHERE submission_id = $1`, sub.ID); err != nil {
			t.Fatal(err)
		}
		check("both deleted", false, false, false)

		ana, err := s.CreateUser(ctx, User{Email: "flags@example.org", Name: "Ana", Role: "editor"})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.Assign(ctx, sub.ID, AssignRequest{UserID: ana.ID, By: ana}); err != nil {
			t.Fatal(err)
		}
		check("assigned", false, true, false)
		if _, _, err := s.Assign(ctx, sub.ID, AssignRequest{By: ana}); err != nil {
			t.Fatal(err)
		}
		check("unassigned", false, false, false)

		if _, err := s.CompleteReview(ctx, sub.ID, ReviewResult{WordCount: 3, Findings: []byte(`[{"kind":"phone","start":0,"end":3,"label":"Phone number"}]`)}, reviewID(sub.ID)); err != nil {
			t.Fatal(err)
		}
		check("reviewed with a finding", false, false, true)
		if _, err := s.db.ExecContext(ctx, `UPDATE submissions SET findings = '[]' WHERE id = $1`, sub.ID); err != nil {
			t.Fatal(err)
		}
		check("re-checked, none", false, false, false)
	})
}

// refRow is a submission as the reference filter of TestQueueMatchesReference
// sees it, read without the columns the queue's indexes rely on.
type refRow struct {
	id, status, site, lang, kind, role, text, findings, assignee string
	created, updated                                             int64
	files                                                        bool
}

// refQueue computes QueuePage's Total, Counts, CountsCapped and item ids the
// slow way, from every row.
func refQueue(rows []refRow, f Filter) (total int, counts map[Status]int, capped bool, ids []string) {
	counts = map[Status]int{}
	terms := searchTerms(f.Query)
	var sel []refRow
	all := 0
	for _, r := range rows {
		if !refMatch(r, f, terms) {
			continue
		}
		all++
		counts[Status(r.status)]++
		if len(f.Status) == 0 || slices.Contains(f.Status, Status(r.status)) {
			sel = append(sel, r)
		}
	}
	total = len(sel)
	if len(terms) > 0 && all > QueueCountCap {
		capped, counts, total = true, map[Status]int{}, min(total, QueueCountCap)
	}
	o := sortOrders[f.Sort]
	slices.SortFunc(sel, func(a, b refRow) int {
		ka, kb := a.created, b.created
		if o.col == "updated_at" {
			ka, kb = a.updated, b.updated
		}
		c := cmpInt(ka, kb)
		if c == 0 {
			c = strings.Compare(a.id, b.id)
		}
		if o.dir == "DESC" {
			c = -c
		}
		return c
	})
	page, perPage := pageBounds(f)
	ids = []string{}
	for _, r := range sel[min(len(sel), (page-1)*perPage):min(len(sel), page*perPage)] {
		ids = append(ids, r.id)
	}
	return total, counts, capped, ids
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func refMatch(r refRow, f Filter, terms []string) bool {
	switch {
	case f.Kind != "" && r.kind != f.Kind,
		f.Site != "" && !strings.EqualFold(r.site, f.Site),
		f.Language != "" && r.lang != f.Language,
		f.AuthorRole != "" && r.role != f.AuthorRole,
		f.HasAttachments != nil && r.files != *f.HasAttachments,
		f.HasFindings != nil && !slices.Contains([]string{"", "[]", "null"}, r.findings) != *f.HasFindings,
		f.Assignee == AssigneeNone && r.assignee != "",
		f.Assignee != "" && f.Assignee != AssigneeNone && r.assignee != f.Assignee:
		return false
	}
	words := strings.FieldsFunc(accentFolder.Replace(strings.ToLower(r.text)), func(c rune) bool {
		return !unicode.IsLetter(c) && !unicode.IsNumber(c)
	})
	for _, t := range terms {
		if !slices.ContainsFunc(words, func(w string) bool { return w == t || prefix(t) && strings.HasPrefix(w, t) }) {
			return false
		}
	}
	return true
}

// TestQueueMatchesReference runs the queue over 2,600 submissions, enough
// for each way Queue finds a page (counting once for a search under the
// cap, capped counts, reading in page order, collecting few rows) and
// compares every answer with the same filter applied row by row in Go.
func TestQueueMatchesReference(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		seedBulk(t, s, 2600)
		ana, err := s.CreateUser(ctx, User{Email: "ref@example.org", Name: "Ana", Role: "editor"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.db.ExecContext(ctx, `INSERT INTO assignments (submission_id, user_id, assigned_at)
			SELECT id, $1, 0 FROM submissions WHERE status = $2 ORDER BY created_at LIMIT 40`, ana.ID, string(StatusReady)); err != nil {
			t.Fatal(err)
		}
		rs, err := s.db.QueryContext(ctx, `SELECT s.id, s.status, s.site, s.language, s.kind, s.author_role,
			s.title || ' ' || s.body, COALESCE(s.findings, ''), COALESCE(x.user_id, ''), s.created_at, s.updated_at,
			CASE WHEN EXISTS (SELECT 1 FROM attachments a WHERE a.submission_id = s.id) THEN 1 ELSE 0 END
			FROM submissions s LEFT JOIN assignments x ON x.submission_id = s.id`)
		if err != nil {
			t.Fatal(err)
		}
		var rows []refRow
		for rs.Next() {
			var (
				r     refRow
				files int
			)
			if err := rs.Scan(&r.id, &r.status, &r.site, &r.lang, &r.kind, &r.role, &r.text, &r.findings, &r.assignee,
				&r.created, &r.updated, &files); err != nil {
				t.Fatal(err)
			}
			r.files = files == 1
			rows = append(rows, r)
		}
		if err := rs.Err(); err != nil {
			t.Fatal(err)
		}
		yes, no := true, false
		ready, received, approved := StatusReady, StatusReceived, StatusApproved
		filters := []Filter{
			{},
			{Page: 60, Sort: SortOldest},
			{Sort: SortUpdated, Page: 3},
			{Status: []Status{ready}},
			{Status: []Status{ready, received}, HasAttachments: &yes, Page: 4},
			{Language: "es", HasFindings: &yes},
			{HasFindings: &no, Sort: SortOldest, Page: 5},
			{Site: "AUSTIN"},
			{Site: "austin", Status: []Status{ready}, Language: "es", HasFindings: &yes},
			{Assignee: AssigneeNone, Page: 2},
			{Assignee: ana.ID},
			{Query: "jardin"},
			{Query: "jard", Sort: SortOldest, Page: 3, PerPage: 10},
			{Query: "jardin", Status: []Status{ready}, Sort: SortUpdated},
			{Query: "court hear", Site: "AUSTIN", HasAttachments: &yes, Status: []Status{ready}, Sort: SortOldest, Page: 2},
			{Query: "piece"},
			{Query: "piece", Page: 7, Sort: SortOldest},
			{Query: "piece", Status: []Status{ready}, Page: 2},
			{Query: "piece", Status: []Status{ready, received}},
			{Query: "piece", Status: []Status{ready, received, approved}, Page: 9},
			{Query: "piece 1", Assignee: AssigneeNone},
			{Query: "nothing matches this"},
		}
		for _, f := range filters {
			t.Run(fmt.Sprintf("%+v", f), func(t *testing.T) {
				got, err := s.Queue(ctx, f)
				if err != nil {
					t.Fatal(err)
				}
				total, counts, capped, ids := refQueue(rows, f)
				gotIDs := []string{}
				for _, it := range got.Items {
					gotIDs = append(gotIDs, it.ID)
				}
				if diff := cmp.Diff(ids, gotIDs); diff != "" {
					t.Errorf("page (-want +got):\n%s", diff)
				}
				if got.Total != total || got.CountsCapped != capped {
					t.Errorf("total %d capped %v, want %d %v", got.Total, got.CountsCapped, total, capped)
				}
				if diff := cmp.Diff(counts, got.Counts, cmpopts.EquateEmpty()); diff != "" {
					t.Errorf("counts (-want +got):\n%s", diff)
				}
			})
		}
	})
}
