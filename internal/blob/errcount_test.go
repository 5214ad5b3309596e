package blob_test

import (
	"context"
	"net"
	"strings"
	"sync"
	"testing"

	"github.com/storydesk/storydesk/internal/blob"
	"github.com/storydesk/storydesk/internal/testenv"
)

// errorLog collects what OnError is told.
type errorLog struct {
	mu  sync.Mutex
	ops map[string]int
}

func (l *errorLog) add(op string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.ops[op]++
}

func (l *errorLog) count(op string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.ops[op]
}

// TestOnError: a request the S3 service fails is reported by operation
// class (an unreachable server, wrong credentials); an answer that is not a
// failure (a missing key asked for) is not.
func TestOnError(t *testing.T) {
	s3 := testenv.S3Server(t)
	ctx := context.Background()
	bucket := "t-" + testenv.RandomHex(6)

	good := &errorLog{ops: map[string]int{}}
	st, err := blob.New(blob.Options{Endpoint: s3.Endpoint, AccessKey: s3.AccessKey, SecretKey: s3.SecretKey,
		Region: s3.Region, Bucket: bucket, OnError: good.add})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.EnsureBucket(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.PurgePrefix(context.Background(), "x/") })
	if err := st.Put(ctx, "x/a", strings.NewReader("hello"), 5, "text/plain"); err != nil {
		t.Fatal(err)
	}
	if ok, err := st.Exists(ctx, "x/missing"); ok || err != nil {
		t.Fatalf("exists: %v %v", ok, err)
	}
	if _, err := st.Open(ctx, "x/missing"); err == nil {
		t.Fatal("open of a missing key: no error")
	}
	if len(good.ops) != 0 {
		t.Errorf("errors reported on a working service: %v", good.ops)
	}

	wrong := &errorLog{ops: map[string]int{}}
	st, err = blob.New(blob.Options{Endpoint: s3.Endpoint, AccessKey: s3.AccessKey, SecretKey: "not-the-secret-key",
		Region: s3.Region, Bucket: bucket, OnError: wrong.add})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Put(ctx, "x/b", strings.NewReader("hello"), 5, "text/plain"); err == nil {
		t.Fatal("put with a wrong key: no error")
	}
	if _, err := st.Exists(ctx, "x/a"); err == nil {
		t.Fatal("stat with a wrong key: no error")
	}
	if wrong.count("put") < 1 || wrong.count("stat") < 1 {
		t.Errorf("wrong credentials reported as %v, want put and stat", wrong.ops)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()
	down := &errorLog{ops: map[string]int{}}
	st, err = blob.New(blob.Options{Endpoint: closed, AccessKey: "a", SecretKey: "b", Region: s3.Region, Bucket: bucket, OnError: down.add})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if err := st.Delete(ctx, "x/a"); err == nil {
		t.Fatal("delete on a server that is down: no error")
	}
	if down.count("delete") < 1 {
		t.Errorf("server down reported as %v, want delete", down.ops)
	}
}
