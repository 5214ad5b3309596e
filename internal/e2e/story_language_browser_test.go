package e2e_test

import (
	"net/http"
	"testing"

	"github.com/chromedp/chromedp"
)

// switchLayout is what the story page measures about its language switch.
type switchLayout struct {
	Viewport, ScrollWidth  float64
	Links                  []string // each link's hreflang
	Current                string   // the hreflang of the link marked aria-current
	MinHeight, Left, Right float64  // the smallest link's height; the switch's extent
	ArticleLang, PageLang  string
	Heading                string
}

// measureSwitch reads the language switch of the story on screen.
func measureSwitch(br *browser) switchLayout {
	br.t.Helper()
	return browserRun(br, "measure the switch", chromedp.Evaluate[switchLayout](`(() => {
		const nav = document.querySelector("nav.story-langs");
		const links = [...nav.querySelectorAll("a")];
		const r = nav.getBoundingClientRect();
		return {Viewport: window.innerWidth, ScrollWidth: document.documentElement.scrollWidth,
			Links: links.map(a => a.hreflang), Current: (nav.querySelector("a[aria-current=page]") || {}).hreflang || "",
			MinHeight: Math.min(...links.map(a => a.getBoundingClientRect().height)), Left: r.left, Right: r.right,
			ArticleLang: document.querySelector("article.story").lang, PageLang: document.documentElement.lang,
			Heading: document.querySelector("article.story h1").textContent};
	})()`))
}

// TestStoryLanguageSwitchOnPhone reads a bilingual story in headless
// Chromium on a 390-pixel phone: the switch fits the screen, its links are
// full tap targets, and following it shows the other language's text
// (with its lang) in the page language the visitor chose, and back.
func TestStoryLanguageSwitchOnPhone(t *testing.T) {
	t.Parallel()
	b := setup(t, options{db: "sqlite", workers: true})
	id, _ := translated(t, b, "Our street", "Nuestra calle")
	if code, res := b.deskCall(http.MethodPost, "/api/v1/submissions/"+id+"/translations/es/approve", b.token,
		map[string]string{"reason": "The author agreed by phone."}); code != http.StatusOK {
		t.Fatalf("approve translation: %d %v", code, res)
	}
	slug, _ := publish(t, b, id)
	br := startBrowser(t, b.url)
	br.do("phone", chromedp.EmulateViewport(390, 844))
	br.visit("/stories/" + slug + "?lang=en")
	for _, step := range []struct{ lang, heading, path, next string }{
		{"en", "Our street", "/stories/" + slug + "?lang=en", "es"},
		{"es", "Nuestra calle", "/stories/" + slug + "/es?lang=en", "en"},
		{"en", "Our street", "/stories/" + slug + "?lang=en", ""},
	} {
		m := measureSwitch(br)
		t.Logf("%s: %+v", step.lang, m)
		if p := br.path(); p != step.path {
			t.Errorf("at %s, want %s", p, step.path)
		}
		if m.ArticleLang != step.lang || m.Heading != step.heading || m.PageLang != "en" || m.Current != step.lang {
			t.Errorf("%s: article lang %q, heading %q, page lang %q, current link %q", step.path, m.ArticleLang, m.Heading, m.PageLang, m.Current)
		}
		if len(m.Links) != 2 || m.Links[0] != "en" || m.Links[1] != "es" {
			t.Errorf("%s: switch links %v, want [en es]", step.path, m.Links)
		}
		if m.ScrollWidth > m.Viewport || m.Left < 0 || m.Right > m.Viewport {
			t.Errorf("%s: the switch spans %.0f–%.0f px, the page %.0f px, in a %.0f px window", step.path, m.Left, m.Right, m.ScrollWidth, m.Viewport)
		}
		if m.MinHeight < 44 {
			t.Errorf("%s: a switch link is %.0f px high, under the 44 px tap target", step.path, m.MinHeight)
		}
		br.screenshot("story-language-" + step.lang)
		if step.next != "" {
			br.load("switch to "+step.next, http.StatusOK, chromedp.Click(chromedp.CSS(`nav.story-langs a[hreflang=`+step.next+`]`)))
		}
	}
}
