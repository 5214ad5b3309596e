package loadgen

import (
	"context"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// TestCancelLetsRequestsFinish: cancelling a run while a submission is in
// flight still counts the server's answer, so a load test that stops a server
// can balance answers against rows.
func TestCancelLetsRequestsFinish(t *testing.T) {
	arrived := make(chan struct{}, 1)
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		arrived <- struct{}{}
		<-release // answer only after the run has been cancelled
		w.WriteHeader(http.StatusCreated)
		io.WriteString(w, `{"id":"x"}`)
	}))
	defer srv.Close()
	corpus, err := NewCorpus(rand.New(rand.NewPCG(1, 2)), 1, 1<<10, 2<<10, KindPhoto)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-arrived
		cancel()
		close(release)
	}()
	rep, err := Run(ctx, Config{BaseURL: srv.URL, Concurrency: 1, Duration: time.Hour, SubmitWeight: 1,
		TextMin: 100, TextMax: 200, Corpus: corpus, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	sub := rep.Ops["submit"]
	if sub.Status["201"] != 1 || sub.Errors != 0 {
		t.Errorf("answers %v, %d errors; want the one 201 the server gave", sub.Status, sub.Errors)
	}
}
