package metric

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/prometheus/client_golang/prometheus"
)

// TestQueuesReadOncePerTTL: scrapes within the TTL cost one read of Redis;
// the next read comes only once the TTL has passed.
func TestQueuesReadOncePerTTL(t *testing.T) {
	var reads atomic.Int32
	now := time.Unix(1000, 0)
	q := newQueues(func() ([]*asynq.QueueInfo, error) {
		n := reads.Add(1)
		return []*asynq.QueueInfo{{Queue: "default", Pending: int(n), Latency: 3 * time.Second}}, nil
	}, 5*time.Second, time.Hour, func() time.Time { return now })
	reg := prometheus.NewRegistry()
	reg.MustRegister(q)
	want := func(pending float64) {
		t.Helper()
		mfs, err := reg.Gather()
		if err != nil {
			t.Fatal(err)
		}
		for _, mf := range mfs {
			for _, m := range mf.GetMetric() {
				if mf.GetName() == "storydesk_queue_tasks" && m.GetLabel()[1].GetValue() == "pending" {
					if got := m.GetGauge().GetValue(); got != pending {
						t.Errorf("pending = %v, want %v", got, pending)
					}
					return
				}
			}
		}
		t.Error("no pending series")
	}
	want(1)
	now = now.Add(4 * time.Second)
	want(1)
	if n := reads.Load(); n != 1 {
		t.Errorf("%d reads within the TTL, want 1", n)
	}
	now = now.Add(2 * time.Second)
	want(2)
}

// TestQueuesHungRedis: a read that does not come back in time leaves the
// last counts and read_ok 0; once it comes back, a later scrape has it.
func TestQueuesHungRedis(t *testing.T) {
	release := make(chan struct{})
	var reads atomic.Int32
	now := time.Unix(1000, 0)
	q := newQueues(func() ([]*asynq.QueueInfo, error) {
		if reads.Add(1) > 1 {
			<-release
		}
		return []*asynq.QueueInfo{{Queue: "default", Pending: 7}}, nil
	}, time.Second, time.Millisecond, func() time.Time { return now })
	if infos, ok := q.read(); !ok || infos[0].Pending != 7 {
		t.Fatalf("first read: %v %v", infos, ok)
	}
	now = now.Add(2 * time.Second)
	if infos, ok := q.read(); ok || len(infos) != 1 || infos[0].Pending != 7 {
		t.Errorf("hung read: %v ok=%v, want the last counts and not ok", infos, ok)
	}
	if infos, ok := q.read(); ok || len(infos) != 1 {
		t.Errorf("second scrape while hung: %v ok=%v", infos, ok)
	}
	if n := reads.Load(); n != 2 {
		t.Errorf("%d reads, want 2: a scrape must not start a read beside a hung one", n)
	}
	close(release)
	q.timeout = time.Hour
	if _, ok := q.read(); !ok {
		t.Error("the read that came back was not picked up")
	}
}
