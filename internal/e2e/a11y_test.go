package e2e_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/storydesk/storydesk/internal/store"
	"github.com/storydesk/storydesk/internal/testenv"
)

// a11yPage is one page the accessibility sweep opens in each language.
type a11yPage struct {
	name  string                         // its screenshots' file name
	route string                         // the GET route it covers; "" for a page a POST answers
	open  func(br *browser, lang string) // brings the tab to the page
}

// a11ySize is a viewport every page is audited and pictured at.
type a11ySize struct {
	name          string
	width, height int64
}

var (
	a11yLangs = []string{"en", "es"}
	a11ySizes = []a11ySize{{"phone", 390, 844}, {"desktop", 1280, 800}}
)

// a11yNotPages are the GET routes the sweep does not open, and why.
var a11yNotPages = map[string]string{
	"/favicon.ico":                         "an icon",
	"/stories/feed.xml":                    "an Atom feed, not HTML",
	"/stories/:slug/images/:name":          "an image",
	"/desk/s/:id/attachments/:aid/preview": "an image the submission page shows",
	"/healthz":                             "a probe's plain text",
	"/readyz":                              "a probe's JSON",
	"/metrics":                             "Prometheus text",
	"/receipt/download":                    "the receipt as a text file",
	"/desk/pitches/:id/package":            "a ZIP download (its refusal is the pitch page, swept)",
}

// a11yData is what the seeded app holds for the sweep to show.
type a11yData struct {
	rich       string            // a piece with findings, a photo, two revisions, messages and a note
	receipt    string            // its receipt code
	translated string            // the receipt of a piece with a translation awaiting its author and a placement
	withdraw   map[string]string // by language, a receipt the sweep withdraws
	slug       string            // a published story, with an approved Spanish translation
	invite     string            // an invitation's path
	enrollee   string            // an account that must enroll in two-factor
	totpUser   string            // an account with two-factor
	admin      string            // the account the desk pages are seen as
	adminAPI   string            // its API token
	export     string            // a finished export
	pitch      string            // a pitch of the published story, over its outlet's word limit
	placed     string            // the published story, pitched to two outlets (one due, one holding it exclusive)
	outlet     string            // an outlet, for its page
}

// TestAccessibility audits every page with axe-core (WCAG 2.0 and 2.1, A
// and AA) in headless Chromium, in English and Spanish, on a phone and a
// desktop screen, and leaves a screenshot of each in the artifact
// directory. A GET page in routes.go that the sweep does not open fails the
// test. TestKeyboardOnly (keyboard_test.go) walks the main flows beside it.
func TestAccessibility(t *testing.T) {
	t.Parallel()
	b := setup(t, options{db: "sqlite", workers: true, env: map[string]string{
		// A small body cap, so the sweep can show the form refusing a large request.
		"STORYDESK_MAX_FILES": "1", "STORYDESK_MAX_FILE_MB": "1",
	}})
	d := b.a11ySeed()
	br := startBrowser(t, b.url)
	br.acceptLeaving() // the sweep leaves the receipt page, which asks
	start := time.Now()
	public, staff := a11yPages(b, d)
	covered := map[string]bool{}
	sweep := func(pages []a11yPage) {
		for _, pg := range pages {
			covered[pg.route] = true
			t.Run(pg.name, func(t *testing.T) {
				defer br.use(t)()
				br.audit(pg)
			})
		}
	}
	sweep(public)
	br.setLang("en")
	br.signIn(d.admin, "/desk")
	sweep(staff)
	t.Logf("browser time: %s", time.Since(start).Round(time.Millisecond))

	routes := pageRoutes(t)
	for _, r := range routes {
		if !covered[r] && a11yNotPages[r] == "" {
			t.Errorf("GET %s is not in the accessibility sweep: add it to a11yPages, or to a11yNotPages with the reason", r)
		}
	}
	for r := range a11yNotPages {
		if !slices.Contains(routes, r) {
			t.Errorf("a11yNotPages lists GET %s, which routes.go no longer has", r)
		}
	}
	for _, p := range br.consoleProblems() {
		if !refusedOnPurpose.MatchString(p) {
			t.Errorf("browser console: %s", p)
		}
	}
	// axe-core ran under the app's own policy, which still refuses inline
	// script, and it would have seen a violation.
	resp := browserRun(br, "open the form", chromedp.NavigateResponse(br.base+"/"))
	if csp, _ := resp.Headers["Content-Security-Policy"].(string); !strings.Contains(csp, "script-src 'self';") || strings.Contains(csp, "unsafe") {
		t.Errorf("the pages were audited under Content-Security-Policy %q, not the strict one", csp)
	}
	br.expectAxeCatches()
	br.expectCSPReported()
	copyREADMEShots(t, br.dir)
}

// audit opens the page in each language and, at each size, runs axe-core
// and saves a screenshot.
func (br *browser) audit(pg a11yPage) {
	br.t.Helper()
	for _, lang := range a11yLangs {
		br.setLang(lang)
		pg.open(br, lang)
		if got := browserRun(br, "html lang", chromedp.Evaluate[string](`document.documentElement.lang`)); got != lang {
			br.t.Errorf("%s: <html lang=%q>, want %q", lang, got, lang)
		}
		for _, sz := range a11ySizes {
			br.do("viewport "+sz.name, chromedp.EmulateViewport(sz.width, sz.height))
			for _, v := range br.axe() {
				br.t.Errorf("%s, %s: %s", lang, sz.name, v)
			}
			br.screenshot("a11y-" + pg.name + "-" + lang + "-" + sz.name)
		}
	}
}

// setLang makes the browser ask for lang, as a visitor's browser does.
func (br *browser) setLang(lang string) {
	br.t.Helper()
	if _, err := chromedp.Call(br.ctx, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{
		Headers: network.Headers{"Accept-Language": lang}}); err != nil {
		br.t.Fatalf("Accept-Language %s: %v", lang, err)
	}
}

// open navigates to path, which must answer want.
func (br *browser) open(path string, want int) {
	br.t.Helper()
	br.load("open "+path, want, chromedp.Navigate(br.base+path))
}

// openAt opens path, which must answer 200 without sending the browser elsewhere.
func (br *browser) openAt(path string) {
	br.t.Helper()
	br.open(path, http.StatusOK)
	if p := br.path(); p != path {
		br.t.Fatalf("%s led to %s", path, p)
	}
}

// signIn signs in through the login form and checks where it lands.
func (br *browser) signIn(email, want string) {
	br.t.Helper()
	br.openAt("/login") // not signed in already
	br.do("fill the login form",
		chromedp.SetValue(chromedp.ID("email"), email),
		chromedp.SetValue(chromedp.ID("password"), acctPassword))
	br.load("sign in as "+email, http.StatusOK, chromedp.Click(chromedp.CSS(`main form button[type=submit]`)))
	if p := br.path(); p != want {
		br.t.Fatalf("signed in as %s on %s, want %s", email, p, want)
	}
}

// lookUp opens the status page of a receipt through the look-up form.
func (br *browser) lookUp(receipt string, want int) {
	br.t.Helper()
	br.open("/status", http.StatusOK)
	br.do("type the receipt", chromedp.SetValue(chromedp.ID("receipt"), receipt))
	br.load("look up", want, chromedp.Click(chromedp.CSS(`main form button[type=submit]`)))
}

// a11yPages lists the pages the sweep opens: those a visitor sees, then
// those the desk sees, signed in as an admin, who may open them all.
func a11yPages(b *bundle, d a11yData) (public, staff []a11yPage) {
	public = []a11yPage{
		{"form", "/", func(br *browser, _ string) { br.open("/", http.StatusOK) }},
		// With the script, a refusal's page comes back by XMLHttpRequest
		// and replaces the form in place (form.js): no navigation.
		{"form-errors", "", func(br *browser, _ string) {
			br.open("/", http.StatusOK)
			br.do("send the empty form", chromedp.Click(chromedp.CSS(`main form button[type=submit]`)),
				chromedp.WaitVisible(chromedp.CSS(`.error-summary`)))
		}},
		{"form-files", "", func(br *browser, _ string) {
			br.open("/", http.StatusOK)
			br.do("choose a photo and a document", chromedp.SetUploadFiles(chromedp.ID("attachments"), []string{
				writeFile(br.t, "family.jpg", testenv.JPEGWithGPS(br.t)), writeFile(br.t, "letter.pdf", testenv.MinimalPDF())}),
				chromedp.WaitVisible(chromedp.CSS(`#file-names canvas.file-thumb`)))
		}},
		{"form-retry", "", func(br *browser, _ string) {
			br.open("/", http.StatusOK)
			br.offline(true)
			defer br.offline(false)
			br.do("send while offline", chromedp.Click(chromedp.CSS(`main form button[type=submit]`)),
				chromedp.WaitVisible(chromedp.ID(`send-retry`)))
		}},
		{"form-too-large", "", func(br *browser, _ string) {
			br.open("/", http.StatusOK)
			// A hidden field carries the bulk, past twice the 2 MB cap (the
			// form reads that far to keep the text of a refused file): in the
			// story box it would spend seconds laying out text nobody sees.
			br.do("add 4.5 MB", chromedp.Evaluate[chromedp.Void](
				`document.querySelector("main form").append(Object.assign(document.createElement("input"), {type: "hidden", name: "pad", value: "a".repeat(9 << 19)}))`))
			br.do("send it", chromedp.Click(chromedp.CSS(`main form button[type=submit]`)),
				chromedp.WaitVisible(chromedp.CSS(`.error-summary`)))
		}},
		{"receipt", "/receipt", func(br *browser, lang string) {
			br.open("/", http.StatusOK)
			br.do("fill the form",
				chromedp.Click(chromedp.ID("kind-story")),
				chromedp.SetValue(chromedp.ID("title"), "A11y "+lang),
				chromedp.SetValue(chromedp.ID("body"), "We came in 2015.\n\nThe town welcomed us."),
				chromedp.Click(chromedp.ID("consent_publish-anonymous")))
			br.load("send the form", http.StatusOK, chromedp.Click(chromedp.CSS(`main form button[type=submit]`))) // 303 to /receipt
		}},
		{"status-lookup", "/status", func(br *browser, _ string) { br.open("/status", http.StatusOK) }},
		{"status-unknown", "", func(br *browser, _ string) { br.lookUp("ABCD-EFGH-JKMN-PQRS", http.StatusNotFound) }},
		{"status", "", func(br *browser, _ string) { br.lookUp(d.receipt, http.StatusOK) }},
		{"status-translation", "", func(br *browser, _ string) { br.lookUp(d.translated, http.StatusOK) }},
		{"status-translation-refused", "", func(br *browser, _ string) {
			br.lookUp(d.translated, http.StatusOK)
			br.load("ask for changes without a message", http.StatusBadRequest, chromedp.Click(chromedp.CSS(`form.tr-changes button[type=submit]`)))
		}},
		{"status-withdrawn", "", func(br *browser, lang string) {
			br.lookUp(d.withdraw[lang], http.StatusOK)
			br.do("confirm", chromedp.Click(chromedp.ID("confirm")))
			br.load("withdraw", http.StatusOK, chromedp.Click(chromedp.CSS(`button.danger`)))
		}},
		{"privacy", "/privacy", func(br *browser, _ string) { br.open("/privacy", http.StatusOK) }},
		{"stories", "/stories", func(br *browser, _ string) { br.open("/stories", http.StatusOK) }},
		{"story", "/stories/:slug", func(br *browser, _ string) { br.open("/stories/"+d.slug, http.StatusOK) }},
		{"story-translation", "/stories/:slug/:lang", func(br *browser, _ string) { br.open("/stories/"+d.slug+"/es", http.StatusOK) }},
		{"not-found", "", func(br *browser, _ string) { br.open("/no/such/page", http.StatusNotFound) }},
		{"login", "/login", func(br *browser, _ string) { br.open("/login", http.StatusOK) }},
		// The password once; the step's page then opens again in the other
		// language as long as the pending login lives.
		{"login-totp", "/login/totp", func(br *browser, lang string) {
			if lang != a11yLangs[0] {
				br.openAt("/login/totp")
				return
			}
			br.signIn(d.totpUser, "/login/totp")
		}},
		{"login-enroll", "/login/enroll", func(br *browser, lang string) {
			if lang != a11yLangs[0] {
				br.openAt("/login/enroll")
				return
			}
			b.setTwoFactorRequired(true)
			defer b.setTwoFactorRequired(false)
			br.signIn(d.enrollee, "/login/enroll")
		}},
		{"invite", "/invite/:token", func(br *browser, _ string) { br.open(d.invite, http.StatusOK) }},
		// Last of the public pages: it spends the look-ups this client has left.
		{"status-too-many", "", func(br *browser, _ string) {
			l := b.app.Limiter
			for range 60 {
				if _, _, err := l.Allow(context.Background(), "status", l.ClientKey("127.0.0.1"), 60, time.Hour); err != nil {
					br.t.Fatal(err)
				}
			}
			br.lookUp(d.receipt, http.StatusTooManyRequests)
		}},
	}
	staff = []a11yPage{
		{"desk-queue", "/desk", func(br *browser, _ string) { br.open("/desk", http.StatusOK) }},
		{"desk-submission", "/desk/s/:id", func(br *browser, _ string) { br.open("/desk/s/"+d.rich, http.StatusOK) }},
		{"desk-edited", "", func(br *browser, lang string) {
			br.open("/desk/s/"+d.rich, http.StatusOK)
			br.do("edit the text", chromedp.SetValue(chromedp.ID("desk_body"), "We came in 2015.\n\nWe live in Austin now ("+lang+")."))
			br.load("save the edit", http.StatusOK, chromedp.Click(chromedp.CSS(`form[action$="/edit"] button[type=submit]`)))
		}},
		{"desk-diff", "/desk/s/:id/diff", func(br *browser, _ string) {
			br.open("/desk/s/"+d.rich+"/diff?a=1&b=2", http.StatusOK)
		}},
		{"desk-pitch", "/desk/pitches/:id", func(br *browser, _ string) { br.open("/desk/pitches/"+d.pitch, http.StatusOK) }},
		{"desk-pitch-saved", "", func(br *browser, lang string) {
			br.open("/desk/pitches/"+d.pitch, http.StatusOK)
			br.do("write a shorter version", chromedp.SetValue(chromedp.ID("desk_body"), "Harvest in the valley ("+lang+")."))
			br.load("save it", http.StatusOK, chromedp.Click(chromedp.CSS(`form[action$="/text"] button[type=submit]`)))
		}},
		{"desk-translation", "/desk/s/:id/translations/:lang", func(br *browser, _ string) {
			br.open("/desk/s/"+d.rich+"/translations/es", http.StatusOK)
		}},
		{"desk-translation-diff", "/desk/s/:id/translations/:lang/diff", func(br *browser, _ string) {
			br.open("/desk/s/"+d.rich+"/translations/es/diff?a=1&b=2", http.StatusOK)
		}},
		{"desk-exports", "/desk/exports", func(br *browser, _ string) { br.open("/desk/exports", http.StatusOK) }},
		// The page while an export runs keeps its list fresh: the export is
		// set back to running where no worker will finish it.
		{"desk-exports-running", "", func(br *browser, _ string) {
			b.execOne(`UPDATE exports SET status = 'running', total = 4, done = 1 WHERE id = $1`, d.export)
			br.open("/desk/exports", http.StatusOK)
		}},
		{"desk-outlets", "/desk/outlets", func(br *browser, _ string) { br.open("/desk/outlets", http.StatusOK) }},
		{"desk-outlet", "/desk/outlets/:id", func(br *browser, _ string) { br.open("/desk/outlets/"+d.outlet, http.StatusOK) }},
		{"desk-follow-up", "/desk/follow-up", func(br *browser, _ string) { br.open("/desk/follow-up", http.StatusOK) }},
		{"desk-placements", "/desk/placements", func(br *browser, _ string) { br.open("/desk/placements", http.StatusOK) }},
		// The Placement section refusing a pitch: La Voz is blocked while El
		// Diario holds the piece exclusive (409, named in the page's language).
		{"desk-placement-refused", "", func(br *browser, _ string) {
			br.open("/desk/s/"+d.placed+"#placement", http.StatusOK)
			br.do("choose La Voz", chromedp.SetValue(chromedp.ID("pitch_outlet"), b.outletID("La Voz")))
			br.load("pitch it", http.StatusConflict, chromedp.Click(chromedp.CSS(`#pitch-to button[type=submit]`)))
		}},
		{"admin-users", "/admin/users", func(br *browser, _ string) { br.open("/admin/users", http.StatusOK) }},
		{"admin-queues", "/admin/queues", func(br *browser, _ string) { br.open("/admin/queues", http.StatusOK) }},
		{"account", "/account", func(br *browser, _ string) { br.open("/account", http.StatusOK) }},
		{"account-totp", "/account/totp", func(br *browser, _ string) { br.open("/account/totp", http.StatusOK) }},
	}
	return public, staff
}

// setTwoFactorRequired turns the admin setting on or off. The API would
// first ask the admin to enroll; the sweep only needs the page it leads to.
func (b *bundle) setTwoFactorRequired(on bool) {
	b.t.Helper()
	v := "false"
	if on {
		v = "true"
	}
	if err := b.app.Store.PutSetting(context.Background(), store.SettingRequireTwoFactor, v); err != nil {
		b.t.Fatal(err)
	}
}

// a11ySeed fills the app with what the pages show: a piece with everything
// the submission page can list, pieces to withdraw, a published story, a
// finished export and the accounts of every sign-in step.
func (b *bundle) a11ySeed() a11yData {
	b.t.Helper()
	d := a11yData{withdraw: map[string]string{}, admin: "a11y-admin@example.org",
		totpUser: "a11y-totp@example.org", enrollee: "a11y-enroll@example.org"}
	d.adminAPI = b.editorToken(d.admin, "admin", "")
	b.editorToken("a11y-editor@example.org", "editor", "")
	b.editorToken("a11y-staff@example.org", "staff", "")
	b.acctEnroll(b.acctUser(d.totpUser, "editor", "").ID)
	b.acctUser(d.enrollee, "editor", "")
	code, res := b.call(http.MethodPost, "/api/v1/users", d.adminAPI, `{"email": "a11y-new@example.org", "role": "editor"}`)
	link, _ := res["invite_url"].(string)
	if code != http.StatusCreated || !strings.Contains(link, "/invite/") {
		b.t.Fatalf("invite: %d %v", code, res)
	}
	d.invite = link[strings.Index(link, "/invite/"):]

	f := validFields()
	f["contact_email"] = "maria@example.org"
	code, res = b.submit(f, file{"family.png", "image/png", a11yPhoto(b.t)})
	if code != http.StatusCreated {
		b.t.Fatalf("submit: %d %v", code, res)
	}
	d.rich, d.receipt = res["id"].(string), res["receipt"].(string)
	b.waitStatus(d.rich, "ready", 15*time.Second)
	for _, c := range []struct{ method, path, body string }{
		{http.MethodPut, "/api/v1/submissions/" + d.rich, `{"body": "We came in 2015.\n\nMy A-number is A123-456-789. We live in Austin now."}`},
		{http.MethodPost, "/api/v1/submissions/" + d.rich + "/messages", `{"message": "Thank you. May we shorten the second paragraph?"}`},
		{http.MethodPost, "/api/v1/submissions/" + d.rich + "/notes", `{"text": "Check the A-number is removed before publishing."}`},
		// A translation of two revisions, the first with a finding of its own.
		{http.MethodPost, "/api/v1/submissions/" + d.rich + "/translations", `{"language": "es", "title": "Nuestra familia en Austin", "body": "Llegamos en 2015.\n\nMi número es A123-456-789. Ahora vivimos en Austin."}`},
		{http.MethodPut, "/api/v1/submissions/" + d.rich + "/translations/es", `{"title": "Nuestra familia en Austin", "body": "Llegamos en 2015.\n\nMi número A es A123-456-789. Ahora vivimos en Austin."}`},
	} {
		if code, res := b.call(c.method, c.path, b.token, c.body); code/100 != 2 {
			b.t.Fatalf("%s %s: %d %v", c.method, c.path, code, res)
		}
	}
	if code, res := b.postJSON("/api/v1/status/reply", map[string]string{"receipt": d.receipt, "message": "Yes, please do."}); code != http.StatusOK {
		b.t.Fatalf("reply: %d %v", code, res)
	}
	for _, lang := range a11yLangs {
		code, res := b.submit(fieldsWith("title", "To withdraw "+lang))
		if code != http.StatusCreated {
			b.t.Fatalf("submit: %d %v", code, res)
		}
		d.withdraw[lang] = res["receipt"].(string)
	}
	d.translated = b.a11yTranslated(d.adminAPI)
	d.placed, d.slug = b.published(fieldsWith("title", "Harvest season in the valley", "consent_publish", "name"))
	// Its Spanish translation, approved by an editor: the story's pages
	// then carry the language switch.
	for _, c := range []struct{ path, body string }{
		{"/translations", `{"language": "es", "title": "Temporada de cosecha en el valle", "body": "Llegamos en 2015.\n\nEl pueblo nos recibió."}`},
		{"/translations/es/approve", `{"reason": "The author approved it by phone."}`},
	} {
		if code, res := b.call(http.MethodPost, "/api/v1/submissions/"+d.placed+c.path, b.token, c.body); code/100 != 2 {
			b.t.Fatalf("POST %s: %d %v", c.path, code, res)
		}
	}
	// Outlets, and the story pitched: to The Tribune (no window, so due at
	// once for the follow-up list) and to El Diario, which holds it in
	// Spanish for 30 days, blocking La Voz.
	d.outlet = b.outlet(d.adminAPI, map[string]any{"name": "The Tribune", "language": "en", "word_limit": 5,
		"exclusive_days": 0, "contact_email": "oped@tribune.example", "notes": "Op-eds on Tuesdays.", "takes": []string{"oped", "story"}})
	diario := b.outlet(d.adminAPI, map[string]any{"name": "El Diario", "language": "es", "exclusive_days": 30})
	b.outlet(d.adminAPI, map[string]any{"name": "La Voz", "language": "es", "word_limit": 800, "exclusive_days": 14})
	for i, o := range []string{d.outlet, diario} {
		code, res := b.deskCall(http.MethodPost, "/api/v1/submissions/"+d.placed+"/pitches", d.adminAPI, map[string]any{"outlet_id": o})
		if code != http.StatusCreated {
			b.t.Fatalf("pitch: %d %v", code, res)
		}
		if i == 0 {
			d.pitch = res["id"].(string) // over The Tribune's limit of five words
		}
	}
	d.export, _ = b.finishedExport(d.adminAPI)
	return d
}

// a11yTranslated seeds a piece whose Spanish translation awaits its
// author and which an outlet published; it returns the receipt.
func (b *bundle) a11yTranslated(staff string) string {
	b.t.Helper()
	id, receipt := b.translatedPiece("Our street")
	b.waitStatus(id, "ready", 15*time.Second)
	b.move(id, store.StatusReady, store.StatusApproved)
	o := b.outlet(staff, map[string]any{"name": "The Tribune", "language": "en"})
	code, res := b.deskCall(http.MethodPost, "/api/v1/submissions/"+id+"/pitches", b.token, map[string]any{"outlet_id": o})
	if code != http.StatusCreated {
		b.t.Fatalf("pitch: %d %v", code, res)
	}
	if code, res := b.deskCall(http.MethodPatch, "/api/v1/pitches/"+res["id"].(string), b.token,
		map[string]any{"status": "published", "published_url": "https://tribune.example/our-street"}); code != http.StatusOK {
		b.t.Fatalf("published: %d %v", code, res)
	}
	return receipt
}

// a11yPhoto is a small PNG with some colour in it, for the attachment list.
func a11yPhoto(t testing.TB) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 120, 80))
	for y := range 80 {
		for x := range 120 {
			img.Set(x, y, color.RGBA{uint8(x * 2), uint8(y * 3), 160, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// refusedOnPurpose are the console's notes of the pages the sweep asks to
// be refused: an empty or oversized form, a form sent offline, an unknown
// code, a missing page,
// too many look-ups, a pitch another outlet's exclusivity blocks.
var refusedOnPurpose = regexp.MustCompile(`^log network/error http://[^/]+(/submit: Failed to load resource: net::ERR_INTERNET_DISCONNECTED|(/submit|/status|/no/such/page): Failed to load resource: the server responded with a status of (400|404|413|429)|/desk/s/[^/]+/pitches: Failed to load resource: the server responded with a status of 409)( |$)`)

var getRoute = regexp.MustCompile(`\be\.GET\("([^"]+)"`)

// pageRoutes reads the GET routes off the route table, routes.go, so a page
// added there joins the sweep or fails it.
func pageRoutes(t *testing.T) []string {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("..", "server", "routes.go"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range getRoute.FindAllStringSubmatch(string(src), -1) {
		out = append(out, m[1])
	}
	if len(out) < 10 {
		t.Fatalf("found only %d GET routes in routes.go: %q; has the table changed shape?", len(out), out)
	}
	slices.Sort(out)
	return out
}

// readmeShots are the screenshots the README shows, by the sweep's names.
var readmeShots = map[string]string{
	"a11y-form-es-phone.png":              "form-phone-es.png",
	"a11y-desk-submission-en-desktop.png": "desk-submission-desktop.png",
	"a11y-status-en-phone.png":            "status-phone.png",
	// The author reviewing a translation (issue 14) and where the piece ran (issue 15).
	"a11y-status-translation-es-phone.png":   "status-translation-phone-es.png",
	"a11y-status-translation-en-desktop.png": "status-translation-desktop.png",
	// The translation editor (issue 14).
	"a11y-desk-translation-en-desktop.png": "translation-editor-desktop.png",
	"a11y-desk-translation-es-phone.png":   "translation-editor-phone-es.png",
}

// copyREADMEShots refreshes docs/screenshots when STORYDESK_TEST_SCREENSHOTS
// is set, so the README's pictures come from this test and nothing else.
func copyREADMEShots(t *testing.T, dir string) {
	t.Helper()
	if os.Getenv("STORYDESK_TEST_SCREENSHOTS") == "" {
		return
	}
	dst := filepath.Join("..", "..", "docs", "screenshots")
	if err := os.MkdirAll(dst, 0o755); err != nil {
		t.Fatal(err)
	}
	for from, to := range readmeShots {
		if err := recompress(filepath.Join(dir, from), filepath.Join(dst, to)); err != nil {
			t.Errorf("README screenshot %s: %v", to, err)
		}
	}
}

// recompress copies a PNG, encoded for size: the sweep's own are encoded
// for speed, and these live in the repository.
func recompress(from, to string) error {
	f, err := os.Open(from)
	if err != nil {
		return err
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&buf, img); err != nil {
		return err
	}
	return os.WriteFile(to, buf.Bytes(), 0o644)
}
