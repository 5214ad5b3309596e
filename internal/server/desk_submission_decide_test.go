package server

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/storydesk/storydesk/internal/desk"
	"github.com/storydesk/storydesk/internal/store"
	"github.com/storydesk/storydesk/web"
)

// TestDecisionButtonsFollowRules: the page's buttons are desk.Available's
// rules, styled by what the rule is; a rule added to desk.Rules gets its
// button with no change to the handler or the template.
func TestDecisionButtonsFollowRules(t *testing.T) {
	names := func(bs []decisionButton) []string {
		var out []string
		for _, b := range bs {
			out = append(out, b.Name+":"+b.Style)
		}
		return out
	}
	want := map[store.Status][]string{
		store.StatusReady:            {"approve:primary", "reject:danger", "request_changes:secondary"},
		store.StatusChangesRequested: {"approve:primary", "reject:danger"},
		store.StatusApproved:         nil,
	}
	for st, w := range want {
		if d := cmp.Diff(w, names(decisionButtons(st))); d != "" {
			t.Errorf("%s (-want +got):\n%s", st, d)
		}
	}
	if bs := decisionButtons(store.StatusReady); !bs[1].Confirm || bs[0].Confirm {
		t.Errorf("only the final decision asks for a confirmation: %+v", bs)
	}

	saved := desk.Rules
	t.Cleanup(func() { desk.Rules = saved })
	desk.Rules = append(append([]desk.Rule(nil), saved...), desk.Rule{Name: "hold", From: []store.Status{store.StatusReady}, To: store.StatusReady})
	if got := names(decisionButtons(store.StatusReady)); len(got) != 4 || got[3] != "hold:primary" {
		t.Errorf("a new rule has no button: %q", got)
	}
}

// TestDecisionLabels: every rule has its button's words in both languages,
// and a final one its confirmation.
func TestDecisionLabels(t *testing.T) {
	for _, lang := range []string{"en", "es"} {
		files, err := web.LocaleFiles(lang)
		if err != nil {
			t.Fatal(err)
		}
		msgs := map[string]json.RawMessage{} // a plural message is an object
		for _, f := range files {
			raw, err := os.ReadFile(filepath.Join("..", "..", "web", f))
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(raw, &msgs); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
		}
		for _, r := range desk.Rules {
			keys := []string{"desk.decide." + r.Name, "notice.desk_" + r.Name}
			if r.Final {
				keys = append(keys, "desk.decide."+r.Name+".confirm", "desk.decide."+r.Name+".yes")
			}
			for _, k := range keys {
				if m := msgs[k]; len(m) == 0 || string(m) == `""` {
					t.Errorf("%s: no message %s", lang, k)
				}
			}
		}
	}
}
