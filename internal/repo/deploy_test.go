package repo_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestComposeHealth reads docker-compose.yml (docker compose config is not
// available where the tests run): every long-running service has a
// healthcheck, StoryDesk's run the binary's own (the image has no shell),
// and each service waits for the health of what it needs.
func TestComposeHealth(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(repoRoot, "docker-compose.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var compose struct {
		Services map[string]struct {
			Healthcheck struct {
				Test []string `yaml:"test"`
			} `yaml:"healthcheck"`
			DependsOn map[string]struct {
				Condition string `yaml:"condition"`
			} `yaml:"depends_on"`
		} `yaml:"services"`
	}
	if err := yaml.Unmarshal(raw, &compose); err != nil {
		t.Fatalf("docker-compose.yml: %v", err)
	}
	wantTest := map[string]string{
		"app":      "/usr/local/bin/storydesk healthcheck",
		"worker":   "/usr/local/bin/storydesk healthcheck --worker",
		"s3":       "wget",
		"postgres": "pg_isready",
		"redis":    "redis-cli",
	}
	for name, want := range wantTest {
		svc, ok := compose.Services[name]
		if !ok {
			t.Errorf("no service %s", name)
			continue
		}
		if got := strings.Join(svc.Healthcheck.Test, " "); !strings.Contains(got, want) {
			t.Errorf("%s: healthcheck %q, want it to run %q", name, got, want)
		}
	}
	for _, name := range []string{"app", "worker"} {
		for _, dep := range []string{"postgres", "redis", "s3"} {
			if c := compose.Services[name].DependsOn[dep].Condition; c != "service_healthy" {
				t.Errorf("%s waits for %s to be %q, want service_healthy", name, dep, c)
			}
		}
	}
}

// TestImageDataDir: the image's /data is created owned by nonroot, so a
// fresh named volume (which Docker fills from the image) is writable.
func TestImageDataDir(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(repoRoot, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`(?m)^COPY --from=\w+ --chown=(65532|nonroot):(65532|nonroot) \S+ /data$`).Match(raw) {
		t.Error("Dockerfile does not copy /data owned by nonroot (65532) into the image")
	}
	ignore, err := os.ReadFile(filepath.Join(repoRoot, ".dockerignore"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Fields(string(ignore))
	for _, want := range []string{".env", "data", ".git", "worktrees"} {
		if !slices.Contains(lines, want) {
			t.Errorf(".dockerignore lacks %s", want)
		}
	}
}
