package repo_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestPrivacyDocTestsExist keeps docs/privacy.md honest: every test or fuzz
// target it names as proof of a promise exists in the repository, so a
// renamed or deleted test cannot leave a promise that nothing checks.
func TestPrivacyDocTestsExist(t *testing.T) {
	doc := readDoc(t, filepath.Join(repoRoot, "docs", "privacy.md"))
	named := regexp.MustCompile("`((?:Test|Fuzz)[A-Z][A-Za-z0-9_]*)`").FindAllStringSubmatch(doc, -1)
	if len(named) < 20 {
		t.Fatalf("docs/privacy.md names %d tests; the pattern needs updating", len(named))
	}
	defined := map[string]bool{}
	decl := regexp.MustCompile(`(?m)^func ((?:Test|Fuzz)[A-Za-z0-9_]*)\(`)
	err := filepath.WalkDir(repoRoot, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range decl.FindAllStringSubmatch(string(src), -1) {
			defined[m[1]] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range named {
		if !defined[m[1]] {
			t.Errorf("docs/privacy.md names %s, but no test of that name exists", m[1])
		}
	}
}
