package loadgen

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// TestPrintCountsClients: "1 client", never "1 clients".
func TestPrintCountsClients(t *testing.T) {
	for n, want := range map[int]string{1: "1 client for 2.0s", 8: "8 clients for 2.0s"} {
		var out bytes.Buffer
		(&Report{Concurrency: n, Elapsed: 2 * time.Second}).Print(&out)
		if first, _, _ := strings.Cut(out.String(), "\n"); first != want {
			t.Errorf("%d clients: %q, want %q", n, first, want)
		}
	}
}
