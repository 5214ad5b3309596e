package repo_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// The docs tests keep docs/ in step with the code: every route the router
// serves is in docs/api.md (and, under /api/v1, in docs/openapi.yaml), and
// every STORYDESK_* variable internal/config reads is in
// docs/configuration.md and .env.example. The router is read from the
// source of internal/server with go/ast: server.New returns a wrapped
// http.Handler and exposes no route list, and building it needs every
// service running (the reader is in docs_routes_test.go).

const repoRoot = "../.."

func TestDocsRoutes(t *testing.T) {
	routes := serverRoutes(t, filepath.Join(repoRoot, "internal", "server"))
	// A parser that silently finds nothing would make every check pass.
	for _, want := range []string{"POST /api/v1/submissions", "GET /api/v1/submissions/{id}", "PUT /api/v1/submissions/{id}",
		"POST /api/v1/submissions/{id}/publish", "GET /desk/s/{id}", "PATCH /api/v1/users/{id}", "GET /static/{filepath}",
		"GET /healthz", "GET /stories/{slug}"} {
		if !slices.ContainsFunc(routes, func(r docRoute) bool { return r.String() == want }) {
			t.Fatalf("docs_test found %d routes in internal/server but not %s: its route parser needs updating", len(routes), want)
		}
	}
	ops := openAPIOperations(t, filepath.Join(repoRoot, "docs", "openapi.yaml"))
	guide := readDoc(t, filepath.Join(repoRoot, "docs", "api.md"))

	var notInSpec, notInGuide, notServed []string
	served := map[string]bool{}
	for _, r := range routes {
		served[r.String()] = true
		if strings.HasPrefix(r.path, "/api/v1/") && !ops[r.String()] {
			notInSpec = append(notInSpec, r.String())
		}
		// Written in backticks exactly once per route, e.g. `GET /stories/{slug}`.
		if !strings.Contains(guide, "`"+r.String()+"`") {
			notInGuide = append(notInGuide, r.String())
		}
	}
	for op := range ops {
		if !served[op] {
			notServed = append(notServed, op)
		}
	}
	reportMissing(t, "docs/openapi.yaml lacks these /api/v1 routes that the router serves", notInSpec)
	reportMissing(t, "docs/api.md does not name these routes (as `METHOD /path`, params as {name})", notInGuide)
	reportMissing(t, "docs/openapi.yaml describes operations that the router does not serve", notServed)
}

func TestDocsConfig(t *testing.T) {
	read := namesIn(t, filepath.Join(repoRoot, "internal", "config"), false)
	if !read["STORYDESK_ADDR"] {
		t.Fatalf("found no STORYDESK_ADDR in internal/config: the variable scan needs updating (found %v)", read)
	}
	// Anything the module's code or tests read is a real variable; a
	// documented name that nothing reads is a stale one.
	known := namesIn(t, repoRoot, true)
	for _, doc := range []string{"docs/configuration.md", ".env.example"} {
		t.Run(doc, func(t *testing.T) {
			text := readDoc(t, filepath.Join(repoRoot, doc))
			documented := map[string]bool{}
			for _, at := range varName.FindAllStringIndex(text, -1) {
				// STORYDESK_SMTP_* stands for a family, not for one variable.
				if !strings.HasPrefix(text[at[1]:], "_*") {
					documented[text[at[0]:at[1]]] = true
				}
			}
			var missing, stale []string
			for n := range read {
				// Test hooks have their own table in configuration.md and
				// no place in a deployment's .env.
				if !documented[n] && (doc == "docs/configuration.md" || !testHook(n)) {
					missing = append(missing, n)
				}
			}
			for n := range documented {
				if !known[n] {
					stale = append(stale, n)
				}
			}
			reportMissing(t, doc+" lacks these variables that internal/config reads", missing)
			reportMissing(t, doc+" names variables that no Go code of StoryDesk reads", stale)
		})
	}
	// Compose passes containers only what it names: a variable left out of
	// docker-compose.yml cannot be set from .env at all.
	t.Run("docker-compose.yml", func(t *testing.T) {
		text := readDoc(t, filepath.Join(repoRoot, "docker-compose.yml"))
		notInContainers := map[string]bool{
			"STORYDESK_DATA_DIR": true, // set by the image (Dockerfile)
			"STORYDESK_S3_TLS":   true, // the S3 server is on the compose network
		}
		var missing []string
		for n := range read {
			if !notInContainers[n] && !testHook(n) && !regexp.MustCompile(`\b`+n+`:`).MatchString(text) {
				missing = append(missing, n)
			}
		}
		reportMissing(t, "docker-compose.yml does not pass these variables to the containers", missing)
	})
}

// testHook reports a variable that only the tests set (STORYDESK_TEST_*):
// configuration.md documents it, .env.example and the containers leave it out.
func testHook(name string) bool { return strings.HasPrefix(name, "STORYDESK_TEST_") }

var varName = regexp.MustCompile(`STORYDESK_[A-Z0-9]+(?:_[A-Z0-9]+)*`)

// namesIn returns the STORYDESK_* names in the non-test Go files of dir,
// or with everywhere in every Go file under dir, tests included.
func namesIn(t *testing.T, dir string, everywhere bool) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != dir && (!everywhere || strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || d.Name() == "data") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") || (!everywhere && strings.HasSuffix(p, "_test.go")) {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, n := range varName.FindAllString(string(b), -1) {
			out[n] = true
		}
		return nil
	})
	if err != nil {
		t.Fatalf("scan %s: %v", dir, err)
	}
	return out
}

func readDoc(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("read %s: %v", p, err)
	}
	return string(b)
}

func reportMissing(t *testing.T, what string, items []string) {
	t.Helper()
	if len(items) == 0 {
		return
	}
	slices.Sort(items)
	t.Errorf("%s (%d):\n\t%s", what, len(items), strings.Join(items, "\n\t"))
}

// openAPIOperations returns "METHOD /path" for every operation in the spec.
func openAPIOperations(t *testing.T, p string) map[string]bool {
	t.Helper()
	var spec struct {
		OpenAPI string                          `yaml:"openapi"`
		Paths   map[string]map[string]yaml.Node `yaml:"paths"`
	}
	if err := yaml.Unmarshal([]byte(readDoc(t, p)), &spec); err != nil {
		t.Fatalf("%s is not valid YAML: %v", p, err)
	}
	if !strings.HasPrefix(spec.OpenAPI, "3.") || len(spec.Paths) == 0 {
		t.Fatalf("%s: want an OpenAPI 3 document with paths, got openapi %q and %d paths", p, spec.OpenAPI, len(spec.Paths))
	}
	ops := map[string]bool{}
	for route, item := range spec.Paths {
		for key := range item {
			switch key {
			case "get", "put", "post", "delete", "options", "head", "patch", "trace":
				ops[strings.ToUpper(key)+" "+route] = true
			}
		}
	}
	return ops
}
