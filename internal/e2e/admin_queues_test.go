package e2e_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/storydesk/storydesk/internal/task"
)

// TestAdminQueues: a network-wide admin sees every queue's counts and the
// failed tasks with their last error, never a payload, and can run a failed
// task again from the page or the API; editors and site-bound admins cannot.
func TestAdminQueues(t *testing.T) {
	t.Parallel()
	b := setup(t, options{db: "sqlite", workers: true})
	conn := asynq.RedisClientOpt{Addr: b.redis.Addr}
	cl := asynq.NewClient(conn)
	defer cl.Close()
	in := asynq.NewInspector(conn)
	defer in.Close()

	// A task no worker handles, with no retries: it fails for good at once.
	const id = "probe:queues"
	if _, err := cl.Enqueue(asynq.NewTask("storydesk:probe", []byte(`{"text":"PAYLOAD-NEVER-SHOWN"}`)),
		asynq.TaskID(id), asynq.MaxRetry(0), asynq.Queue(task.QueueDefault)); err != nil {
		t.Fatal(err)
	}
	failedOnce := func() (bool, any) {
		ti, err := in.GetTaskInfo(task.QueueDefault, id)
		if err != nil {
			return false, err
		}
		return ti.State == asynq.TaskStateArchived && ti.LastErr != "", ti.State.String() + " " + ti.LastErr
	}
	waitFor(t, time.Minute, "the probe task to fail", failedOnce)

	token, _ := b.adminToken()
	code, v := b.call(http.MethodGet, "/api/v1/admin/queues", token, "")
	if code != http.StatusOK {
		t.Fatalf("GET /api/v1/admin/queues: %d %v", code, v)
	}
	var listed map[string]any
	for _, f := range v["failed"].([]any) {
		if f := f.(map[string]any); f["id"] == id {
			listed = f
		}
	}
	if listed == nil || listed["state"] != "archived" || listed["last_error"] == "" || listed["type"] != "storydesk:probe" {
		t.Errorf("failed tasks %v: want %s archived with its error", v["failed"], id)
	}
	if qs := v["queues"].([]any); len(qs) == 0 || qs[0].(map[string]any)["archived"].(float64) < 1 {
		t.Errorf("queues %v: want the default queue with an archived task", qs)
	}

	b.acctUser("root@example.org", "admin", "")
	admin := b.deskSession("root@example.org")
	resp, html := b.deskPage("/admin/queues", admin, nil)
	if resp.StatusCode != http.StatusOK || !strings.Contains(html, id) || !strings.Contains(html, `action="/admin/queues/default/tasks/`+id+`/run"`) {
		t.Fatalf("queues page: %d, want the failed task and its run button:\n%s", resp.StatusCode, html)
	}
	apiJSON, _ := json.Marshal(v)
	for _, body := range []string{html, string(apiJSON)} {
		if strings.Contains(body, "PAYLOAD-NEVER-SHOWN") {
			t.Error("a task's payload is shown")
		}
	}

	// Run it again from the page: it leaves the failed list, runs, fails again.
	resp, html = b.deskFollow("/admin/queues/default/tasks/"+id+"/run", admin, url.Values{})
	if resp.StatusCode != http.StatusOK || !strings.Contains(html, "queued to run again") {
		t.Fatalf("run again: %d\n%s", resp.StatusCode, html)
	}
	if n := countAudit(t, b, id, "task_run"); n != 1 {
		t.Errorf("%d audit entries for running %s again, want 1", n, id)
	}
	waitFor(t, time.Minute, "the task to run again", func() (bool, any) {
		ti, err := in.GetTaskInfo(task.QueueDefault, id)
		if err != nil {
			return false, err
		}
		return ti.State == asynq.TaskStateArchived && ti.LastFailedAt.After(listedFailedAt(t, listed)), ti.State.String()
	})
	if code, _ := b.call(http.MethodPost, "/api/v1/admin/queues/default/tasks/"+id+"/run", token, ""); code != http.StatusAccepted {
		t.Errorf("API run: %d, want 202", code)
	}
	if code, _ := b.call(http.MethodPost, "/api/v1/admin/queues/default/tasks/no-such-task/run", token, ""); code != http.StatusNotFound {
		t.Errorf("run of an unknown task: %d, want 404", code)
	}

	// Others may not look.
	editor := b.editorToken("ed@example.org", "editor", "")
	siteAdmin := b.editorToken("austin-admin@example.org", "admin", "Austin")
	for who, tok := range map[string]string{"an editor": editor, "a site-bound admin": siteAdmin} {
		if code, _ := b.call(http.MethodGet, "/api/v1/admin/queues", tok, ""); code != http.StatusForbidden {
			t.Errorf("%s reads the queues: %d, want 403", who, code)
		}
	}
	if code, _ := b.call(http.MethodGet, "/api/v1/admin/queues", "", ""); code != http.StatusUnauthorized {
		t.Errorf("no session: %d, want 401", code)
	}
}

func listedFailedAt(t *testing.T, f map[string]any) time.Time {
	t.Helper()
	at, err := time.Parse(time.RFC3339Nano, f["last_failed_at"].(string))
	if err != nil {
		t.Fatal(err)
	}
	return at
}
