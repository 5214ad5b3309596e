package testenv

import (
	"bytes"
	"io"
	"os/exec"
	"testing"
	"time"
)

// JPEGTranRotate runs libjpeg-turbo's jpegtran -copy none -rotate 90 on
// photo, the anchor the photo benchmarks measure StoryDesk against (issue
// 16), and returns its wall time and its CPU time (user and system).
// Without jpegtran it fails rather than skips: scripts/test installs
// Debian's libjpeg-turbo-progs wherever a test names it.
func JPEGTranRotate(tb testing.TB, photo []byte) (wall, cpu time.Duration) {
	tb.Helper()
	tool, err := exec.LookPath("jpegtran")
	if err != nil {
		tb.Fatal("jpegtran is missing: install Debian's libjpeg-turbo-progs (scripts/test does)")
	}
	cmd := exec.Command(tool, "-copy", "none", "-rotate", "90")
	cmd.Stdin, cmd.Stdout = bytes.NewReader(photo), io.Discard
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		tb.Fatalf("jpegtran: %v: %s", err, stderr.String())
	}
	wall = time.Since(start)
	return wall, cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
}
