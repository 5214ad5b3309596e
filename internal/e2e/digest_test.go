package e2e_test

import (
	"context"
	"io"
	"mime/quotedprintable"
	"net"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/storydesk/storydesk/internal/task"
)

// smtpMail is one message an smtpSink received.
type smtpMail struct {
	from string
	to   []string
	data string
}

// smtpSink is a minimal SMTP server speaking the real protocol over TCP
// (no STARTTLS offered), recording every message.
type smtpSink struct {
	ln   net.Listener
	mu   sync.Mutex
	mail []smtpMail
}

func startSMTP(t *testing.T) *smtpSink {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &smtpSink{ln: ln}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(c)
		}
	}()
	return s
}

func (s *smtpSink) serve(c net.Conn) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(30 * time.Second))
	tp := textproto.NewConn(c)
	tp.PrintfLine("220 sink.test ESMTP")
	var cur smtpMail
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		verb := strings.ToUpper(strings.SplitN(line, " ", 2)[0])
		switch verb {
		case "EHLO", "HELO":
			tp.PrintfLine("250-sink.test\r\n250-8BITMIME\r\n250 SIZE 10485760")
		case "MAIL":
			cur = smtpMail{from: line}
			tp.PrintfLine("250 OK")
		case "RCPT":
			cur.to = append(cur.to, line)
			tp.PrintfLine("250 OK")
		case "DATA":
			tp.PrintfLine("354 go ahead")
			data, err := tp.ReadDotBytes()
			if err != nil {
				return
			}
			cur.data = string(data)
			s.mu.Lock()
			s.mail = append(s.mail, cur)
			s.mu.Unlock()
			tp.PrintfLine("250 queued")
		case "QUIT":
			tp.PrintfLine("221 bye")
			return
		case "RSET", "NOOP":
			tp.PrintfLine("250 OK")
		default:
			tp.PrintfLine("502 not implemented")
		}
	}
}

func (s *smtpSink) received() []smtpMail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]smtpMail(nil), s.mail...)
}

// TestDigest runs the periodic "digest" job through the queue against a real
// SMTP conversation: each active account hears how many pieces reached
// ready in its sites, and nothing else about them.
func TestDigest(t *testing.T) {
	t.Parallel()
	for _, db := range dbs() {
		t.Run(db, func(t *testing.T) {
			t.Parallel()
			sink := startSMTP(t)
			b := setup(t, options{db: db, workers: true, env: map[string]string{
				"STORYDESK_SMTP_ADDR": sink.ln.Addr().String(), "STORYDESK_SMTP_FROM": "desk@example.org"}})
			ctx := context.Background()
			b.acctUser("austin@example.org", "editor", "austin")
			b.acctUser("elpaso@example.org", "editor", "El Paso")
			off := b.acctUser("off@example.org", "editor", "")
			if err := b.app.Store.SetUserDisabled(ctx, off.ID, true); err != nil {
				t.Fatal(err)
			}
			for _, site := range []string{"Austin", "Austin", "Houston"} {
				f := validFields()
				f["site"], f["title"] = site, "Secret title about "+site
				code, res := b.submit(f)
				if code != 201 {
					t.Fatal(res)
				}
				b.waitStatus(res["id"].(string), "ready", 15*time.Second)
			}
			run := func() {
				if _, err := b.app.Queue.Enqueue(asynq.NewTask(task.TypeDigest, nil), asynq.Queue("default")); err != nil {
					t.Fatal(err)
				}
			}
			run()
			// editor@example.org (every site) hears of 3, austin of 2; El Paso
			// (nothing new) and the disabled account get nothing.
			want := map[string]string{"<editor@example.org>": "3 submissions reached", "<austin@example.org>": "2 submissions reached"}
			// The job sends every message before it completes: once the
			// queue is empty, a third message would have arrived.
			b.waitQueueEmpty(15 * time.Second)
			got := sink.received()
			if len(got) != 2 {
				t.Fatalf("%d messages, want 2", len(got))
			}
			for _, m := range got {
				if len(m.to) != 1 {
					t.Fatalf("recipients %v", m.to)
				}
				rcpt := m.to[0][strings.Index(m.to[0], "<"):]
				w, ok := want[rcpt]
				if !ok || !strings.Contains(m.data, w) || !strings.Contains(m.from, "desk@example.org") {
					t.Errorf("message to %s:\n%s", rcpt, m.data)
				}
				for _, secret := range []string{"Secret title", "Our family", "Maria", "Lopez", "A123", "Houston", "Austin", "2015"} {
					if strings.Contains(m.data, secret) {
						t.Errorf("digest to %s holds %q", rcpt, secret)
					}
				}
			}
			// The next run covers only what came since: one El Paso piece.
			f := validFields()
			f["site"] = "el paso"
			code, res := b.submit(f)
			if code != 201 {
				t.Fatal(res)
			}
			b.waitStatus(res["id"].(string), "ready", 15*time.Second)
			run()
			b.waitQueueEmpty(15 * time.Second)
			got = sink.received()
			if len(got) != 4 {
				t.Fatalf("%d messages in all, want 4", len(got))
			}
			for _, m := range got[2:] {
				if strings.Contains(m.to[0], "austin@") || !strings.Contains(m.data, "1 submission reached") || !strings.Contains(unQP(m.data), "1 envío llegó") {
					t.Errorf("second run: to %v:\n%s", m.to, m.data)
				}
			}
		})
	}
}

// unQP decodes a quoted-printable mail body (headers pass through as they are).
func unQP(s string) string {
	b, _ := io.ReadAll(quotedprintable.NewReader(strings.NewReader(s)))
	return string(b)
}
