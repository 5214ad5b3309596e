package repo_test

import (
	"encoding/json"
	"io"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// TestNoKnownVulnerableVersions fails when the build resolves a module below
// the release that fixed known vulnerabilities, or the go directive falls
// below 1.25, so an old version cannot creep back through a dependency.
func TestNoKnownVulnerableVersions(t *testing.T) {
	// Read-only and offline: the test must never change go.mod or fetch.
	// The modules of every package the binary and its tests build: what
	// runs, at the versions the build resolves (go list -m all would also
	// need go.mod files of modules nothing builds, absent from a fresh cache).
	cmd := exec.Command("go", "list", "-mod=readonly", "-deps", "-test", "-json=Module", "github.com/storydesk/storydesk/...")
	cmd.Env = append(cmd.Environ(), "GOFLAGS=-mod=readonly", "GOPROXY=off")
	out, err := cmd.Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("go list -deps: %v\n%s", err, stderr)
	}
	minimum := map[string]string{
		"golang.org/x/net":                   "v0.55.0",
		"github.com/microcosm-cc/bluemonday": "v1.0.27",
	}
	seen := map[string]bool{}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var pkg struct {
			Module *struct {
				Path, Version, GoVersion string
				Main                     bool
				Replace                  *struct{ Version string }
			}
		}
		if err := dec.Decode(&pkg); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		m := pkg.Module
		if m == nil {
			continue // the standard library
		}
		if m.Main {
			if compareVersions("v"+m.GoVersion, "v1.25") < 0 {
				t.Errorf("go directive %s is below 1.25", m.GoVersion)
			}
			seen["go"] = true
			continue
		}
		v := m.Version
		if m.Replace != nil && m.Replace.Version != "" {
			v = m.Replace.Version
		}
		if want, ok := minimum[m.Path]; ok {
			seen[m.Path] = true
			if compareVersions(v, want) < 0 {
				t.Errorf("%s resolves to %s, below %s (known vulnerabilities)", m.Path, v, want)
			}
		}
	}
	for _, p := range []string{"go", "golang.org/x/net", "github.com/microcosm-cc/bluemonday"} {
		if !seen[p] {
			t.Errorf("%s not found among the build's modules", p)
		}
	}
}

// compareVersions compares semantic versions "vX.Y.Z[-pre]" by their
// numbers; a pre-release sorts before its release.
func compareVersions(a, b string) int {
	na, pa := versionNumbers(a)
	nb, pb := versionNumbers(b)
	for i := range 3 {
		if na[i] != nb[i] {
			if na[i] < nb[i] {
				return -1
			}
			return 1
		}
	}
	switch {
	case pa && !pb:
		return -1
	case !pa && pb:
		return 1
	}
	return 0
}

func versionNumbers(v string) ([3]int, bool) {
	v = strings.TrimPrefix(v, "v")
	pre := false
	if i := strings.IndexAny(v, "-+"); i >= 0 {
		pre = v[i] == '-'
		v = v[:i]
	}
	var n [3]int
	for i, f := range strings.SplitN(v, ".", 3) {
		n[i], _ = strconv.Atoi(f)
	}
	return n, pre
}

func TestCompareVersions(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want int
	}{
		{"v0.54.9", "v0.55.0", -1}, {"v0.55.0", "v0.55.0", 0}, {"v0.62.0", "v0.55.0", 1},
		{"v1.0.26", "v1.0.27", -1}, {"v0.55.0-rc1", "v0.55.0", -1}, {"v1.26.8", "v1.25", 1}, {"v1.24", "v1.25", -1},
		{"v0.0.0-20240101000000-abcdef", "v0.55.0", -1},
	} {
		if got := compareVersions(tt.a, tt.b); got != tt.want {
			t.Errorf("compareVersions(%s, %s) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}
