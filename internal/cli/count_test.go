package cli

import (
	"bytes"
	"testing"
)

// TestExportCountsPieces: the export command's messages say "1 piece" and
// "2 pieces", never "1 pieces".
func TestExportCountsPieces(t *testing.T) {
	for _, c := range []struct {
		done, total int
		want        string
	}{
		{0, 0, "export: 0/0 pieces (100%)\n"},
		{1, 1, "export: 1/1 piece (100%)\n"},
		{1, 2, "export: 1/2 pieces (50%)\n"},
	} {
		var buf bytes.Buffer
		newProgress(&buf, "export", "piece", "pieces").update(c.done, c.total)
		if got := buf.String(); got != c.want {
			t.Errorf("progress %d/%d: %q, want %q", c.done, c.total, got, c.want)
		}
	}
	for n, want := range map[int]string{0: "0 pieces", 1: "1 piece", 2: "2 pieces", 10_000: "10000 pieces"} {
		if got := count(n, "piece", "pieces"); got != want {
			t.Errorf("count(%d) = %q, want %q", n, got, want)
		}
	}
}
