package cli

import (
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/storydesk/storydesk/internal/testenv"
)

// TestStartupFailures: serve, worker and all that cannot start say why in
// one line and exit 1, as migrate does.
func TestStartupFailures(t *testing.T) {
	s3 := testenv.S3Server(t)
	base := func(t *testing.T) map[string]string {
		dir := t.TempDir()
		vars := map[string]string{
			"STORYDESK_DATA_DIR":     dir,
			"STORYDESK_ADDR":         "127.0.0.1:0",
			"STORYDESK_DATABASE_URL": "sqlite://" + dir + "/storydesk.db",
			"STORYDESK_REDIS_URL":    "redis://127.0.0.1:1/0", // only dialled once in use
		}
		maps.Copy(vars, s3.Env())
		return vars
	}
	// A port nothing listens on: connections are refused at once.
	const deadAddr = "127.0.0.1:1"
	tests := []struct {
		name  string
		spoil func(t *testing.T, vars map[string]string)
		want  []string
	}{
		{"postgres unreachable", func(_ *testing.T, v map[string]string) {
			v["STORYDESK_DATABASE_URL"] = "postgres://storydesk:pw@" + deadAddr + "/storydesk?sslmode=disable&connect_timeout=2"
		}, []string{"STORYDESK_DATABASE_URL", "refused"}},
		{"s3 unreachable", func(_ *testing.T, v map[string]string) {
			v["STORYDESK_S3_ENDPOINT"] = deadAddr
		}, []string{"STORYDESK_S3_ENDPOINT", deadAddr}},
		{"data directory not writable", func(t *testing.T, v map[string]string) {
			// Under a regular file: not writable whoever runs the test (root too).
			file := filepath.Join(t.TempDir(), "file")
			if err := os.WriteFile(file, nil, 0o600); err != nil {
				t.Fatal(err)
			}
			v["STORYDESK_DATA_DIR"] = filepath.Join(file, "data")
		}, []string{"STORYDESK_DATA_DIR", "not a directory"}},
	}
	for _, tt := range tests {
		for _, cmd := range []string{"serve", "worker", "all"} {
			t.Run(tt.name+"/"+cmd, func(t *testing.T) {
				t.Parallel()
				vars := base(t)
				tt.spoil(t, vars)
				code, _, stderr := run(t, vars, "", cmd)
				lines := strings.Split(strings.TrimSpace(stderr), "\n")
				if code != 1 || len(lines) != 1 || !strings.HasPrefix(lines[0], "storydesk: ") {
					t.Fatalf("exit %d, stderr:\n%s\nwant exit 1 and one line", code, stderr)
				}
				for _, w := range tt.want {
					if !strings.Contains(stderr, w) {
						t.Errorf("stderr %q does not name %q", stderr, w)
					}
				}
			})
		}
	}
}
