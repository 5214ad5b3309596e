package e2e_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
)

// The vendored axe-core (testdata/axe/README.md says where it comes from).
// The digest pins the file, so a changed copy fails instead of running.
const (
	axeVersion = "4.14.1"
	axeSHA256  = "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"
)

// axeTags are the rules run: WCAG 2.0 and 2.1, levels A and AA.
var axeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa"}

var axeSource = sync.OnceValues(func() (string, error) {
	b, err := os.ReadFile(filepath.Join("testdata", "axe", "axe.min.js"))
	if err != nil {
		return "", err
	}
	if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != axeSHA256 {
		return "", fmt.Errorf("testdata/axe/axe.min.js has sha256 %x, want %s (see testdata/axe/README.md)", sum, axeSHA256)
	}
	return string(b), nil
})

// axeViolation is one failed rule on a page, with the elements that fail it.
type axeViolation struct {
	ID     string    `json:"id"`
	Impact string    `json:"impact"`
	Help   string    `json:"help"`
	URL    string    `json:"helpUrl"`
	Nodes  []axeNode `json:"nodes"`
}

type axeNode struct {
	Target  string `json:"target"`
	Summary string `json:"summary"`
}

func (v axeViolation) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s): %s <%s>", v.ID, v.Impact, v.Help, v.URL)
	for _, n := range v.Nodes {
		fmt.Fprintf(&b, "\n\t\t%s: %s", n.Target, strings.ReplaceAll(n.Summary, "\n", " "))
	}
	return b.String()
}

// axeRun is the audit: the WCAG A and AA rules on the whole document, each
// failing element named by its CSS selector path.
var axeRun = `axe.run(document, {runOnly: {type: "tag", values: ` + jsStrings(axeTags) + `}, resultTypes: ["violations"]})
	.then(r => r.violations.map(v => ({id: v.id, impact: v.impact || "", help: v.help, helpUrl: v.helpUrl,
		nodes: v.nodes.map(n => ({target: n.target.map(t => [].concat(t).join(" >>> ")).join(", "), summary: n.failureSummary || ""}))})))`

func jsStrings(s []string) string { return `["` + strings.Join(s, `", "`) + `"]` }

// axe audits the page in the tab as it is now. axe-core goes in through
// the DevTools protocol (Runtime.evaluate), which the page's
// Content-Security-Policy does not govern, so the app's policy stays as
// strict as in production: no test-only origin or 'unsafe-inline'.
func (br *browser) axe() []axeViolation {
	br.t.Helper()
	if !browserRun(br, "axe loaded?", chromedp.Evaluate[bool](`typeof axe === "object"`)) {
		src, err := axeSource()
		if err != nil {
			br.t.Fatal(err)
		}
		br.do("load axe-core", chromedp.Evaluate[chromedp.Void](src))
		if v := browserRun(br, "axe version", chromedp.Evaluate[string](`axe.version`)); v != axeVersion {
			br.t.Fatalf("axe-core %s loaded, want %s", v, axeVersion)
		}
	}
	return browserRun(br, "run axe-core", chromedp.Evaluate[[]axeViolation](axeRun, chromedp.EvalAwaitPromise))
}

// use points the browser's failures at t (a subtest) until the returned
// function puts the previous test back.
func (br *browser) use(t *testing.T) func() {
	prev := br.t
	br.t = t
	return func() { br.t = prev }
}

// expectAxeCatches proves the audit can fail: an image without a text
// alternative and pale grey text, put into the page, must come back as
// violations.
func (br *browser) expectAxeCatches() {
	br.t.Helper()
	br.do("add an image without alt and pale text", chromedp.Evaluate[chromedp.Void](`(() => {
		const main = document.querySelector("main");
		main.appendChild(Object.assign(document.createElement("img"), {src: "/static/favicon.svg", id: "axe-canary-img"}));
		const p = Object.assign(document.createElement("p"), {id: "axe-canary-text", textContent: "Pale grey on white"});
		main.appendChild(p);
		p.style.color = "#bbbbbb"; // through the CSSOM, which the policy allows
	})()`))
	want := map[string]string{"image-alt": "#axe-canary-img", "color-contrast": "#axe-canary-text"}
	for _, v := range br.axe() {
		if sel, ok := want[v.ID]; ok && len(v.Nodes) == 1 && v.Nodes[0].Target == sel {
			delete(want, v.ID)
		}
	}
	for id, sel := range want {
		br.t.Errorf("axe-core did not report %s on %s: the audit cannot fail", id, sel)
	}
}
