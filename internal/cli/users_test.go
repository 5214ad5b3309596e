package cli

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/storydesk/storydesk/internal/auth"
	"github.com/storydesk/storydesk/internal/testenv"
)

// TestTokenExpires: `token create --expires` gives the token an expiry
// (days as Nd, or a Go duration); without it the token has none; a bad
// value is a usage error naming the flag. Both dialects.
func TestTokenExpires(t *testing.T) {
	for _, db := range []string{"sqlite", "postgres"} {
		t.Run(db, func(t *testing.T) {
			dir := t.TempDir()
			vars := map[string]string{"STORYDESK_DATA_DIR": dir}
			if db == "postgres" {
				vars["STORYDESK_DATABASE_URL"] = testenv.PostgresURL(t)
			}
			if code, _, stderr := run(t, vars, "a long enough password\n", "user", "add", "--email", "ed@example.org", "--role", "editor"); code != 0 {
				t.Fatalf("user add: %d %s", code, stderr)
			}
			for _, bad := range []string{"soon", "0d", "-3d", "90", "100000d"} {
				if code, _, stderr := run(t, vars, "", "token", "create", "--email", "ed@example.org", "--expires", bad); code != 2 || !strings.Contains(stderr, "--expires") {
					t.Errorf("--expires %s: %d %q", bad, code, stderr)
				}
			}
			st, err := openStore(context.Background(), Env{Getenv: func(k string) string { return vars[k] }})
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			for _, tc := range []struct {
				flag []string
				want time.Duration // 0: no expiry
			}{{nil, 0}, {[]string{"--expires", "90d"}, 90 * 24 * time.Hour}, {[]string{"--expires", "36h"}, 36 * time.Hour}} {
				start := time.Now()
				code, out, stderr := run(t, vars, "", append([]string{"token", "create", "--email", "ed@example.org"}, tc.flag...)...)
				if code != 0 {
					t.Fatalf("token create %v: %d %s", tc.flag, code, stderr)
				}
				_, tok, err := st.UserByToken(context.Background(), auth.HashToken(strings.TrimSpace(out)))
				if err != nil {
					t.Fatal(err)
				}
				switch {
				case tc.want == 0 && !tok.ExpiresAt.IsZero():
					t.Errorf("no --expires: expires %v", tok.ExpiresAt)
				case tc.want != 0 && (tok.ExpiresAt.Before(start.Add(tc.want).Add(-time.Second)) || tok.ExpiresAt.After(time.Now().Add(tc.want))):
					t.Errorf("%v: expires %v, want about %v from now", tc.flag, tok.ExpiresAt, tc.want)
				}
			}
		})
	}
}
