package e2e_test

import (
	"strings"
	"testing"
	"time"
)

// TestPlacementBrowser audits the op-ed desk's pages with axe-core in
// headless Chromium, in English and Spanish, on a phone and a laptop
// screen, leaving their screenshots (a11y-desk-*.png): the same pages the
// accessibility sweep opens, on their own app and browser so that a change
// to them is checked without the whole sweep.
func TestPlacementBrowser(t *testing.T) {
	t.Parallel()
	b := setup(t, options{db: "sqlite", workers: true})
	d := b.a11ySeed()
	br := startBrowserFor(t, b.url, 4*time.Minute)
	br.setLang("en")
	br.signIn(d.admin, "/desk")
	_, staff := a11yPages(b, d)
	n := 0
	for _, pg := range staff {
		if !strings.Contains(pg.name, "outlet") && !strings.Contains(pg.name, "placement") && !strings.Contains(pg.name, "follow-up") {
			continue
		}
		n++
		t.Run(pg.name, func(t *testing.T) {
			defer br.use(t)()
			br.audit(pg)
		})
	}
	if n != 5 {
		t.Errorf("%d placement pages audited, want 5", n)
	}
}
