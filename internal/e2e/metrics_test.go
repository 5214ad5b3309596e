package e2e_test

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

const metricsToken = "metrics-token-0123456789abcdef"

// series is one /metrics scrape: each sample's value under its line's name
// and labels as printed, e.g. `storydesk_intake_total{result="accepted"}`.
type series map[string]float64

// scrapeText reads url's /metrics with the token.
func scrapeText(t testing.TB, base string) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, base+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer "+metricsToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		b.WriteString(sc.Text() + "\n")
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s/metrics: %d", base, resp.StatusCode)
	}
	return b.String()
}

func parseSeries(text string) series {
	s := series{}
	for line := range strings.Lines(text) {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err == nil {
			s[line[:i]] = v
		}
	}
	return s
}

func scrape(t testing.TB, base string) series { return parseSeries(scrapeText(t, base)) }

// freeAddr is a loopback address no one listens on now.
func freeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TestMetricsCountWhatHappened: after a submission stored, one refused for
// each reason class, a decision, a review and an export, /metrics (of the
// web server, and of the worker on STORYDESK_METRICS_ADDR) shows each moved
// by exactly that much, the queue depth read from Redis and the data
// directory's free space.
func TestMetricsCountWhatHappened(t *testing.T) {
	t.Parallel()
	workerAddr := freeAddr(t)
	b := setup(t, options{db: "sqlite", workers: true, env: map[string]string{
		"STORYDESK_METRICS_TOKEN": metricsToken, "STORYDESK_METRICS_ADDR": workerAddr,
		"STORYDESK_SUBMIT_RATE": "1", "STORYDESK_MAX_FILE_MB": "1",
	}})
	staff := b.editorToken("staff@example.org", "staff", "")
	before := scrape(t, b.url)

	// Refusals first: each gives its place in the hourly allowance of one back.
	refusals := []struct {
		fields map[string]string
		files  []file
		want   int
	}{
		{fieldsWith("title", ""), nil, http.StatusBadRequest},
		{fieldsWith(), []file{{"holiday.jpg", "image/jpeg", append([]byte("MZ\x90\x00"), make([]byte, 512)...)}}, http.StatusUnsupportedMediaType},
		{fieldsWith(), []file{{"big.pdf", "application/pdf", make([]byte, 3<<19)}}, http.StatusRequestEntityTooLarge},
	}
	for _, r := range refusals {
		if code, res := b.submit(r.fields, r.files...); code != r.want {
			t.Fatalf("refusal: %d %v, want %d", code, res, r.want)
		}
	}
	code, res := b.submit(fieldsWith())
	if code != http.StatusCreated {
		t.Fatalf("submit: %d %v", code, res)
	}
	id := res["id"].(string)
	if code, res := b.submit(fieldsWith()); code != http.StatusTooManyRequests {
		t.Fatalf("second submission: %d %v, want 429", code, res)
	}
	b.waitStatus(id, "ready", 10*time.Second)
	if code, res := deskDecide(b, id, b.token, "approve", ""); code != http.StatusOK {
		t.Fatalf("approve: %d %v", code, res)
	}
	b.finishedExport(staff)

	// The task series move after the handler returns, a moment after the
	// status it set: wait for them, then check every series exactly.
	var after series
	waitFor(t, 10*time.Second, "the export's task run in /metrics", func() (bool, any) {
		after = scrape(t, b.url)
		k := `storydesk_tasks_total{result="done",type="export"}`
		return after[k]-before[k] >= 1, after[k]
	})
	delta := func(k string) float64 { return after[k] - before[k] }
	for k, want := range map[string]float64{
		`storydesk_intake_total{result="accepted"}`:             1,
		`storydesk_intake_total{result="bad_field"}`:            1,
		`storydesk_intake_total{result="type"}`:                 1,
		`storydesk_intake_total{result="too_large"}`:            1,
		`storydesk_intake_total{result="rate_limit"}`:           1,
		`storydesk_decisions_total{decision="approve"}`:         1,
		`storydesk_tasks_total{result="done",type="review"}`:    1,
		`storydesk_task_run_seconds_count{type="review"}`:       1,
		`storydesk_task_latency_seconds_count{type="review"}`:   1,
		`storydesk_tasks_total{result="done",type="export"}`:    1,
		`storydesk_task_latency_seconds_count{type="export"}`:   1,
		`storydesk_export_seconds_count{result="done"}`:         1,
		`storydesk_export_seconds_count{result="failed"}`:       0,
		`storydesk_tasks_total{result="failed",type="review"}`:  0,
		`storydesk_decisions_total{decision="reject"}`:          0,
		`storydesk_s3_errors_total{op="put"}`:                   0,
		`storydesk_intake_total{result="error"}`:                0,
		`storydesk_intake_total{result="unavailable"}`:          0,
		`storydesk_task_latency_seconds_count{type="findings"}`: delta(`storydesk_tasks_total{result="done",type="findings"}`),
	} {
		if got := delta(k); got != want {
			t.Errorf("%s moved by %v, want %v", k, got, want)
		}
	}
	// The queues are read from Redis at most every few seconds: wait for a
	// read that saw this test's tasks.
	waitFor(t, 10*time.Second, "a queue read with the test's tasks", func() (bool, any) {
		after = scrape(t, b.url)
		k := `storydesk_queue_processed_total{queue="default",result="done"}`
		return after[k] >= 2, after[k] // the review and the export at least
	})
	if after[`storydesk_queue_read_ok`] != 1 {
		t.Errorf("queue_read_ok = %v, want 1", after[`storydesk_queue_read_ok`])
	}
	for _, state := range []string{"pending", "active", "scheduled", "retry", "archived"} {
		k := fmt.Sprintf(`storydesk_queue_tasks{queue="default",state=%q}`, state)
		if _, ok := after[k]; !ok {
			t.Errorf("no %s", k)
		}
	}
	if v, ok := after[`storydesk_queue_oldest_pending_seconds{queue="default"}`]; !ok || v < 0 {
		t.Errorf("oldest pending: %v %v", v, ok)
	}
	if after["storydesk_data_dir_free_bytes"] <= 0 {
		t.Errorf("data_dir_free_bytes = %v", after["storydesk_data_dir_free_bytes"])
	}

	// The worker's own listener: the same registry, the token asked for.
	worker := "http://" + workerAddr
	if code, _, _ := (&bundle{t: t, url: worker}).raw("GET", "/metrics", "", nil); code != http.StatusUnauthorized {
		t.Errorf("worker /metrics without the token: %d, want 401", code)
	}
	w := scrape(t, worker)
	if w[`storydesk_tasks_total{result="done",type="export"}`] != after[`storydesk_tasks_total{result="done",type="export"}`] {
		t.Errorf("worker /metrics: export runs %v, web %v", w[`storydesk_tasks_total{result="done",type="export"}`], after[`storydesk_tasks_total{result="done",type="export"}`])
	}
}

// TestMetricsHoldNoSubmitterData: after submissions, refusals, a decision
// and an export, no series name or label of /metrics holds a submitted
// title, body, name, contact, site, id, receipt code or the client's
// address.
func TestMetricsHoldNoSubmitterData(t *testing.T) {
	t.Parallel()
	b := setup(t, options{db: "sqlite", workers: true, env: map[string]string{"STORYDESK_METRICS_TOKEN": metricsToken}})
	secrets := []string{"Quokka-Title-7731", "Marmot-Body-5512", "Ocelot Name", "quokka7731@example.org", "+1 555 0100 7731", "Tegucigalpa-Site", "Pseudo-Kiwi"}
	fields := fieldsWith("title", "Quokka-Title-7731", "body", "We came in 2015. Marmot-Body-5512.", "author_name", "Ocelot Name",
		"contact_email", "quokka7731@example.org", "contact_phone", "+1 555 0100 7731", "site", "Tegucigalpa-Site", "pseudonym", "Pseudo-Kiwi")
	code, res := b.submit(fields)
	if code != http.StatusCreated {
		t.Fatalf("submit: %d %v", code, res)
	}
	id, receipt := res["id"].(string), res["receipt"].(string)
	bad := fieldsWith("title", "Quokka-Title-7731", "body", "Marmot-Body-5512", "kind", "nonsense")
	if code, _ := b.submit(bad); code != http.StatusBadRequest {
		t.Fatalf("refusal: %d", code)
	}
	b.waitStatus(id, "ready", 10*time.Second)
	if code, res := deskDecide(b, id, b.token, "request_changes", "Marmot-Body-5512 needs a date"); code != http.StatusOK {
		t.Fatalf("decide: %d %v", code, res)
	}
	b.finishedExport(b.editorToken("staff@example.org", "staff", ""))
	text := scrapeText(t, b.url)
	// The series this test guards are there and counted what it did.
	got := parseSeries(text)
	for k, want := range map[string]float64{
		`storydesk_intake_total{result="accepted"}`:             1,
		`storydesk_intake_total{result="bad_field"}`:            1,
		`storydesk_decisions_total{decision="request_changes"}`: 1,
	} {
		if got[k] != want {
			t.Errorf("%s = %v, want %v", k, got[k], want)
		}
	}
	for _, s := range append(secrets, id, receipt, "127.0.0.1", "example.org") {
		if strings.Contains(strings.ToLower(text), strings.ToLower(s)) {
			t.Errorf("/metrics holds %q", s)
		}
	}
}
