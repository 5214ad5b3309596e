package server

import (
	"errors"
	"fmt"
	"net/http"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"github.com/hibiken/asynq"

	"github.com/storydesk/storydesk/internal/store"
	"github.com/storydesk/storydesk/web"
)

// queueAdmin shows admins the asynq queues every worker shares (counts per
// state, the failed tasks with their last error) and lets them run a failed
// task again. It never shows a task's payload: payloads hold ids only today,
// but the page must not become the place where submitter text leaks if that
// changes.
type queueAdmin struct {
	inspector *asynq.Inspector
	store     *store.Store
	render    *web.Renderer
	flash     *flasher
}

// queueState is one queue's counts.
type queueState struct {
	Name      string `json:"name"`
	Pending   int    `json:"pending"`
	Active    int    `json:"active"`
	Scheduled int    `json:"scheduled"`
	Retry     int    `json:"retry"`
	Archived  int    `json:"archived"` // failed for good: retries used up
	Completed int    `json:"completed"`
	// ProcessedToday and FailedToday count task runs since midnight UTC.
	ProcessedToday int     `json:"processed_today"`
	FailedToday    int     `json:"failed_today"`
	LatencySeconds float64 `json:"latency_seconds"` // age of the oldest pending task
	Paused         bool    `json:"paused"`
}

// failedTask is a task waiting for a retry or archived after its last one.
type failedTask struct {
	ID           string    `json:"id"`
	Type         string    `json:"type"`
	Queue        string    `json:"queue"`
	State        string    `json:"state"` // "retry" | "archived"
	Retried      int       `json:"retried"`
	MaxRetry     int       `json:"max_retry"`
	LastError    string    `json:"last_error"`
	LastFailedAt time.Time `json:"last_failed_at"`
	NextRunAt    time.Time `json:"next_run_at,omitzero"`
}

// queuesView is the page and the API answer.
type queuesView struct {
	Queues []queueState `json:"queues"`
	Failed []failedTask `json:"failed"`
	Error  string       `json:"-"` // Redis could not be asked
}

// failedShown bounds the failed tasks listed per queue and state.
const failedShown = 50

func (h *queueAdmin) view() (queuesView, error) {
	names, err := h.inspector.Queues()
	if err != nil {
		return queuesView{}, fmt.Errorf("queues: list: %w", err)
	}
	v := queuesView{Queues: []queueState{}, Failed: []failedTask{}}
	for _, name := range names {
		q, err := h.inspector.GetQueueInfo(name)
		if err != nil {
			return queuesView{}, fmt.Errorf("queues: %s: %w", name, err)
		}
		v.Queues = append(v.Queues, queueState{Name: name, Pending: q.Pending, Active: q.Active, Scheduled: q.Scheduled,
			Retry: q.Retry, Archived: q.Archived, Completed: q.Completed, ProcessedToday: q.Processed, FailedToday: q.Failed,
			LatencySeconds: q.Latency.Seconds(), Paused: q.Paused})
		for _, list := range []func(string, ...asynq.ListOption) ([]*asynq.TaskInfo, error){h.inspector.ListRetryTasks, h.inspector.ListArchivedTasks} {
			tasks, err := list(name, asynq.PageSize(failedShown))
			if err != nil {
				return queuesView{}, fmt.Errorf("queues: %s: %w", name, err)
			}
			for _, t := range tasks {
				v.Failed = append(v.Failed, failedTask{ID: t.ID, Type: t.Type, Queue: t.Queue, State: t.State.String(),
					Retried: t.Retried, MaxRetry: t.MaxRetry, LastError: shortError(t.LastErr),
					LastFailedAt: t.LastFailedAt, NextRunAt: t.NextProcessAt})
			}
		}
	}
	return v, nil
}

// shortError keeps an error readable in a table; errors name ids and
// services, and a cap keeps an unexpected long one from filling the page.
func shortError(s string) string {
	const max = 300
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut-- // never split a character
	}
	return s[:cut] + "…"
}

// networkAdmin refuses admins bound to a site: the queues hold every site's work.
func networkAdmin(c *gin.Context) error {
	if !store.Manages(currentUser(c), "") {
		return errorf(http.StatusForbidden, "the queues hold every site's work: only an admin bound to no site may see them")
	}
	return nil
}

func (h *queueAdmin) page(c *gin.Context) error {
	if err := networkAdmin(c); err != nil {
		return err
	}
	v, err := h.view()
	if err != nil {
		v = queuesView{Error: "queues_unreachable"} // Redis down: say so, keep the page
	}
	p := staffPage(c, h.render)
	p.Data = v
	return renderPage(c, h.render, http.StatusOK, "admin_queues", p)
}

func (h *queueAdmin) list(c *gin.Context) error {
	if err := networkAdmin(c); err != nil {
		return err
	}
	v, err := h.view()
	if err != nil {
		return errorf(http.StatusServiceUnavailable, "the queues cannot be read now: Redis does not answer")
	}
	c.JSON(http.StatusOK, v)
	return nil
}

// run moves a retry or archived task to pending, so a worker runs it now.
func (h *queueAdmin) run(c *gin.Context) error {
	if err := networkAdmin(c); err != nil {
		return err
	}
	queue, id := c.Param("queue"), c.Param("id")
	if err := h.inspector.RunTask(queue, id); err != nil {
		if errors.Is(err, asynq.ErrTaskNotFound) || errors.Is(err, asynq.ErrQueueNotFound) {
			return errorf(http.StatusNotFound, "no such task in that queue (it may have run already)")
		}
		return fmt.Errorf("queues: run %s: %w", id, err)
	}
	actor := currentUser(c)
	if err := h.store.Audit(c.Request.Context(), store.AuditEntry{ActorID: actor.ID, Actor: actor.Email, Action: "task_run", Target: id, Detail: "queue " + queue}); err != nil {
		return fmt.Errorf("queues: audit: %w", err)
	}
	return nil
}

func (h *queueAdmin) runPage(c *gin.Context) error {
	if err := h.run(c); err != nil {
		return err
	}
	return h.flash.redirect(c, "/admin/queues", flash{Notice: "task_run"})
}

func (h *queueAdmin) runAPI(c *gin.Context) error {
	if err := h.run(c); err != nil {
		return err
	}
	c.JSON(http.StatusAccepted, gin.H{"id": c.Param("id"), "state": "pending"})
	return nil
}
