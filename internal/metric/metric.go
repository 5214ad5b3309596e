// Package metric holds the Prometheus series StoryDesk reports beside the
// HTTP ones (internal/server): intake and decisions, tasks, exports, the
// queues, readiness, the data directory's free space, S3 and database
// errors. Every
// label is a fixed class named in code (an outcome, a decision, a task type,
// an operation), never anything a person sent, an id or a site: whoever
// reads the metrics must learn nothing about who wrote what.
package metric

import (
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Intake outcomes: the result label of storydesk_intake_total.
const (
	IntakeAccepted    = "accepted"
	IntakeTooLarge    = "too_large"   // a file or the whole request over its limit (413)
	IntakeType        = "type"        // a file of a type not taken (415)
	IntakeRateLimit   = "rate_limit"  // a submission or refusal limit (429)
	IntakeBadField    = "bad_field"   // a field missing or malformed (400, 422)
	IntakeUnavailable = "unavailable" // a service we need was down (503)
	IntakeError       = "error"       // any other failure of ours (500)
)

// IntakeResult is the intake outcome of an HTTP status.
func IntakeResult(status int) string {
	switch {
	case status < 300:
		return IntakeAccepted
	case status == http.StatusRequestEntityTooLarge:
		return IntakeTooLarge
	case status == http.StatusUnsupportedMediaType:
		return IntakeType
	case status == http.StatusTooManyRequests:
		return IntakeRateLimit
	case status == http.StatusServiceUnavailable:
		return IntakeUnavailable
	case status < 500:
		return IntakeBadField
	}
	return IntakeError
}

// Metrics are the series; one per process, registered on its registry. A
// nil *Metrics records nothing, for code built without them (unit tests).
type Metrics struct {
	intake      *prometheus.CounterVec
	decisions   *prometheus.CounterVec
	taskRuns    *prometheus.CounterVec
	taskRun     *prometheus.HistogramVec
	taskLatency *prometheus.HistogramVec
	exports     *prometheus.HistogramVec
	s3Errors    *prometheus.CounterVec
	dbErrors    *prometheus.CounterVec
}

// taskBuckets span a one-second review to an hour-long export or a task
// waiting out its retries.
var taskBuckets = []float64{.01, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600}

// New creates the series and registers them on reg.
func New(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		intake: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "storydesk_intake_total", Help: "Submissions received by the form and the API, by outcome (accepted, too_large, type, rate_limit, bad_field, unavailable, error).",
		}, []string{"result"}),
		decisions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "storydesk_decisions_total", Help: "Editors' decisions taken, by decision.",
		}, []string{"decision"}),
		taskRuns: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "storydesk_tasks_total", Help: "Task runs finished by this worker, by task type and result (done, failed).",
		}, []string{"type", "result"}),
		taskRun: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "storydesk_task_run_seconds", Help: "How long one run of a task took, by task type.", Buckets: taskBuckets,
		}, []string{"type"}),
		taskLatency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "storydesk_task_latency_seconds", Help: "From a task's enqueue to its successful end (waiting and retries included), by task type; periodic tasks are not counted.", Buckets: taskBuckets,
		}, []string{"type"}),
		exports: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "storydesk_export_seconds", Help: "How long writing an export archive took, by result (done, failed).",
			Buckets: []float64{.1, .5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600},
		}, []string{"result"}),
		s3Errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "storydesk_s3_errors_total", Help: "Failed calls to the S3 service, by operation (put, get, stat, delete, list, bucket).",
		}, []string{"op"}),
		dbErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "storydesk_db_errors_total", Help: "Failed database calls (not constraint conflicts, not cancelled requests), by operation (connect, query, exec, begin, commit, batch).",
		}, []string{"op"}),
	}
	reg.MustRegister(m.intake, m.decisions, m.taskRuns, m.taskRun, m.taskLatency, m.exports, m.s3Errors, m.dbErrors)
	// Every known class starts at 0, so a scrape lists each series before
	// its first event and rate() and increase() see that first event.
	for _, r := range []string{IntakeAccepted, IntakeTooLarge, IntakeType, IntakeRateLimit, IntakeBadField, IntakeUnavailable, IntakeError} {
		m.intake.WithLabelValues(r)
	}
	for _, r := range []string{"done", "failed"} {
		m.exports.WithLabelValues(r)
	}
	for _, op := range []string{"put", "get", "stat", "delete", "list", "bucket"} {
		m.s3Errors.WithLabelValues(op)
	}
	for _, op := range []string{"connect", "query", "exec", "begin", "commit", "batch"} {
		m.dbErrors.WithLabelValues(op)
	}
	return m
}

// Decisions starts the decisions' series at 0, one per rule name.
func (m *Metrics) Decisions(names ...string) {
	if m == nil {
		return
	}
	for _, n := range names {
		m.decisions.WithLabelValues(n)
	}
}

// TaskTypes starts the task series at 0, one per task type.
func (m *Metrics) TaskTypes(types ...string) {
	if m == nil {
		return
	}
	for _, t := range types {
		m.taskRuns.WithLabelValues(t, "done")
		m.taskRuns.WithLabelValues(t, "failed")
		m.taskRun.WithLabelValues(t)
		m.taskLatency.WithLabelValues(t)
	}
}

// Intake counts one submission with its outcome (see IntakeResult).
func (m *Metrics) Intake(result string) {
	if m == nil {
		return
	}
	m.intake.WithLabelValues(result).Inc()
}

// Decision counts one decision; name is a desk rule's name.
func (m *Metrics) Decision(name string) {
	if m == nil {
		return
	}
	m.decisions.WithLabelValues(name).Inc()
}

// TaskRun records one run of a task of type typ that took d.
func (m *Metrics) TaskRun(typ string, d time.Duration, failed bool) {
	if m == nil {
		return
	}
	result := "done"
	if failed {
		result = "failed"
	}
	m.taskRuns.WithLabelValues(typ, result).Inc()
	m.taskRun.WithLabelValues(typ).Observe(d.Seconds())
}

// TaskLatency records how long a task of type typ took from enqueue to done.
func (m *Metrics) TaskLatency(typ string, d time.Duration) {
	if m == nil {
		return
	}
	m.taskLatency.WithLabelValues(typ).Observe(d.Seconds())
}

// Export records an export that took d.
func (m *Metrics) Export(d time.Duration, failed bool) {
	if m == nil {
		return
	}
	result := "done"
	if failed {
		result = "failed"
	}
	m.exports.WithLabelValues(result).Observe(d.Seconds())
}

// S3Error counts a failed S3 call of operation class op.
func (m *Metrics) S3Error(op string) {
	if m == nil {
		return
	}
	m.s3Errors.WithLabelValues(op).Inc()
}

// DBError counts a failed database call of operation class op.
func (m *Metrics) DBError(op string) {
	if m == nil {
		return
	}
	m.dbErrors.WithLabelValues(op).Inc()
}
