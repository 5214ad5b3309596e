package e2e_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/storydesk/storydesk/internal/store"
)

// tabLimit bounds the Tab presses any page may need to go all the way round.
const tabLimit = 150

// tabStop is what a Tab press reports: where the focus went, and whether
// the element it left looked any different while it had the focus.
type tabStop struct {
	Desc      string `json:"desc"`      // the element with the focus now
	Match     bool   `json:"match"`     // it matches the selector looked for
	Body      bool   `json:"body"`      // the focus left the page's elements (the end of the round)
	Same      bool   `json:"same"`      // Tab did not move the focus
	Invisible string `json:"invisible"` // the element left, if its outline and shadow did not change with focus
}

// tabJS runs after each Tab: it compares the outline and box-shadow the
// element just left has now with those it had while focused, and records
// the new element's. Comparing one element with itself in both states finds
// a focus style that is missing, whatever the element's own look.
const tabJS = `(want => {
	const look = el => { const s = getComputedStyle(el); return [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow].join(" "); };
	const name = el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
		(el.getAttribute("name") ? "[name=" + el.getAttribute("name") + "]" : "") +
		(el.getAttribute("href") ? "[href=" + el.getAttribute("href") + "]" : "") +
		(el.textContent.trim() ? " " + JSON.stringify(el.textContent.trim().slice(0, 40)) : "");
	const el = document.activeElement, prev = window.__tabPrev;
	const body = el === document.body || el === document.documentElement;
	const out = {desc: name(el), match: !body && want !== "" && el.matches(want), body, same: !!prev && prev.el === el, invisible: ""};
	if (prev && prev.el !== el && prev.el.isConnected && look(prev.el) === prev.look) out.invisible = prev.desc;
	window.__tabPrev = body ? null : {el, desc: out.desc, look: look(el)};
	return out;
})`

// tab presses Tab (Shift+Tab when back) and checks the focus moved and the
// element it left showed that it had the focus; want is a selector the new
// element is matched against ("" for none).
func (br *browser) tab(back bool, want string) tabStop {
	br.t.Helper()
	var opts []chromedp.KeyOption
	if back {
		opts = append(opts, chromedp.KeyModifiers(chromedp.ModifierShift))
	}
	var s tabStop
	// A date field takes a Tab per part (month, day, year, calendar button)
	// before the next element: the focus stays on it, but for a few presses only.
	for range 5 {
		br.do("press Tab", chromedp.KeyEvent(kb.Tab, opts...))
		if s = browserRun(br, "focus", chromedp.Evaluate[tabStop](tabJS+"("+jsQuote(want)+")")); !s.Same {
			break
		}
	}
	if s.Same {
		br.t.Fatalf("%s: Tab left the focus on %s: a keyboard trap", br.path(), s.Desc)
	}
	if s.Invisible != "" {
		br.t.Errorf("%s: %s shows no focus indicator (its outline and box-shadow do not change)", br.path(), s.Invisible)
	}
	return s
}

// tabRound goes once round a page just loaded: Tab from the top until the
// focus leaves the page, then Shift+Tab back in from the end. No element
// keeps the focus, and each shows it. It returns the number of stops.
func (br *browser) tabRound() int {
	br.t.Helper()
	if !browserRun(br, "fresh page", chromedp.Evaluate[bool](`document.activeElement === document.body`)) {
		br.t.Fatalf("%s: tabRound starts on a page just loaded, with nothing focused", br.path())
	}
	for n := 0; n < tabLimit; n++ {
		if !br.tab(false, "").Body {
			continue
		}
		if n == 0 {
			br.t.Fatalf("%s: Tab reaches nothing", br.path())
		}
		if back := br.tab(true, ""); back.Body {
			br.t.Fatalf("%s: Shift+Tab from the end reaches nothing", br.path())
		}
		return n
	}
	br.t.Fatalf("%s: the focus did not come round in %d Tab presses", br.path(), tabLimit)
	return 0
}

// tabTo presses Tab, from wherever the focus is and round the end of the
// page at most once, until the element matching css has the focus.
func (br *browser) tabTo(css string) {
	br.t.Helper()
	var seen []string
	ends := 0
	for range 2 * tabLimit {
		s := br.tab(false, css)
		if s.Match {
			return
		}
		if s.Body {
			if ends++; ends == 2 {
				break
			}
			continue
		}
		seen = append(seen, s.Desc)
	}
	br.t.Fatalf("%s: Tab never reaches %s; it goes through %s", br.path(), css, strings.Join(seen, ", "))
}

// typeText types s into the focused element, key by key.
func (br *browser) typeText(s string) {
	br.t.Helper()
	br.do("type", chromedp.KeyEvent(s))
}

// press sends one key to the focused element; want > 0 means it navigates
// to a page that answers want.
func (br *browser) press(key string, want int) {
	br.t.Helper()
	if want == 0 {
		br.do("press "+key, chromedp.KeyEvent(key))
		return
	}
	br.load("press "+key, want, chromedp.KeyEvent(key))
}

func jsQuote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// keyboardSignIn signs in with the keyboard alone.
func (br *browser) keyboardSignIn(email, want string) {
	br.t.Helper()
	br.open("/login", http.StatusOK)
	br.tabRound()
	br.tabTo("#email")
	br.typeText(email)
	br.tabTo("#password")
	br.typeText(acctPassword)
	br.press(kb.Enter, http.StatusOK)
	if p := br.path(); p != want {
		br.t.Fatalf("signed in as %s with the keyboard: on %s, want %s", email, p, want)
	}
}

// TestKeyboardOnly walks the five main flows (submit, status and reply,
// desk review, pitch, export) with the keyboard alone, on its own app and browser
// so that it runs beside the accessibility sweep.
func TestKeyboardOnly(t *testing.T) {
	t.Parallel()
	b := setup(t, options{db: "sqlite", workers: true})
	b.a11ySeed()
	br := startBrowser(t, b.url)
	b.keyboardFlows(t, br)
}

// keyboardFlows walks the five flows with Tab, Shift+Tab, Space, the arrow
// keys, Enter and typing: no click, no value set from script. Every page
// on the way is gone round with Tab first.
func (b *bundle) keyboardFlows(t *testing.T, br *browser) {
	// A submitter's flows in English on a desktop and in Spanish on a phone;
	// the desk's in English on a desktop.
	type submitter struct {
		lang, title, body, reply string
		size                     a11ySize
	}
	people := []submitter{
		{"en", "Typed without a mouse", "I wrote this story with the keyboard alone. Every field was reached with Tab.",
			"One more detail: we arrived in the spring.", a11ySizes[1]},
		{"es", "Escrita sin ratón", "Escribí esta historia solo con el teclado. Llegué a cada campo con el tabulador.",
			"Un detalle más: llegamos en primavera.", a11ySizes[0]},
	}
	asked := br.acceptLeaving()
	for _, p := range people {
		br.setLang(p.lang)
		br.do("viewport "+p.size.name, chromedp.EmulateViewport(p.size.width, p.size.height))
		var receipt string
		t.Run("submit-"+p.lang+"-"+p.size.name, func(t *testing.T) {
			defer br.use(t)()
			br.open("/", http.StatusOK)
			br.tabRound()
			br.tabTo("#kind-story")
			br.press(" ", 0)
			br.tabTo("#title")
			br.typeText(p.title)
			br.tabTo("#body")
			br.typeText(p.body)
			br.tabTo("[name=consent_publish]")
			br.press(kb.ArrowDown, 0)
			br.press(kb.ArrowDown, 0) // name, pseudonym, anonymous
			br.tabTo("main form button[type=submit]")
			br.press(kb.Enter, http.StatusOK) // 303 to the receipt page
			receipt = strings.ReplaceAll(br.text(".receipt-code"), " ", "")
			if len(receipt) < 12 {
				t.Fatalf("no receipt code on the receipt page: %q", receipt)
			}
			code, st := b.postJSON("/api/v1/status", map[string]string{"receipt": receipt})
			if code != http.StatusOK || st["title"] != p.title {
				t.Fatalf("the keyboard submission: %d %v", code, st)
			}
			br.tabRound()
		})
		if receipt == "" {
			t.FailNow()
		}

		t.Run("status-and-reply-"+p.lang+"-"+p.size.name, func(t *testing.T) {
			defer br.use(t)()
			before := asked.Load()
			br.tabTo(`footer a[href^="/status"]`)
			br.press(kb.Enter, http.StatusOK)
			if asked.Load() == before {
				t.Error("the receipt page was left for the status page without asking")
			}
			br.tabRound()
			br.tabTo("#receipt")
			br.typeText(receipt)
			br.press(kb.Enter, http.StatusOK)
			if st := br.text(".status-box .state"); st == "" {
				t.Fatal("the status page shows no status")
			}
			br.tabRound()
			br.tabTo("#message")
			br.typeText(p.reply)
			br.tabTo(`form:has(input[name=action][value=reply]) button[type=submit]`)
			br.press(kb.Enter, http.StatusOK)
			if n := br.text("main p.notice"); n == "" {
				t.Error("no notice after the reply")
			}
			if c := br.text("ol.conversation"); !strings.Contains(c, p.reply) {
				t.Errorf("the reply is not in the conversation: %q", c)
			}
		})
	}

	br.setLang("en")
	br.do("viewport desktop", chromedp.EmulateViewport(a11ySizes[1].width, a11ySizes[1].height))
	title := people[0].title
	t.Run("desk-review", func(t *testing.T) {
		defer br.use(t)()
		id := b.idOf(title)
		b.waitStatus(id, "ready", 15*time.Second)
		br.keyboardSignIn("a11y-editor@example.org", "/desk")
		br.tabRound()
		br.tabTo(`#queue a.open[href="/desk/s/` + id + `"]`)
		br.press(kb.Enter, http.StatusOK)
		br.tabRound()
		br.tabTo("#desk_decision_message")
		br.typeText("Thank you: we would like to publish it.")
		br.tabTo("button[name=decision][value=approve]")
		br.press(kb.Enter, http.StatusOK)
		if n := br.text("main .notice p"); n != "Approved." {
			t.Errorf("notice after approving with the keyboard: %q", n)
		}
		b.waitStatus(id, "approved", time.Second)
	})

	// The piece just approved, pitched with the keyboard from its Placement
	// section, then marked accepted.
	t.Run("desk-pitch", func(t *testing.T) {
		defer br.use(t)()
		id := b.idOf(title)
		br.tabTo("#pitch_outlet")
		br.press(kb.ArrowDown, 0) // El Diario, La Voz
		br.tabTo("#pitch-to button[type=submit]")
		br.press(kb.Enter, http.StatusOK)
		if n := br.text("main .notice p"); n != "The pitch was recorded." {
			t.Errorf("notice after pitching with the keyboard: %q", n)
		}
		if s := br.text("#placement"); !strings.Contains(s, "La Voz (Spanish): pitched") {
			t.Errorf("the Placement section after the pitch: %q", s)
		}
		br.tabRound()
		br.tabTo("#placement button[name=status][value=accepted]")
		br.press(kb.Enter, http.StatusOK)
		if n := br.text("main .notice p"); n != "The pitch was updated." {
			t.Errorf("notice after the step: %q", n)
		}
		ps, err := b.app.Store.Pitches(context.Background(), store.PitchFilter{SubmissionID: id})
		if err != nil || len(ps) != 1 || ps[0].Outlet.Name != "La Voz" || ps[0].Status != store.PitchAccepted {
			t.Errorf("pitches after the keyboard flow: %+v %v", ps, err)
		}
	})

	t.Run("export", func(t *testing.T) {
		defer br.use(t)()
		br.tabTo(`nav.staff button[type=submit]`) // Sign out
		br.press(kb.Enter, http.StatusOK)
		br.keyboardSignIn("a11y-staff@example.org", "/desk")
		br.tabTo(`nav.staff a[href="/desk/exports"]`)
		br.press(kb.Enter, http.StatusOK)
		br.tabRound()
		before := br.exportPaths()
		br.tabTo(`main form button[type=submit]`)
		br.press(kb.Enter, http.StatusOK)
		// The page reloads itself while the export runs, signing its links
		// afresh each time: an export is known by its path, not its link.
		var path string
		waitFor(t, 30*time.Second, "a new download link on the exports page", func() (bool, any) {
			now := br.exportPaths()
			for _, p := range now {
				if !slices.Contains(before, p) {
					path = p
				}
			}
			return path != "", now
		})
		if !strings.HasPrefix(path, "/api/v1/exports/") {
			t.Errorf("the download link %q is not an export's", path)
		}
		br.tabTo(`table.exports a[download][href*="` + path + `?"]`)
	})
}

// exportPaths are the paths of the download links on the exports page,
// newest first (their signatures change at every reload).
func (br *browser) exportPaths() []string {
	br.t.Helper()
	links, err := chromedp.Run(br.ctx, chromedp.Evaluate[[]string](
		`document.readyState === "complete" ? Array.from(document.querySelectorAll("table.exports a[download]"), a => new URL(a.href).pathname) : []`))
	if err != nil {
		return nil // the page is reloading
	}
	return links
}

// idOf finds a submission by its title through the desk's API.
func (b *bundle) idOf(title string) string {
	b.t.Helper()
	code, res := b.get("/api/v1/submissions?status=all&q=" + url.QueryEscape(title))
	items, _ := res["items"].([]any)
	for _, it := range items {
		if m, _ := it.(map[string]any); m["title"] == title {
			return m["id"].(string)
		}
	}
	b.t.Fatalf("no submission titled %q: %d %v", title, code, res)
	return ""
}

// acceptLeaving answers every "leave this page?" question (confirm and
// beforeunload) as a user who means to leave does, and counts them. The
// receipt page asks, its code being shown only there.
func (br *browser) acceptLeaving() *atomic.Int32 {
	br.t.Helper()
	var asked atomic.Int32
	if err := chromedp.Listen(br.ctx, func(ev any) {
		if d, ok := ev.(*page.EventJavascriptDialogOpening); ok && (d.Type == page.DialogTypeConfirm || d.Type == page.DialogTypeBeforeunload) {
			asked.Add(1)
			go chromedp.Call(br.ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
		}
	}); err != nil {
		br.t.Fatal(err)
	}
	return &asked
}
