package metric

import (
	"sync"
	"time"

	"github.com/hibiken/asynq"
	"github.com/prometheus/client_golang/prometheus"
)

// Queues reports the asynq queues' depth per state and the age of their
// oldest pending task, read from Redis when /metrics is scraped. A read is
// kept for ttl, so several Prometheis (or a scrape of every instance) cost
// one read, and waited for at most timeout: a hung Redis makes the scrape
// report storydesk_queue_read_ok 0 with the last counts, not hang it.
type Queues struct {
	fetch   func() ([]*asynq.QueueInfo, error)
	ttl     time.Duration
	timeout time.Duration
	now     func() time.Time

	mu      sync.Mutex
	at      time.Time // when last was read; zero before the first read
	last    []*asynq.QueueInfo
	ok      bool
	pending chan queueRead // the read under way, if any
}

type queueRead struct {
	infos []*asynq.QueueInfo
	err   error
}

// QueueReadTTL and QueueReadTimeout are the defaults of NewQueues.
const (
	QueueReadTTL     = 5 * time.Second
	QueueReadTimeout = 2 * time.Second
)

// NewQueues returns the collector for the queues inspector sees.
func NewQueues(inspector *asynq.Inspector) *Queues {
	return newQueues(func() ([]*asynq.QueueInfo, error) {
		names, err := inspector.Queues()
		if err != nil {
			return nil, err
		}
		infos := make([]*asynq.QueueInfo, 0, len(names))
		for _, name := range names {
			info, err := inspector.GetQueueInfo(name)
			if err != nil {
				return nil, err
			}
			infos = append(infos, info)
		}
		return infos, nil
	}, QueueReadTTL, QueueReadTimeout, time.Now)
}

func newQueues(fetch func() ([]*asynq.QueueInfo, error), ttl, timeout time.Duration, now func() time.Time) *Queues {
	return &Queues{fetch: fetch, ttl: ttl, timeout: timeout, now: now}
}

var (
	queueTasksDesc = prometheus.NewDesc("storydesk_queue_tasks",
		"Tasks in each queue by state (pending, active, scheduled, retry, archived), shared by every worker.", []string{"queue", "state"}, nil)
	queueOldestDesc = prometheus.NewDesc("storydesk_queue_oldest_pending_seconds",
		"Age of the oldest pending task of each queue; 0 when none is pending.", []string{"queue"}, nil)
	queueProcessedDesc = prometheus.NewDesc("storydesk_queue_processed_total",
		"Task runs of each queue since it was created, by every worker, by result (done, failed).", []string{"queue", "result"}, nil)
	queueReadDesc = prometheus.NewDesc("storydesk_queue_read_ok",
		"1 when the queues were read from Redis for this scrape (or a few seconds before), 0 when Redis did not answer in time.", nil, nil)
)

// Describe implements prometheus.Collector.
func (q *Queues) Describe(ch chan<- *prometheus.Desc) {
	ch <- queueTasksDesc
	ch <- queueOldestDesc
	ch <- queueProcessedDesc
	ch <- queueReadDesc
}

// Collect implements prometheus.Collector.
func (q *Queues) Collect(ch chan<- prometheus.Metric) {
	infos, ok := q.read()
	for _, in := range infos {
		for _, s := range []struct {
			state string
			n     int
		}{{"pending", in.Pending}, {"active", in.Active}, {"scheduled", in.Scheduled}, {"retry", in.Retry}, {"archived", in.Archived}} {
			ch <- prometheus.MustNewConstMetric(queueTasksDesc, prometheus.GaugeValue, float64(s.n), in.Queue, s.state)
		}
		ch <- prometheus.MustNewConstMetric(queueOldestDesc, prometheus.GaugeValue, in.Latency.Seconds(), in.Queue)
		ch <- prometheus.MustNewConstMetric(queueProcessedDesc, prometheus.CounterValue, float64(in.ProcessedTotal-in.FailedTotal), in.Queue, "done")
		ch <- prometheus.MustNewConstMetric(queueProcessedDesc, prometheus.CounterValue, float64(in.FailedTotal), in.Queue, "failed")
	}
	v := 0.0
	if ok {
		v = 1
	}
	ch <- prometheus.MustNewConstMetric(queueReadDesc, prometheus.GaugeValue, v)
}

// read returns the queues as last read, reading them again when the last
// read is older than ttl. A read that outlasts timeout goes on in the
// background and is picked up by a later scrape.
func (q *Queues) read() ([]*asynq.QueueInfo, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if !q.at.IsZero() && q.now().Sub(q.at) < q.ttl {
		return q.last, q.ok
	}
	if q.pending == nil {
		ch := make(chan queueRead, 1)
		q.pending = ch
		go func() {
			infos, err := q.fetch()
			ch <- queueRead{infos, err}
		}()
	}
	timer := time.NewTimer(q.timeout)
	defer timer.Stop()
	select {
	case r := <-q.pending:
		q.pending = nil
		q.at, q.ok = q.now(), r.err == nil
		if r.err == nil {
			q.last = r.infos
		}
	case <-timer.C:
		q.ok = false
	}
	return q.last, q.ok
}
