package e2e_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

// alertRules is the part of docs/prometheus-alerts.yml the test reads.
type alertRules struct {
	Groups []struct {
		Name  string `yaml:"name"`
		Rules []struct {
			Alert string `yaml:"alert"`
			Expr  string `yaml:"expr"`
		} `yaml:"rules"`
	} `yaml:"groups"`
}

var metricName = regexp.MustCompile(`\bstorydesk_[a-zA-Z0-9_]+`)

// TestAlertRulesNameRealMetrics: every storydesk_* series that an alert of
// docs/prometheus-alerts.yml reads is in a real /metrics scrape of a
// running StoryDesk (web server and workers in one process, after a
// submission, a decision and an export), so renaming a metric breaks this
// test instead of silently muting the alert.
func TestAlertRulesNameRealMetrics(t *testing.T) {
	t.Parallel()
	path := filepath.Join("..", "..", "docs", "prometheus-alerts.yml")
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var rules alertRules
	if err := yaml.Unmarshal(raw, &rules); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	b := setup(t, options{db: "sqlite", workers: true, env: map[string]string{"STORYDESK_METRICS_TOKEN": metricsToken}})
	code, res := b.submit(fieldsWith())
	if code != 201 {
		t.Fatalf("submit: %d %v", code, res)
	}
	id := res["id"].(string)
	b.waitStatus(id, "ready", 10*time.Second)
	deskDecide(b, id, b.token, "approve", "")
	b.finishedExport(b.editorToken("staff@example.org", "staff", ""))
	waitFor(t, 10*time.Second, "a queue read with the test's tasks", func() (bool, any) {
		return strings.Contains(scrapeText(t, b.url), "storydesk_queue_tasks{"), "no queue series yet"
	})
	names := map[string]bool{}
	for k := range scrape(t, b.url) {
		names[strings.SplitN(k, "{", 2)[0]] = true
	}
	n := 0
	for _, g := range rules.Groups {
		for _, r := range g.Rules {
			if r.Alert == "" || strings.TrimSpace(r.Expr) == "" {
				t.Errorf("group %s: a rule without alert or expr: %+v", g.Name, r)
			}
			used := metricName.FindAllString(r.Expr, -1)
			if len(used) == 0 {
				t.Errorf("%s reads no storydesk_* series", r.Alert)
			}
			for _, m := range used {
				if !names[m] {
					t.Errorf("%s reads %s, which /metrics does not have", r.Alert, m)
				}
			}
			n++
		}
	}
	for _, want := range []string{"StoryDeskQueueStuck", "StoryDeskReviewsFailing", "StoryDeskDiskFull", "StoryDeskNotReady", "StoryDeskHTTP5xx"} {
		if !strings.Contains(string(raw), "alert: "+want+"\n") {
			t.Errorf("no alert %s", want)
		}
	}
	t.Logf("%d alerts checked", n)
}

// TestAlertRulesPromtool: Prometheus's own checker accepts the rules file.
// scripts/test installs it (Debian's prometheus package); without it the
// test fails rather than skips, so the rules are never left unchecked.
func TestAlertRulesPromtool(t *testing.T) {
	promtool, err := exec.LookPath("promtool")
	if err != nil {
		t.Fatal("promtool not found: install Debian's prometheus package (scripts/test does)")
	}
	out, err := exec.Command(promtool, "check", "rules", filepath.Join("..", "..", "docs", "prometheus-alerts.yml")).CombinedOutput()
	if err != nil {
		t.Fatalf("promtool check rules: %v\n%s", err, out)
	}
}
