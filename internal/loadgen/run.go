package loadgen

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Config is one load run.
type Config struct {
	BaseURL     string // a running StoryDesk, e.g. http://127.0.0.1:8080
	Token       string // an editor's API token, for queue reads and submit→ready sampling
	Concurrency int
	Duration    time.Duration
	MaxRequests int // stop after this many operations (0 = only the duration)

	// Weights of the operation mix.
	SubmitWeight, QueueWeight int

	TextMin, TextMax   int // body size in bytes
	FilesMin, FilesMax int // attachments per submission
	Corpus             *Corpus

	// ReadySample follows every Nth submission until the review job has made
	// it ready (needs Token); 0 turns it off.
	ReadySample int

	Seed     uint64
	Progress io.Writer // a progress line every second; nil for none

	// CPU accounts the CPU of every process on this machine during the run
	// (Linux); ServerName is what StoryDesk's server processes are called
	// there ("storydesk"), to compute how far intake could rise without them.
	CPU        bool
	ServerName string
}

// Report is the outcome of a run.
type Report struct {
	Elapsed     time.Duration      `json:"elapsed_ns"`
	Concurrency int                `json:"concurrency"`
	Ops         map[string]Summary `json:"ops"`
	Baselines   map[string]Summary `json:"baselines,omitempty"`
	Ratios      map[string]float64 `json:"ratios,omitempty"`
	// CPU is what every process on this machine used during the run (-cpu),
	// and Server the name of StoryDesk's server processes among them.
	CPU    *PhaseCPU `json:"cpu,omitempty"`
	Server string    `json:"server,omitempty"`
	// Uploaded lists the corpus files the run sent (by index), so a
	// baseline can replay exactly the same bytes.
	Uploaded []int `json:"-"`
}

// Run drives the load until the duration or the request cap is reached, or
// ctx is cancelled. Cancelling stops new operations only: a request already
// sent may have been carried out by the server, so it runs to its answer and
// is counted (aborting it would leave a stored submission no 201 accounts for).
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if cfg.Concurrency < 1 || cfg.BaseURL == "" || cfg.Corpus == nil {
		return nil, fmt.Errorf("loadgen: concurrency, base URL and corpus are required")
	}
	if cfg.SubmitWeight+cfg.QueueWeight == 0 {
		cfg.SubmitWeight = 1
	}
	// The deadline stops new operations; ones in flight finish, so every
	// answer the server gave is counted (the books must balance).
	r := &runner{cfg: cfg, deadline: time.Now().Add(cfg.Duration), client: &http.Client{Timeout: 5 * time.Minute,
		Transport: &http.Transport{MaxIdleConnsPerHost: cfg.Concurrency * 2}},
		ops: map[string]*Stats{"submit": newStats(), "queue": newStats(), "submit_to_ready": newStats()}}
	meter, err := startCPU(cfg.CPU)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	stopProgress := r.progress(start)
	var wg sync.WaitGroup
	for i := 0; i < cfg.Concurrency; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			r.worker(ctx, rand.New(rand.NewPCG(cfg.Seed, uint64(i))))
		}(i)
	}
	wg.Wait()
	elapsed := time.Since(start)
	cpu, err := meter.stop()
	if err != nil {
		return nil, err
	}
	r.follow.Wait()
	stopProgress()
	rep := &Report{Elapsed: elapsed, Concurrency: cfg.Concurrency, Ops: map[string]Summary{}, Uploaded: r.uploaded,
		CPU: cpu, Server: cfg.ServerName}
	for name, s := range r.ops {
		if sum := s.summary(elapsed); sum.Count > 0 {
			rep.Ops[name] = sum
		}
	}
	return rep, nil
}

type runner struct {
	cfg      Config
	deadline time.Time
	client   *http.Client
	ops      map[string]*Stats
	n        atomic.Int64
	submits  atomic.Int64
	mu       sync.Mutex
	uploaded []int
	follow   sync.WaitGroup
}

func (r *runner) worker(ctx context.Context, rng *rand.Rand) {
	for ctx.Err() == nil && time.Now().Before(r.deadline) {
		if max := r.cfg.MaxRequests; max > 0 && r.n.Add(1) > int64(max) {
			return
		}
		if rng.IntN(r.cfg.SubmitWeight+r.cfg.QueueWeight) < r.cfg.SubmitWeight {
			r.submit(ctx, rng)
		} else {
			r.queue(ctx, rng)
		}
	}
}

func (r *runner) submit(ctx context.Context, rng *rand.Rand) {
	lang := []string{"en", "es"}[rng.IntN(2)]
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fields := map[string]string{
		"kind": []string{"story", "oped"}[rng.IntN(2)], "title": "Load test " + strconv.Itoa(rng.IntN(1e6)),
		"body":     r.cfg.Corpus.Text(rng, lang, r.cfg.TextMin+rng.IntN(r.cfg.TextMax-r.cfg.TextMin+1)),
		"language": lang, "consent_publish": "anonymous", "site": []string{"Austin", "El Paso", "National office"}[rng.IntN(3)],
	}
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	var picked []int
	total := 0
	for i, n := 0, r.cfg.FilesMin+rng.IntN(r.cfg.FilesMax-r.cfg.FilesMin+1); i < n; i++ {
		k := rng.IntN(len(r.cfg.Corpus.Files))
		f := r.cfg.Corpus.Files[k]
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="attachments"; filename=%q`, f.Name))
		h.Set("Content-Type", f.ContentType)
		w, _ := mw.CreatePart(h)
		w.Write(f.Data)
		picked = append(picked, k)
		total += len(f.Data)
	}
	mw.Close()
	req, _ := http.NewRequestWithContext(context.WithoutCancel(ctx), http.MethodPost, r.cfg.BaseURL+"/api/v1/submissions", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	start := time.Now()
	resp, err := r.client.Do(req)
	d := time.Since(start)
	if err != nil {
		r.ops["submit"].record(d, 0, 0, true)
		return
	}
	var out struct {
		ID string `json:"id"`
	}
	json.NewDecoder(resp.Body).Decode(&out)
	resp.Body.Close()
	ok := resp.StatusCode == http.StatusCreated
	r.ops["submit"].record(d, resp.StatusCode, int64(total), !ok)
	if !ok {
		return
	}
	r.mu.Lock()
	r.uploaded = append(r.uploaded, picked...)
	r.mu.Unlock()
	if n := r.cfg.ReadySample; n > 0 && r.cfg.Token != "" && r.submits.Add(1)%int64(n) == 0 {
		r.follow.Add(1)
		go func() {
			defer r.follow.Done()
			r.waitReady(out.ID, start)
		}()
	}
}

// waitReady polls the record until the review job has run; it outlives the
// run's deadline so late pieces are still measured.
func (r *runner) waitReady(id string, start time.Time) {
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		req, _ := http.NewRequest(http.MethodGet, r.cfg.BaseURL+"/api/v1/submissions/"+id, nil)
		req.Header.Set("Authorization", "Bearer "+r.cfg.Token)
		resp, err := r.client.Do(req)
		if err == nil {
			var rec struct {
				Status string `json:"status"`
			}
			json.NewDecoder(resp.Body).Decode(&rec)
			resp.Body.Close()
			if rec.Status != "" && rec.Status != "received" {
				r.ops["submit_to_ready"].record(time.Since(start), resp.StatusCode, 0, false)
				return
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	r.ops["submit_to_ready"].record(time.Since(start), 0, 0, true)
}

var queueWords = []string{"", "", "familia", "church", "school", "abogado", "hope"}

func (r *runner) queue(ctx context.Context, rng *rand.Rand) {
	url := fmt.Sprintf("%s/api/v1/submissions?status=ready&per_page=25&page=%d&q=%s", r.cfg.BaseURL, 1+rng.IntN(3), queueWords[rng.IntN(len(queueWords))])
	req, _ := http.NewRequestWithContext(context.WithoutCancel(ctx), http.MethodGet, url, nil)
	req.Header.Set("Authorization", "Bearer "+r.cfg.Token)
	start := time.Now()
	resp, err := r.client.Do(req)
	d := time.Since(start)
	if err != nil {
		r.ops["queue"].record(d, 0, 0, true)
		return
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	r.ops["queue"].record(d, resp.StatusCode, 0, resp.StatusCode != http.StatusOK)
}

// progress prints one line a second until stopped.
func (r *runner) progress(start time.Time) func() {
	if r.cfg.Progress == nil {
		return func() {}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				s, se := r.ops["submit"].count()
				q, qe := r.ops["queue"].count()
				el := time.Since(start).Seconds()
				fmt.Fprintf(r.cfg.Progress, "%4.0fs  submit %d (%.1f/s, %s)  queue %d (%.1f/s, %s)\n",
					el, s, float64(s)/el, count(se, "error", "errors"), q, float64(q)/el, count(qe, "error", "errors"))
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}
