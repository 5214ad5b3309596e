package e2e_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/storydesk/storydesk/internal/store"
)

// TestPlacementOutletPages: editors read the outlets page, staff add and
// change outlets through its forms, a bad field is a 400 naming it with
// nothing stored, and every write is audited by whom.
func TestPlacementOutletPages(t *testing.T) {
	t.Parallel()
	for _, db := range dbs() {
		t.Run(db, func(t *testing.T) {
			t.Parallel()
			b := setup(t, options{db: db})
			_, staff := b.queueUser("staff@example.org", "Sam Staff", "staff", "")
			_, editor := b.queueUser("ed@example.org", "Eddie", "editor", "")
			_, translator := b.queueUser("tr@example.org", "Tran", "translator", "")
			form := url.Values{"name": {"The Tribune"}, "language": {"en"}, "word_limit": {"700"}, "exclusive_days": {"7"},
				"contact_email": {"oped@tribune.example"}, "notes": {"Prefers Tuesday"}, "takes": {"oped", "letter"}}

			if resp, _ := b.deskPage("/desk/outlets", editor, form); resp.StatusCode != http.StatusForbidden {
				t.Errorf("editor posts an outlet: %d, want 403", resp.StatusCode)
			}
			if resp, _ := b.deskPage("/desk/outlets", translator, nil); resp.StatusCode != http.StatusForbidden {
				t.Errorf("translator reads outlets: %d, want 403", resp.StatusCode)
			}
			bad := url.Values{"name": {"X"}, "language": {"en"}, "word_limit": {"-4"}}
			resp, body := b.deskPage("/desk/outlets", staff, bad)
			if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, `id="err-outlet_word_limit"`) || !strings.Contains(body, "Word limit: must be a whole number") {
				t.Errorf("negative limit: %d\n%s", resp.StatusCode, body)
			}
			resp, body = b.deskFollow("/desk/outlets?lang=es", staff, url.Values{"name": {" "}})
			if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "Nombre") {
				t.Errorf("no name, in Spanish: %d\n%s", resp.StatusCode, body)
			}
			if list, _ := b.app.Store.Outlets(context.Background()); len(list) != 0 {
				t.Fatalf("refused forms stored %v", list)
			}
			resp, body = b.deskFollow("/desk/outlets", staff, form)
			if resp.StatusCode != http.StatusOK || !strings.Contains(body, "The outlet was saved.") || !strings.Contains(body, `value="Prefers Tuesday"`) && !strings.Contains(body, "Prefers Tuesday</textarea>") {
				t.Fatalf("staff adds an outlet: %d\n%s", resp.StatusCode, body)
			}
			list, _ := b.app.Store.Outlets(context.Background())
			if len(list) != 1 || list[0].WordLimit != 700 || list[0].ExclusiveDays != 7 || list[0].TakesStories || !list[0].TakesOpEds || !list[0].TakesLetters {
				t.Fatalf("stored %+v", list)
			}
			id := list[0].ID
			form.Set("word_limit", "650")
			form["takes"] = []string{"story", "oped"}
			if resp, _ := b.deskFollow("/desk/outlets/"+id, staff, form); resp.StatusCode != http.StatusOK {
				t.Fatalf("staff edits: %d", resp.StatusCode)
			}
			if o, _ := b.app.Store.Outlet(context.Background(), id); o.WordLimit != 650 || !o.TakesStories || o.TakesLetters {
				t.Errorf("after the edit %+v", o)
			}
			if resp, _ := b.deskPage("/desk/outlets/"+id, editor, form); resp.StatusCode != http.StatusForbidden {
				t.Errorf("editor edits: %d, want 403", resp.StatusCode)
			}
			// The editor reads: the list and the details, no form.
			resp, body = b.deskPage("/desk/outlets", editor, nil)
			if resp.StatusCode != http.StatusOK || !strings.Contains(body, "The Tribune") || strings.Contains(body, `<form method="post" action="/desk/outlets"`) || !strings.Contains(body, `href="/desk/outlets"`) {
				t.Errorf("editor's list: %d\n%s", resp.StatusCode, body)
			}
			resp, body = b.deskPage("/desk/outlets/"+id+"?lang=es", editor, nil)
			if resp.StatusCode != http.StatusOK || !strings.Contains(body, "650 palabras") || strings.Contains(body, "<form method=\"post\" action=\"/desk/outlets/") {
				t.Errorf("editor's details: %d\n%s", resp.StatusCode, body)
			}
			if resp, _ := b.deskPage("/desk/outlets/missing", editor, nil); resp.StatusCode != http.StatusNotFound {
				t.Errorf("missing outlet: %d", resp.StatusCode)
			}
			// Staff menu: outlets and follow-up for editors, the report for staff only.
			if _, body := b.deskPage("/desk", editor, nil); !strings.Contains(body, `href="/desk/follow-up"`) || strings.Contains(body, `href="/desk/placements"`) {
				t.Errorf("editor's menu:\n%s", body)
			}
			if _, body := b.deskPage("/desk", staff, nil); !strings.Contains(body, `href="/desk/placements"`) {
				t.Errorf("staff menu lacks the report")
			}
			if _, body := b.deskPage("/desk", translator, nil); strings.Contains(body, `href="/desk/outlets"`) {
				t.Errorf("translator's menu offers outlets")
			}
			log, _ := b.app.Store.AuditLog(context.Background(), id, 0)
			var got []string
			for _, e := range log {
				got = append(got, e.Actor+" "+e.Action+" "+e.Detail)
			}
			want := []string{"staff@example.org outlet_updated changed word_limit, takes", `staff@example.org outlet_created outlet "The Tribune"`}
			if strings.Join(got, "|") != strings.Join(want, "|") {
				t.Errorf("audit %q, want %q", got, want)
			}
		})
	}
}

// TestPlacementPitchPages follows a piece through the Placement section's
// forms with the placement rules' clock moved by hand: the "Pitch to…"
// list with word limits and the blocked outlet, the 409 naming the
// exclusive outlet and the day its window ends (in English and Spanish),
// the follow-up list once the window passed, the steps, the internal
// consent refusal, the report's counts and rate, and the audit.
func TestPlacementPitchPages(t *testing.T) {
	t.Parallel()
	for _, db := range dbs() {
		t.Run(db, func(t *testing.T) {
			t.Parallel()
			clock := &fakeClock{}
			clock.ns.Store(time.Now().UnixNano())
			b := setup(t, options{db: db, placeClock: clock.now})
			staffTok := b.editorToken("boss@example.org", "staff", "")
			_, editor := b.queueUser("ed@example.org", "Eddie", "editor", "")
			_, staff := b.queueUser("staff@example.org", "Sam", "staff", "")
			tribune := b.outlet(staffTok, map[string]any{"name": "The Tribune", "language": "en", "word_limit": 5, "exclusive_days": 7, "contact_email": "oped@tribune.example"})
			b.outlet(staffTok, map[string]any{"name": "Daily Post", "language": "en", "exclusive_days": 3})
			id, _ := b.approvedPiece(fieldsWith("title", "Pitched piece"))
			piece := "/desk/s/" + id

			_, body := b.deskPage(piece, editor, nil)
			if !strings.Contains(body, `id="placement"`) || !strings.Contains(body, "Pitch to…") || !regexp.MustCompile(`The Tribune \(English\) – 5 words, \d+ words over`).MatchString(body) {
				t.Fatalf("placement section:\n%s", placementOf(body))
			}
			resp, body := b.deskFollow(piece+"/pitches", editor, url.Values{"outlet_id": {tribune}})
			if resp.StatusCode != http.StatusOK || !strings.Contains(body, "The pitch was recorded.") || !strings.Contains(body, "The Tribune</a> (English): pitched") {
				t.Fatalf("pitch: %d\n%s", resp.StatusCode, placementOf(body))
			}
			ps, _ := b.app.Store.Pitches(context.Background(), store.PitchFilter{SubmissionID: id})
			if len(ps) != 1 || !strings.Contains(body, `href="/desk/pitches/`+ps[0].ID+`"`) {
				t.Fatalf("pitches %v; the row links to its page?\n%s", ps, placementOf(body))
			}
			end := ps[0].PitchedAt.Add(7 * 24 * time.Hour).UTC()
			if !strings.Contains(body, "Daily Post (English) – no word limit – blocked: exclusive to The Tribune until "+dateEN(end)) {
				t.Errorf("the list does not show the blocked outlet:\n%s", placementOf(body))
			}
			post := listedOutlet(t, body, "Daily Post")
			resp, body = b.deskPage(piece+"/pitches", editor, url.Values{"outlet_id": {post}})
			if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "The piece is offered exclusively to The Tribune until "+dateEN(end)) {
				t.Errorf("exclusive: %d\n%s", resp.StatusCode, placementOf(body))
			}
			resp, body = b.deskPage(piece+"/pitches?lang=es", editor, url.Values{"outlet_id": {post}})
			if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "La pieza está ofrecida en exclusiva a The Tribune hasta el "+dateES(end)) {
				t.Errorf("exclusive, Spanish: %d\n%s", resp.StatusCode, placementOf(body))
			}
			// Nothing due yet; a day past the window the pitch is to chase,
			// and the next outlet is open.
			if _, body := b.deskPage("/desk/follow-up", editor, nil); !strings.Contains(body, "Nothing to follow up") {
				t.Errorf("follow-up before the window ends:\n%s", body)
			}
			clock.add(8 * 24 * time.Hour)
			_, body = b.deskPage("/desk/follow-up", editor, nil)
			if !strings.Contains(body, "1 pitch to follow up") || !strings.Contains(body, `href="/desk/s/`+id+`#pitch-to"`) || !strings.Contains(body, "oped@tribune.example") {
				t.Errorf("follow-up:\n%s", body)
			}
			pid := ps[0].ID
			if resp, body := b.deskFollow(piece+"/pitches/"+pid, editor, url.Values{"status": {"no_response"}}); resp.StatusCode != http.StatusOK || !strings.Contains(body, "The Tribune</a> (English): no response") {
				t.Errorf("no response: %d\n%s", resp.StatusCode, placementOf(body))
			}
			if resp, _ := b.deskFollow(piece+"/pitches", editor, url.Values{"outlet_id": {post}}); resp.StatusCode != http.StatusOK {
				t.Errorf("pitch the next outlet: %d", resp.StatusCode)
			}
			ps, _ = b.app.Store.Pitches(context.Background(), store.PitchFilter{SubmissionID: id})
			next := ps[1].ID
			resp, body = b.deskPage(piece+"/pitches/"+next, editor, url.Values{"status": {"published"}, "published_url": {"javascript:alert(1)"}})
			if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "Where it ran: give the address") {
				t.Errorf("published with a bad address: %d\n%s", resp.StatusCode, placementOf(body))
			}
			if resp, body := b.deskFollow(piece+"/pitches/"+next, editor, url.Values{"status": {"published"}, "published_url": {"https://post.example/op-ed"}, "published_on": {"2026-12-10"}}); resp.StatusCode != http.StatusOK || !strings.Contains(body, `href="https://post.example/op-ed"`) {
				t.Errorf("published: %d\n%s", resp.StatusCode, placementOf(body))
			}
			if resp, body := b.deskPage(piece+"/pitches/"+next, editor, url.Values{"status": {"accepted"}}); resp.StatusCode != http.StatusConflict || !strings.Contains(body, "This step is not open") {
				t.Errorf("published back to accepted: %d\n%s", resp.StatusCode, placementOf(body))
			}
			if resp, _ := b.deskPage("/desk/s/other/pitches/"+next, editor, url.Values{"status": {"withdrawn"}}); resp.StatusCode != http.StatusNotFound {
				t.Errorf("a pitch through another piece's address: %d", resp.StatusCode)
			}

			// An internal-only piece: no form, and the rule's refusal if posted.
			internal, _ := b.approvedPiece(fieldsWith("title", "Only for us", "consent_publish", "internal", "pseudonym", ""))
			if _, body := b.deskPage("/desk/s/"+internal, editor, nil); !strings.Contains(body, "consent is internal only") || strings.Contains(body, `id="pitch-to"`) {
				t.Errorf("internal piece's section:\n%s", placementOf(body))
			}
			resp, body = b.deskPage("/desk/s/"+internal+"/pitches?lang=es", editor, url.Values{"outlet_id": {tribune}})
			if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "solo interno") {
				t.Errorf("internal pitch: %d\n%s", resp.StatusCode, placementOf(body))
			}

			// The report: The Tribune 1 pitched, 0 accepted (0 %); Daily Post 1 placed (100 %).
			if resp, _ := b.deskPage("/desk/placements", editor, nil); resp.StatusCode != http.StatusForbidden {
				t.Errorf("editor reads the report: %d", resp.StatusCode)
			}
			_, body = b.deskPage("/desk/placements", staff, nil)
			for _, want := range []string{
				"<tr><th scope=\"row\">Daily Post</th><td>1</td><td>1</td><td>1</td><td>0</td><td>0</td><td>100 %</td></tr>",
				"<tr><th scope=\"row\">The Tribune</th><td>1</td><td>0</td><td>0</td><td>0</td><td>1</td><td>0 %</td></tr>",
				"<th scope=\"row\">All outlets</th><td>2</td><td>1</td><td>1</td><td>0</td><td>1</td><td>50 %</td>",
				`href="/api/v1/placements?format=csv"`,
			} {
				if !strings.Contains(body, want) {
					t.Errorf("report lacks %s:\n%s", want, body)
				}
			}
			if resp, _ := b.deskPage("/desk/placements?since=yesterday", staff, nil); resp.StatusCode != http.StatusBadRequest {
				t.Errorf("report with a bad date: %d", resp.StatusCode)
			}
			// Pitches are dated by the placement clock, which is days ahead.
			tomorrow := clock.now().AddDate(0, 0, 2).Format(time.DateOnly)
			if _, body := b.deskPage("/desk/placements?since="+tomorrow, staff, nil); !strings.Contains(body, "No pitch in this period.") {
				t.Errorf("report of a later period:\n%s", body)
			}

			// The audit: who pitched and moved what, never the piece's words.
			log, _ := b.app.Store.AuditLog(context.Background(), id, 0)
			var got []string
			for _, e := range log {
				if strings.HasPrefix(e.Action, "pitch_") {
					got = append(got, e.Actor+" "+e.Action+" "+strings.ReplaceAll(strings.ReplaceAll(e.Detail, pid, "P1"), next, "P2"))
				}
				if strings.Contains(e.Detail, "Pitched piece") || strings.Contains(e.Detail, "Our family") {
					t.Errorf("audit holds the piece: %+v", e)
				}
			}
			want := []string{ // newest first; refused forms wrote nothing
				"ed@example.org pitch_updated pitch P2 to Daily Post: pitched -> published",
				"ed@example.org pitch_created pitch P2 to Daily Post (en)",
				"ed@example.org pitch_updated pitch P1 to The Tribune: pitched -> no_response",
				"ed@example.org pitch_created pitch P1 to The Tribune (en)",
			}
			if strings.Join(got, "|") != strings.Join(want, "|") {
				t.Errorf("audit %q, want %q", got, want)
			}
		})
	}
}

// placementOf is the Placement section of a piece page, for failure messages.
func placementOf(body string) string {
	if i := strings.Index(body, `<section id="placement"`); i >= 0 {
		body = body[i:]
		if j := strings.Index(body, "</section>"); j >= 0 {
			return body[:j]
		}
	}
	return body
}

// listedOutlet is the id the "Pitch to…" list gives outlet name.
func listedOutlet(t *testing.T, body, name string) string {
	t.Helper()
	m := regexp.MustCompile(`<option value="([^"]+)">` + regexp.QuoteMeta(name) + ` `).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("%s is not in the list:\n%s", name, placementOf(body))
	}
	return m[1]
}

// dateEN and dateES are a day as the pages write it.
func dateEN(t time.Time) string {
	t = t.UTC()
	return monthsEN[t.Month()-1] + " " + strconv.Itoa(t.Day()) + ", " + strconv.Itoa(t.Year())
}

func dateES(t time.Time) string {
	t = t.UTC()
	return strconv.Itoa(t.Day()) + " de " + monthsES[t.Month()-1] + " de " + strconv.Itoa(t.Year())
}

var (
	monthsEN = []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}
	monthsES = []string{"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"}
)

// outletID is the id of the outlet called name.
func (b *bundle) outletID(name string) string {
	b.t.Helper()
	list, err := b.app.Store.Outlets(context.Background())
	if err != nil {
		b.t.Fatal(err)
	}
	for _, o := range list {
		if o.Name == name {
			return o.ID
		}
	}
	b.t.Fatalf("no outlet %s", name)
	return ""
}
