package e2e_test

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/storydesk/storydesk/internal/loadgen"
	"github.com/storydesk/storydesk/internal/testenv"
)

// TestSharedDataDir runs serve and worker as two processes on one data
// directory. Starting the worker while the server spools an upload leaves
// that upload alone (it used to empty DATA_DIR/tmp, and the upload failed
// with a 500); a server killed mid-upload leaves its spool files behind,
// and the next process to start removes them.
func TestSharedDataDir(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	b := setup(t, options{db: "sqlite"})
	tmp := filepath.Join(b.env["STORYDESK_DATA_DIR"], "tmp")

	serve := startProcess(t, bin, b.env, "serve")
	url := "http://" + serve.waitLine(t, "StoryDesk is listening on ")

	up := startSlowUpload(t, url)
	waitFor(t, 10*time.Second, "the upload to be spooled to disk", func() (bool, any) {
		files := spoolFiles(t, tmp)
		return len(files) > 0, files
	})
	worker := startProcess(t, bin, b.env, "worker")
	worker.waitLine(t, `"msg":"workers started"`)
	if code, body := up.finish(); code != http.StatusCreated {
		t.Fatalf("upload spooled while a worker started: %d %s", code, body)
	}

	// A server that dies mid-upload leaves its files; the next start removes them.
	up = startSlowUpload(t, url)
	waitFor(t, 10*time.Second, "the upload to be spooled to disk", func() (bool, any) {
		files := spoolFiles(t, tmp)
		return len(files) > 0, files
	})
	left := spoolFiles(t, tmp)
	serve.kill(t)
	up.abandon()
	next := startProcess(t, bin, b.env, "serve")
	next.waitLine(t, "StoryDesk is listening on ")
	for _, f := range left {
		if _, err := os.Stat(f); !os.IsNotExist(err) {
			t.Errorf("%s of the killed server is still there (%v)", f, err)
		}
	}
}

// spoolFiles lists the spooled uploads under dir, in any process's directory.
func spoolFiles(t *testing.T, dir string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if strings.HasPrefix(d.Name(), "upload-") {
			files = append(files, path)
		}
		return nil
	})
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return files
}

// process is a storydesk binary running as its own process.
type process struct {
	cmd    *exec.Cmd
	stderr *syncBuffer
	done   chan struct{}
}

// startProcess runs bin with args and the bundle's environment; the test's
// end stops it.
func startProcess(t *testing.T, bin string, env map[string]string, args ...string) *process {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "STORYDESK_LOG_FORMAT=json")
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	p := &process{cmd: cmd, stderr: &syncBuffer{}, done: make(chan struct{})}
	cmd.Stderr = p.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		<-p.done
	})
	return p
}

// waitLine waits for a line of the process's stderr holding marker and
// returns what follows marker up to the next space.
func (p *process) waitLine(t *testing.T, marker string) string {
	t.Helper()
	var rest string
	waitFor(t, 30*time.Second, fmt.Sprintf("%s to log %q", p.cmd.Args[1], marker), func() (bool, any) {
		select {
		case <-p.done:
			t.Fatalf("%s ended: %s", p.cmd.Args[1], p.stderr.String())
		default:
		}
		_, after, ok := strings.Cut(p.stderr.String(), marker)
		rest, _, _ = strings.Cut(after, " ")
		return ok, p.stderr.String()
	})
	return rest
}

// kill ends the process at once, as a crash or an OOM kill would.
func (p *process) kill(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-p.done
}

// slowUpload is a submission whose attachment is sent in two halves: the
// second only when the test says so.
type slowUpload struct {
	pw     *io.PipeWriter
	rest   []byte
	answer chan slowAnswer
}

type slowAnswer struct {
	code int
	body string
}

// startSlowUpload posts a 3 MiB PDF (over the size kept in memory, so it is
// spooled to disk) and sends all but its last MiB.
func startSlowUpload(t *testing.T, url string) *slowUpload {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range validFields() {
		mw.WriteField(k, v)
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="attachments"; filename="scan.pdf"`)
	h.Set("Content-Type", "application/pdf")
	part, err := mw.CreatePart(h)
	if err != nil {
		t.Fatal(err)
	}
	if err := loadgen.WriteNoisyPDF(part, rand.New(rand.NewPCG(1, 2)), 3<<20); err != nil {
		t.Fatal(err)
	}
	mw.Close()
	raw := body.Bytes()
	split := len(raw) - 1<<20
	pr, pw := io.Pipe()
	u := &slowUpload{pw: pw, rest: raw[split:], answer: make(chan slowAnswer, 1)}
	go func() {
		req, _ := http.NewRequest(http.MethodPost, url+"/api/v1/submissions", pr)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			u.answer <- slowAnswer{0, err.Error()}
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		u.answer <- slowAnswer{resp.StatusCode, string(b)}
	}()
	go pw.Write(raw[:split]) // returns once the server has read it, or never
	return u
}

// finish sends the rest of the upload and returns the answer.
func (u *slowUpload) finish() (int, string) {
	go func() { u.pw.Write(u.rest); u.pw.Close() }()
	a := <-u.answer
	return a.code, a.body
}

// abandon stops sending.
func (u *slowUpload) abandon() { u.pw.CloseWithError(io.ErrUnexpectedEOF) }

// TestStartTogether starts a server and a worker at the same moment on a
// fresh data directory: both start (one of them used to read the generated
// secret while the other was still writing it, and stop).
func TestStartTogether(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	s3 := testenv.S3Server(t)
	env := map[string]string{
		"STORYDESK_ADDR":         "127.0.0.1:0",
		"STORYDESK_DATA_DIR":     filepath.Join(t.TempDir(), "fresh"),
		"STORYDESK_DATABASE_URL": testenv.PostgresURL(t),
		"STORYDESK_REDIS_URL":    testenv.StartRedisServer(t).URL(),
	}
	maps.Copy(env, s3.Env())
	serve := startProcess(t, bin, env, "serve")
	worker := startProcess(t, bin, env, "worker")
	serve.waitLine(t, "StoryDesk is listening on ")
	worker.waitLine(t, `"msg":"workers started"`)
}
