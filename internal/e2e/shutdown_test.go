package e2e_test

import (
	"context"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/storydesk/storydesk/internal/store"
	"github.com/storydesk/storydesk/internal/testenv"
)

// TestGracefulShutdownFinishesUploads starts an upload that is still sending
// its body when the server is told to stop: the server waits for it, answers
// 201 and the submission is stored.
func TestGracefulShutdownFinishesUploads(t *testing.T) {
	t.Parallel()
	b := setup(t, options{db: "sqlite"})
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	type result struct {
		code int
		err  error
	}
	done := make(chan result, 1)
	go func() {
		req, _ := http.NewRequest(http.MethodPost, b.url+"/api/v1/submissions", pr)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		// With Expect: 100-continue the client sends no byte of the body
		// until the server's handler starts reading it, so once the first
		// write below returns, the request is in flight: an event, not a
		// guess at how long that takes on a busy machine.
		req.Header.Set("Expect", "100-continue")
		client := &http.Client{Transport: &http.Transport{ExpectContinueTimeout: time.Hour}}
		resp, err := client.Do(req)
		if err != nil {
			done <- result{err: err}
			return
		}
		resp.Body.Close()
		done <- result{code: resp.StatusCode}
	}()
	for k, v := range validFields() {
		mw.WriteField(k, v)
	}
	part, _ := mw.CreateFormFile("attachments", "doc.pdf")
	pdf := testenv.MinimalPDF()
	part.Write(pdf[:9])

	stopped := make(chan struct{})
	go func() { b.stop(); close(stopped) }()
	// Shutdown has begun once the listener is closed.
	addr := strings.TrimPrefix(b.url, "http://")
	waitFor(t, 30*time.Second, "the server to stop listening", func() (bool, any) {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
		}
		return err != nil, "still accepting connections"
	})
	select {
	case <-stopped:
		t.Fatal("server stopped without waiting for the upload in flight")
	default:
	}
	part.Write(pdf[9:])
	mw.Close()
	pw.Close()
	r := <-done
	if r.err != nil || r.code != http.StatusCreated {
		t.Fatalf("upload during shutdown: %d %v", r.code, r.err)
	}
	<-stopped
	// The app's services are closed now; reopen the database to check.
	st, err := store.Open(context.Background(), b.env["STORYDESK_DATABASE_URL"])
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if total, err := submissionCount(context.Background(), st); err != nil || total != 1 {
		t.Errorf("%d submissions stored (%v), want 1", total, err)
	}
}
