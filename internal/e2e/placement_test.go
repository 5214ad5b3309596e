package e2e_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/storydesk/storydesk/internal/store"
)

// approvedPiece submits fields and moves the piece straight to approved
// (no review job needed); it returns the id and the receipt code.
func (b *bundle) approvedPiece(fields map[string]string) (id, receipt string) {
	b.t.Helper()
	code, res := b.submit(fields)
	if code != http.StatusCreated {
		b.t.Fatalf("submit: %d %v", code, res)
	}
	id, receipt = res["id"].(string), res["receipt"].(string)
	b.move(id, store.StatusReceived, store.StatusApproved)
	return id, receipt
}

// outlet creates an outlet through the API as token and returns its id.
func (b *bundle) outlet(token string, body map[string]any) string {
	b.t.Helper()
	code, res := b.deskCall(http.MethodPost, "/api/v1/outlets", token, body)
	if code != http.StatusCreated {
		b.t.Fatalf("create outlet %v: %d %v", body, code, res)
	}
	return res["id"].(string)
}

func items(res map[string]any) []map[string]any {
	raw, _ := res["items"].([]any)
	out := make([]map[string]any, len(raw))
	for i, v := range raw {
		out[i], _ = v.(map[string]any)
	}
	return out
}

// TestPlacementOutletRoles: editors read outlets but only staff and
// admins write them or read the placement report; bad input is a 400
// naming the field and stores nothing.
func TestPlacementOutletRoles(t *testing.T) {
	t.Parallel()
	b := setup(t, options{db: "sqlite"})
	staff := b.editorToken("staff@example.org", "staff", "")
	admin, _ := b.adminToken()
	body := map[string]any{"name": "The Tribune", "language": "en", "word_limit": 700, "exclusive_days": 7,
		"contact_email": "oped@tribune.example", "takes": []string{"oped", "letter"}}
	if code, res := b.deskCall(http.MethodPost, "/api/v1/outlets", b.token, body); code != http.StatusForbidden {
		t.Errorf("editor creates an outlet: %d %v, want 403", code, res)
	}
	id := b.outlet(staff, body)
	code, res := b.get("/api/v1/outlets")
	if list := items(res); code != http.StatusOK || len(list) != 1 || list[0]["name"] != "The Tribune" || fmt.Sprint(list[0]["takes"]) != "[oped letter]" {
		t.Errorf("editor lists outlets: %d %v", code, res)
	}
	if code, res := b.deskCall(http.MethodPatch, "/api/v1/outlets/"+id, b.token, map[string]any{"name": "X"}); code != http.StatusForbidden {
		t.Errorf("editor patches an outlet: %d %v, want 403", code, res)
	}
	if code, res := b.deskCall(http.MethodPatch, "/api/v1/outlets/"+id, admin, map[string]any{"exclusive_days": 0}); code != http.StatusOK || res["exclusive_days"] != 0.0 || res["name"] != "The Tribune" {
		t.Errorf("admin patches an outlet: %d %v", code, res)
	}
	if code, res := b.deskCall(http.MethodPatch, "/api/v1/outlets/missing", staff, map[string]any{"name": "X"}); code != http.StatusNotFound {
		t.Errorf("patch a missing outlet: %d %v, want 404", code, res)
	}
	for _, tt := range []struct {
		field string
		body  map[string]any
	}{
		{"name", map[string]any{"name": "  "}},
		{"name", map[string]any{"language": "en"}},
		{"language", map[string]any{"name": "N", "language": "fr"}},
		{"word_limit", map[string]any{"name": "N", "word_limit": -1}},
		{"exclusive_days", map[string]any{"name": "N", "exclusive_days": -3}},
		{"contact_email", map[string]any{"name": "N", "contact_email": "not an address"}},
		{"takes", map[string]any{"name": "N", "takes": []string{"poems"}}},
	} {
		code, res := b.deskCall(http.MethodPost, "/api/v1/outlets", staff, tt.body)
		fields, _ := res["fields"].(map[string]any)
		if code != http.StatusBadRequest || fields[tt.field] == nil {
			t.Errorf("POST %v: %d %v, want 400 naming %s", tt.body, code, res, tt.field)
		}
	}
	if code, res := b.deskCall(http.MethodPatch, "/api/v1/outlets/"+id, staff, map[string]any{"name": "Renamed", "word_limit": -5}); code != http.StatusBadRequest {
		t.Errorf("PATCH a negative limit: %d %v, want 400", code, res)
	}
	if _, res := b.get("/api/v1/outlets"); len(items(res)) != 1 || items(res)[0]["name"] != "The Tribune" {
		t.Errorf("after refused writes the outlets are %v, want the one unchanged", res)
	}
	if code, _ := b.get("/api/v1/placements"); code != http.StatusForbidden {
		t.Errorf("editor reads the placement report: %d, want 403", code)
	}
	if code, _ := b.call(http.MethodGet, "/api/v1/placements?format=xml", staff, ""); code != http.StatusBadRequest {
		t.Errorf("report as xml: %d, want 400", code)
	}
	if code, res := b.call(http.MethodGet, "/api/v1/placements", admin, ""); code != http.StatusOK || res["items"] == nil {
		t.Errorf("admin reads the placement report: %d %v", code, res)
	}
}

// TestPlacementPitches follows a piece through its pitches on both
// databases: the rules refusing a pitch, the exclusivity window (moved
// into the past in the database rather than waited for), the follow-up
// list, a published placement, site scoping, the formula-safe report and
// the author's withdrawal.
func TestPlacementPitches(t *testing.T) {
	t.Parallel()
	for _, db := range dbs() {
		t.Run(db, func(t *testing.T) {
			t.Parallel()
			testPlacementPitches(t, db)
		})
	}
}

func testPlacementPitches(t *testing.T, db string) {
	b := setup(t, options{db: db})
	staff := b.editorToken("staff@example.org", "staff", "Austin")
	dallas := b.editorToken("dallas@example.org", "editor", "Dallas")
	a := b.outlet(staff, map[string]any{"name": "Outlet A", "language": "en", "word_limit": 5, "exclusive_days": 3})
	bb := b.outlet(staff, map[string]any{"name": "@SUM(1+1)", "language": "en", "exclusive_days": 2})
	c := b.outlet(staff, map[string]any{"name": "El Diario", "language": "es", "exclusive_days": 10})
	pitch := func(piece, outlet, lang string) (int, map[string]any) {
		t.Helper()
		body := map[string]any{"outlet_id": outlet}
		if lang != "" {
			body["language"] = lang
		}
		return b.deskCall(http.MethodPost, "/api/v1/submissions/"+piece+"/pitches", b.token, body)
	}

	// Refusals: a piece not approved, an internal one, a missing outlet.
	code, res := b.submit(fieldsWith("title", "Still in review"))
	if code != http.StatusCreated {
		t.Fatalf("submit: %d %v", code, res)
	}
	if code, res := pitch(res["id"].(string), a, ""); code != http.StatusConflict || !strings.Contains(fmt.Sprint(res["error"]), "approved") {
		t.Errorf("pitch a piece in review: %d %v, want 409", code, res)
	}
	internal, _ := b.approvedPiece(fieldsWith("title", "Only for us", "consent_publish", "internal", "pseudonym", ""))
	if code, res := pitch(internal, a, ""); code != http.StatusConflict || !strings.Contains(fmt.Sprint(res["error"]), "internal") {
		t.Errorf("pitch an internal piece: %d %v, want 409", code, res)
	}

	id, receipt := b.approvedPiece(fieldsWith("title", "=HYPERLINK(\"http://evil.example\")"))
	if code, res := pitch(id, "missing", ""); code != http.StatusBadRequest || res["fields"] == nil {
		t.Errorf("pitch to a missing outlet: %d %v, want 400 naming outlet_id", code, res)
	}
	code, toA := pitch(id, a, "")
	if code != http.StatusCreated || toA["status"] != "pitched" || toA["language"] != "en" {
		t.Fatalf("pitch to A: %d %v", code, toA)
	}
	if wc := toA["word_count"].(float64); wc <= 5 || toA["over_limit_by"] != wc-5 {
		t.Errorf("pitch to A: word_count %v over_limit_by %v, want the words over A's limit of 5", wc, toA["over_limit_by"])
	}
	pitchedAt, err := time.Parse(time.RFC3339Nano, toA["pitched_at"].(string))
	if err != nil {
		t.Fatal(err)
	}
	ends := pitchedAt.Add(72 * time.Hour).UTC().Format(time.DateOnly)
	code, res = pitch(id, bb, "")
	if msg := fmt.Sprint(res["error"]); code != http.StatusConflict || !strings.Contains(msg, "Outlet A") || !strings.Contains(msg, ends) {
		t.Errorf("pitch to B inside A's window: %d %v, want 409 naming Outlet A and %s", code, res, ends)
	}
	if code, res := pitch(id, a, ""); code != http.StatusConflict {
		t.Errorf("pitch to A twice: %d %v, want 409", code, res)
	}
	code, toC := pitch(id, c, "")
	if code != http.StatusCreated || toC["language"] != "es" {
		t.Errorf("pitch to El Diario in Spanish: %d %v, want 201", code, toC)
	}
	due := func() []string {
		t.Helper()
		code, res := b.get("/api/v1/pitches?due=true")
		if code != http.StatusOK {
			t.Fatalf("due: %d %v", code, res)
		}
		var names []string
		for _, p := range items(res) {
			names = append(names, p["outlet_name"].(string))
		}
		return names
	}
	if got := due(); len(got) != 0 {
		t.Errorf("due while every window is open: %v", got)
	}

	// A's window ends: move its pitch four days into the past.
	if _, err := b.openDB().ExecContext(context.Background(), `UPDATE pitches SET pitched_at = pitched_at - $1 WHERE id = $2`,
		(96 * time.Hour).Microseconds(), toA["id"]); err != nil {
		t.Fatal(err)
	}
	if got := due(); fmt.Sprint(got) != "[Outlet A]" {
		t.Errorf("due after A's window: %v, want [Outlet A]", got)
	}
	code, toB := pitch(id, bb, "")
	if code != http.StatusCreated {
		t.Fatalf("pitch to B after A's window: %d %v", code, toB)
	}

	// Answers.
	patch := func(p map[string]any, token string, body map[string]any) (int, map[string]any) {
		t.Helper()
		return b.deskCall(http.MethodPatch, "/api/v1/pitches/"+p["id"].(string), token, body)
	}
	for _, tt := range []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"status": "published"}, "published_url"},
		{map[string]any{"status": "published", "published_url": "javascript:alert(1)"}, "published_url"},
		{map[string]any{"status": "published", "published_url": "https://a.example/x", "published_on": "May 5"}, "published_on"},
		{map[string]any{"status": "lost"}, "status"},
	} {
		code, res := patch(toA, b.token, tt.body)
		if fields, _ := res["fields"].(map[string]any); code != http.StatusBadRequest || fields[tt.field] == nil {
			t.Errorf("PATCH %v: %d %v, want 400 naming %s", tt.body, code, res, tt.field)
		}
	}
	if code, res := patch(toA, dallas, map[string]any{"status": "declined"}); code != http.StatusNotFound {
		t.Errorf("another site's editor answers a pitch: %d %v, want 404", code, res)
	}
	code, res = patch(toA, b.token, map[string]any{"status": "published", "published_url": "https://a.example/our-family"})
	if code != http.StatusOK || res["status"] != "published" || res["published_on"] != time.Now().UTC().Format(time.DateOnly) {
		t.Errorf("publish at A: %d %v", code, res)
	}
	if code, res := patch(toA, b.token, map[string]any{"status": "pitched"}); code != http.StatusConflict {
		t.Errorf("published back to pitched: %d %v, want 409", code, res)
	}
	if code, res := b.call(http.MethodGet, "/api/v1/submissions/"+id+"/pitches", dallas, ""); code != http.StatusNotFound {
		t.Errorf("another site's editor lists the pitches: %d %v, want 404", code, res)
	}
	if code, res := b.call(http.MethodGet, "/api/v1/pitches", dallas, ""); code != http.StatusOK || len(items(res)) != 0 {
		t.Errorf("another site's editor lists all pitches: %d %v, want none", code, res)
	}

	// The report, as CSV: formula-looking cells are neutralised.
	_, hdr, body := b.raw(http.MethodGet, "/api/v1/placements?format=csv&since="+time.Now().UTC().AddDate(0, 0, -10).Format(time.DateOnly),
		"", map[string]string{"Authorization": "Bearer " + staff})
	if !strings.HasPrefix(hdr.Get("Content-Type"), "text/csv") {
		t.Fatalf("report CSV: %s %s", hdr.Get("Content-Type"), body)
	}
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil || len(rows) != 4 {
		t.Fatalf("report CSV rows = %d %v:\n%s", len(rows), err, body)
	}
	for _, row := range rows[1:] {
		if !strings.HasPrefix(row[1], "'=") {
			t.Errorf("title cell %q is not neutralised", row[1])
		}
		if row[4] == "@SUM(1+1)" {
			t.Errorf("outlet cell %q is not neutralised", row[4])
		}
		if row[10] != "M." {
			t.Errorf("byline %q, want the pseudonym M.", row[10])
		}
	}

	// The author withdraws: open pitches become withdrawn, the published
	// one stays as history, and all three are outlets to tell.
	if code, res := b.postJSON("/api/v1/status/withdraw", map[string]string{"receipt": receipt}); code != http.StatusOK {
		t.Fatalf("withdraw: %d %v", code, res)
	}
	_, res = b.get("/api/v1/submissions/" + id + "/pitches")
	got := map[string]string{}
	for _, p := range items(res) {
		got[p["outlet_name"].(string)] = p["status"].(string)
	}
	if want := fmt.Sprint(map[string]string{"Outlet A": "published", "@SUM(1+1)": "withdrawn", "El Diario": "withdrawn"}); fmt.Sprint(got) != want {
		t.Errorf("pitches after the withdrawal: %v, want %s", got, want)
	}
	_, rec := b.get("/api/v1/submissions/" + id)
	if tell, _ := rec["outlets_to_tell"].([]any); len(tell) != 3 {
		t.Errorf("outlets_to_tell = %v, want the three outlets", rec["outlets_to_tell"])
	}
	// Staff see them on the piece's page, each marked, in their language.
	b.acctUser("tell-staff@example.org", "staff", "")
	staffPage := b.deskSession("tell-staff@example.org")
	for lang, mark := range map[string]string{
		"en": "the author withdrew consent: tell this outlet",
		"es": "la autora o el autor retiró su consentimiento: avise a este medio",
	} {
		_, page := b.deskPage("/desk/s/"+id+"?lang="+lang, staffPage, nil)
		if n := strings.Count(page, mark); n != 3 {
			t.Errorf("%s: the piece's page marks %d outlets to tell, want 3", lang, n)
		}
	}
	_, res = b.call(http.MethodGet, "/api/v1/placements", staff, "")
	for _, p := range items(res) {
		if p["byline_kind"] != "anonymous" {
			t.Errorf("report after the withdrawal: byline %v %v, want anonymous", p["byline_kind"], p["byline"])
		}
	}
	if code, res := pitch(id, a, ""); code != http.StatusConflict {
		t.Errorf("pitch a withdrawn piece: %d %v, want 409", code, res)
	}
}
