package config

import (
	"os"
	"strings"
	"testing"
)

// TestPlaceholderSecretRefused: the secret of .env.example, copied and
// left as it is, stops start-up with one line naming the variable.
func TestPlaceholderSecretRefused(t *testing.T) {
	example, err := os.ReadFile("../../.env.example")
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{}
	for _, line := range strings.Split(string(example), "\n") {
		line = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), "#"))
		if k, v, ok := strings.Cut(line, "="); ok && strings.HasPrefix(k, "STORYDESK_") && !strings.Contains(k, " ") {
			vars[k] = v
		}
	}
	for _, name := range []string{"STORYDESK_SECRET", "STORYDESK_METRICS_TOKEN", "STORYDESK_WEBHOOK_SECRET"} {
		t.Run(name, func(t *testing.T) {
			env := map[string]string{name: vars[name]}
			if name == "STORYDESK_WEBHOOK_SECRET" {
				env["STORYDESK_WEBHOOK_URL"] = "https://cms.example.org/hook"
			}
			if vars[name] == "" {
				t.Fatalf(".env.example has no %s", name)
			}
			_, err := Load(getenv(env))
			if err == nil || !strings.Contains(err.Error(), name) || !strings.Contains(err.Error(), "placeholder") {
				t.Errorf("%s=%s: %v; want it refused by name", name, vars[name], err)
			}
		})
	}
}

// TestURLPasswordsNameTheVariable: a password with a character URLs
// reserve fails naming the variable and saying how to encode it, without
// showing the password.
func TestURLPasswordsNameTheVariable(t *testing.T) {
	for name, urls := range map[string][2]string{ // as typed, and percent-encoded
		"STORYDESK_DATABASE_URL": {"postgres://storydesk:pa/ss@w0rd@db:5432/storydesk", "postgres://storydesk:pa%2Fss%40w0rd@db:5432/storydesk"},
		"STORYDESK_REDIS_URL":    {"redis://:pa/ss@w0rd@redis:6379/0", "redis://:pa%2Fss%40w0rd@redis:6379/0"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Load(getenv(map[string]string{name: urls[0]}))
			if err == nil || !strings.Contains(err.Error(), name) || !strings.Contains(err.Error(), "%40") || strings.Contains(err.Error(), "pa/ss") {
				t.Errorf("%v; want one line naming %s, saying how to percent-encode, without the password", err, name)
			}
			if _, err := Load(getenv(map[string]string{name: urls[1]})); err != nil {
				t.Errorf("percent-encoded: %v", err)
			}
		})
	}
}

func TestInsecureRemote(t *testing.T) {
	for base, want := range map[string]bool{
		"http://localhost:8080":      false,
		"http://127.0.0.1:8080":      false,
		"http://[::1]:8080":          false,
		"https://stories.example":    false,
		"http://192.168.1.20:8080":   true,
		"http://stories.example.org": true,
	} {
		c, err := Load(getenv(map[string]string{"STORYDESK_BASE_URL": base}))
		if err != nil {
			t.Fatal(err)
		}
		if got := c.InsecureRemote(); got != want {
			t.Errorf("%s: InsecureRemote %v, want %v", base, got, want)
		}
	}
}
