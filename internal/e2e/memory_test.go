package e2e_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/storydesk/storydesk/internal/loadgen"
	"github.com/storydesk/storydesk/internal/store"
	"github.com/storydesk/storydesk/internal/testenv"
)

// uploadClients and uploadBytes are the burst the memory promise is about:
// 20 phones each sending a 20 MiB file at the same moment.
const (
	uploadClients = 20
	uploadBytes   = 20 << 20
	rssBudget     = 64 << 20
	// decodeBudget admits one 20 MiB PDF's cleaning at a time.
	decodeBudget = 64 << 20
)

// TestUploadMemory sends 20 uploads of 20 MiB at once and checks that the
// process's peak resident memory grows by less than 64 MiB plus the
// decoding budget (twice, for the garbage collector's headroom): uploads are
// spooled to disk and streamed to S3, and only those being cleaned are read
// into memory, as far as the budget allows. The clients run in this process
// too and stream their bodies through pipes, so the figure is an upper
// bound on the server's own growth. Not parallel: another test's memory
// would count as ours.
func TestUploadMemory(t *testing.T) {
	b := setup(t, options{db: "sqlite", env: map[string]string{"STORYDESK_MAX_FILE_MB": "20",
		"STORYDESK_IMAGE_MEMORY_MB": strconv.Itoa(decodeBudget >> 20)}})
	// Warm up: the first submission opens connections, pools and templates.
	if code, res := b.submit(validFields(), file{"a.pdf", "application/pdf", testenv.MinimalPDF()}); code != 201 {
		t.Fatalf("warm-up: %d %v", code, res)
	}
	base := settledRSS(t)
	resetPeakRSS(t)

	var wg sync.WaitGroup
	ids := make([]string, uploadClients)
	errs := make([]error, uploadClients)
	for i := range uploadClients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ids[i], errs[i] = streamUpload(b.url, uint64(i))
		}()
	}
	wg.Wait()
	peak := readProcStatus(t, "VmHWM")
	for i, err := range errs {
		if err != nil {
			t.Fatalf("client %d: %v", i, err)
		}
	}
	growth := peak - base
	// Each PDF is read whole by pdfcpu to be rewritten (media.CleanPDF),
	// reserving about three times the file from the decoding budget.
	budget := int64(rssBudget + 2*decodeBudget)
	t.Logf("%d × %d MiB uploads: RSS %.1f MiB before, peak %.1f MiB, growth %.1f MiB (budget %d MiB)",
		uploadClients, uploadBytes>>20, mib(base), mib(peak), mib(growth), budget>>20)
	if growth >= budget {
		t.Errorf("peak RSS grew by %.1f MiB, budget %d MiB", mib(growth), budget>>20)
	}
	// Every upload arrived whole: its random content stream, rewritten
	// with a new catalog and cross-reference table.
	for _, id := range ids {
		s, err := b.app.Store.Submission(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if len(s.Attachments) != 1 || s.Attachments[0].Size < uploadBytes-4<<10 {
			t.Fatalf("submission %s: attachments %+v, want one of about %d bytes", id, s.Attachments, uploadBytes)
		}
		assertObjectSize(t, b, s.Attachments[0], s.Attachments[0].Size)
	}
}

func assertObjectSize(t *testing.T, b *bundle, a store.Attachment, want int64) {
	t.Helper()
	obj, err := b.app.Blob.Open(context.Background(), a.ObjectKey)
	if err != nil {
		t.Fatal(err)
	}
	defer obj.Close()
	h := sha256.New()
	n, err := io.Copy(h, obj)
	if err != nil || n != want {
		t.Fatalf("object %s: %d bytes (%v), want %d", a.ObjectKey, n, err, want)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != a.SHA256 {
		t.Fatalf("object %s: SHA-256 %s, recorded %s", a.ObjectKey, got, a.SHA256)
	}
}

// streamUpload posts one submission with a PDF of uploadBytes, generated
// while it is sent, and returns its id.
func streamUpload(url string, seed uint64) (string, error) {
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		pw.CloseWithError(writeUploadForm(mw, seed))
	}()
	req, err := http.NewRequest(http.MethodPost, url+"/api/v1/submissions", pr)
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusCreated {
		return "", fmt.Errorf("status %d: %s", resp.StatusCode, raw)
	}
	_, rest, _ := strings.Cut(string(raw), `"id":"`)
	id, _, _ := strings.Cut(rest, `"`)
	return id, nil
}

func writeUploadForm(mw *multipart.Writer, seed uint64) error {
	for k, v := range validFields() {
		if err := mw.WriteField(k, v); err != nil {
			return err
		}
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="attachments"; filename="scan.pdf"`)
	h.Set("Content-Type", "application/pdf")
	part, err := mw.CreatePart(h)
	if err != nil {
		return err
	}
	// Random bytes, so nothing on the way can compress or dedupe them, in
	// a real PDF, as every PDF is read and rewritten.
	if err := loadgen.WriteNoisyPDF(part, rand.New(rand.NewPCG(seed, 99)), uploadBytes); err != nil {
		return err
	}
	return mw.Close()
}

// settledRSS returns resident memory after returning freed heap to the OS.
func settledRSS(t *testing.T) int64 {
	runtime.GC()
	debug.FreeOSMemory()
	return readProcStatus(t, "VmRSS")
}

// resetPeakRSS sets the kernel's high-water mark (VmHWM) to the current RSS
// (Linux ≥ 4.0), so the peak read later belongs to this burst alone.
func resetPeakRSS(t *testing.T) {
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		t.Fatalf("reset peak RSS: %v", err)
	}
}

// readProcStatus reads a memory line of /proc/self/status in bytes.
func readProcStatus(t *testing.T, key string) int64 {
	t.Helper()
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for sc.Scan() {
		name, val, ok := strings.Cut(sc.Text(), ":")
		if !ok || name != key {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(val), " kB"), 10, 64)
		if err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		return kb << 10
	}
	t.Fatalf("%s not in /proc/self/status", key)
	return 0
}

func mib(n int64) float64 { return float64(n) / (1 << 20) }
