package workers

import (
	"errors"
	"log/slog"
	"time"

	"github.com/hibiken/asynq"

	"github.com/storydesk/storydesk/internal/task"
)

// Scheduler enqueues the periodic jobs once per period, however many
// worker processes run one.
//
// asynq's own scheduler was not enough: "@every 1h" counts from each
// process's start, so two workers started minutes apart both enqueued every
// job each hour (asynq.Unique's lock is released once the first run
// succeeds), and a worker restarted more often than hourly never ran them.
// Here periods are aligned to the clock (the top of each hour), each run's
// TaskID names its period (task.PeriodicID), and a finished run is kept
// for a period, so a late or second scheduler's copy is refused.
type Scheduler struct {
	client *asynq.Client
	types  []string
	period time.Duration
	log    *slog.Logger
	stop   chan struct{}
	done   chan struct{}
}

// DefaultPeriod is how often the periodic jobs run.
const DefaultPeriod = time.Hour

// StartScheduler starts the scheduler of the periodic jobs; period 0 is
// DefaultPeriod (tests shorten it).
func (js *Jobs) StartScheduler(redis asynq.RedisConnOpt, period time.Duration, log *slog.Logger) *Scheduler {
	if period <= 0 {
		period = DefaultPeriod
	}
	s := &Scheduler{client: asynq.NewClient(redis), types: js.Periodic(), period: period, log: log,
		stop: make(chan struct{}), done: make(chan struct{})}
	go s.run()
	return s
}

// run enqueues every job at each period's start until Shutdown. It wakes
// at the boundary and names the period it wakes in: a wake delayed past
// the next boundary enqueues that period rather than one already past.
func (s *Scheduler) run() {
	defer close(s.done)
	for {
		next := time.Now().Truncate(s.period).Add(s.period)
		select {
		case <-s.stop:
			return
		case <-time.After(time.Until(next)):
		}
		s.enqueue(time.Now().Truncate(s.period))
	}
}

// enqueue puts the period's run of every job on the queue, unless another
// scheduler already has.
func (s *Scheduler) enqueue(start time.Time) {
	for _, typ := range s.types {
		_, err := s.client.Enqueue(asynq.NewTask(typ, nil), asynq.TaskID(task.PeriodicID(typ, start)),
			asynq.Queue(task.QueueDefault), asynq.Retention(s.period))
		if errors.Is(err, asynq.ErrTaskIDConflict) {
			continue // another worker's scheduler was first
		}
		if err != nil {
			s.log.Warn("periodic job not enqueued", "type", typ, "period", start, "err", err)
		}
	}
}

// Shutdown stops the scheduler and waits for it.
func (s *Scheduler) Shutdown() {
	close(s.stop)
	<-s.done
	s.client.Close()
}
