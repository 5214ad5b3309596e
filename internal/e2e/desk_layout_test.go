package e2e_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/storydesk/storydesk/internal/store"
)

// box is an element's place on the page, in CSS pixels.
type box struct{ Left, Right, Top, Bottom float64 }

// box measures the first element matching css.
func (br *browser) box(css string) box {
	br.t.Helper()
	return browserRun(br, "box of "+css, chromedp.Evaluate[box](`(() => {
		const r = document.querySelector(`+"`"+css+"`"+`).getBoundingClientRect();
		return {Left: r.left, Right: r.right, Top: r.top + scrollY, Bottom: r.bottom + scrollY};
	})()`))
}

// login signs email in through the login form.
func (br *browser) login(email string) {
	br.t.Helper()
	br.visit("/login")
	br.do("fill the login form",
		chromedp.SendKeys(chromedp.ID("email"), email),
		chromedp.SendKeys(chromedp.ID("password"), "a long enough password"))
	br.load("sign in", http.StatusOK, chromedp.Click(chromedp.CSS(`main form button[type=submit]`)))
}

// shot saves a picture of the element matching css (the whole page when css
// is "") as name.png in the artifact directory.
func (br *browser) shot(name, css string) {
	br.t.Helper()
	if css == "" {
		br.screenshot(name)
		return
	}
	buf := browserRun(br, "screenshot "+name, chromedp.Screenshot(chromedp.CSS(css)))
	path := filepath.Join(br.dir, name+".png")
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		br.t.Fatal(err)
	}
	br.t.Logf("screenshot %s (%d bytes)", path, len(buf))
}

// TestDeskSubmissionLayout: on a wide screen the text and the actions sit
// side by side; on a phone the page is one column, text first, no wider than
// the screen. The decision buttons differ by more than colour; a rejection
// asks for confirmation, with and without JavaScript; after a decision the
// page offers the next piece of the queue.
func TestDeskSubmissionLayout(t *testing.T) {
	t.Parallel()
	b := setup(t, options{db: "sqlite", workers: true})
	const editor = "layout-editor@example.org"
	b.editorToken(editor, "editor", "")
	older, _ := b.deskReady(map[string]string{"title": "The older piece"})
	id, _ := b.deskReady(map[string]string{"title": "The newer piece"})
	br := startBrowser(t, b.url)
	br.login(editor)

	// Wide: the decision form beside the reading view.
	br.visit("/desk/s/" + id)
	br.shot("item4-desk-1280", "")
	br.shot("item5-decision", `form[action$="/decision"]`)
	text, decision := br.box("article.desk-body"), br.box(`form[action$="/decision"]`)
	if decision.Left < text.Right || decision.Top >= text.Bottom {
		t.Errorf("at 1280 px the decision form %+v is not beside the reading view %+v", decision, text)
	}

	// The three decisions look different, and not by colour alone.
	styles := browserRun(br, "decision buttons", chromedp.Evaluate[[]string](`
		Array.from(document.querySelectorAll("button[name=decision]"), b => {
			const s = getComputedStyle(b), before = getComputedStyle(b, "::before").content;
			return b.value + "|" + s.backgroundColor + "|" + s.borderStyle + s.borderColor + "|" + before;
		})`))
	if len(styles) != 3 {
		t.Fatalf("%d decision buttons, want 3: %q", len(styles), styles)
	}
	seen := map[string]string{}
	for _, s := range styles {
		parts := strings.SplitN(s, "|", 4)
		if prev, dup := seen[parts[1]+parts[2]]; dup {
			t.Errorf("decision buttons %s and %s look the same (%s)", prev, parts[0], s)
		}
		seen[parts[1]+parts[2]] = parts[0]
		if parts[3] == "none" || parts[3] == "normal" || parts[3] == `""` {
			t.Errorf("decision button %s has no icon: %s", parts[0], s)
		}
	}

	// Reject asks first. Declining the dialog leaves the piece as it was.
	br.do("decline the dialog", chromedp.Evaluate[chromedp.Void](`window.confirm = () => false`))
	br.do("click reject", chromedp.Click(chromedp.CSS(`button[name=decision][value=reject]`)))
	if s, _ := b.app.Store.Submission(context.Background(), id); s.Status != store.StatusReady {
		t.Errorf("a declined confirmation rejected the piece: status %s", s.Status)
	}
	br.do("accept the dialog", chromedp.Evaluate[chromedp.Void](`window.confirm = () => true`))
	br.load("reject, confirmed", http.StatusOK, chromedp.Click(chromedp.CSS(`button[name=decision][value=reject]`)))
	if p := br.path(); p != "/desk/s/"+id {
		t.Errorf("after the decision the browser is on %s, want /desk/s/%s", p, id)
	}
	if s, _ := b.app.Store.Submission(context.Background(), id); s.Status != store.StatusRejected {
		t.Errorf("a confirmed rejection left status %s", s.Status)
	}
	next := browserRun(br, "next piece", chromedp.Evaluate[string](
		`(document.querySelector("a.next-piece") || {getAttribute: () => ""}).getAttribute("href")`))
	if next != "/desk/s/"+older {
		t.Errorf("after the decision the next piece links to %q, want /desk/s/%s", next, older)
	}
	br.shot("item5-after-decision", "main")

	// Without the dialog the page itself asks: the confirmation step.
	br.visit("/desk/s/" + older + "?confirm=reject")
	if n := browserRun(br, "confirm step", chromedp.Evaluate[int](`document.querySelectorAll("#decision .confirm input[name=confirm][value=yes]").length`)); n != 1 {
		t.Errorf("the confirmation step has %d confirm fields, want 1", n)
	}
	br.shot("item5-confirm", "#decision")

	// ? lists the shortcuts, in the page's language; d goes to the decision.
	for _, lang := range []struct{ code, title string }{{"es", "Atajos de teclado"}, {"en", "Keyboard shortcuts"}} {
		br.visit("/desk/s/" + older + "?lang=" + lang.code)
		br.do("press ?", chromedp.KeyEvent("?"), chromedp.WaitVisible(chromedp.ID("shortcuts")))
		if h := br.text("#shortcuts h2"); h != lang.title {
			t.Errorf("help in %s titled %q, want %q", lang.code, h, lang.title)
		}
		if id := browserRun(br, "focus", chromedp.Evaluate[string](`document.activeElement.id`)); id != "shortcuts-close" {
			t.Errorf("the open help does not take the focus (on #%s)", id)
		}
		br.do("close with Escape", chromedp.KeyEvent("\x1b"), chromedp.WaitNotVisible(chromedp.ID("shortcuts")))
	}
	br.do("press d", chromedp.KeyEvent("d"))
	if id := browserRun(br, "focus", chromedp.Evaluate[string](`document.activeElement.id`)); id != "desk_decision_message" {
		t.Errorf("after d the focus is on #%s, want the decision's message", id)
	}

	// Phone: one column, the text before the decision, nothing wider than the screen.
	br.do("phone viewport", chromedp.EmulateViewport(390, 844))
	br.visit("/desk/s/" + older)
	wide := browserRun(br, "overflow", chromedp.Evaluate[float64](`document.documentElement.scrollWidth - innerWidth`))
	if wide > 0 {
		t.Errorf("at 390 px the page is %v px wider than the screen", wide)
	}
	text, decision = br.box("article.desk-body"), br.box(`form[action$="/decision"]`)
	if decision.Top < text.Bottom {
		t.Errorf("at 390 px the decision form %+v is not under the reading view %+v", decision, text)
	}
	br.shot("item4-desk-390", "")
	for _, p := range br.consoleProblems() {
		t.Errorf("browser console: %s", p)
	}
}
