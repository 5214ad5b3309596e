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
// target it names as proof of a promise exists, so a renamed or deleted test
// cannot leave a promise that nothing checks; and where it names the place
// ("`internal/store`: `TestA`, `TestB`"), the tests are in that package's
// directory, so the doc cannot send a reader to the wrong one.
func TestPrivacyDocTestsExist(t *testing.T) {
	doc := readDoc(t, filepath.Join(repoRoot, "docs", "privacy.md"))
	testName := regexp.MustCompile("`((?:Test|Fuzz)[A-Z][A-Za-z0-9_]*)`")
	if named := testName.FindAllString(doc, -1); len(named) < 20 {
		t.Fatalf("docs/privacy.md names %d tests; the pattern needs updating", len(named))
	}
	defined := testsByDir(t)
	everywhere := map[string]bool{}
	for _, names := range defined {
		for name := range names {
			everywhere[name] = true
		}
	}
	placed := 0
	for _, claim := range docClaims(doc, testName) {
		switch {
		case !everywhere[claim.test]:
			t.Errorf("docs/privacy.md names %s, but no test of that name exists", claim.test)
		case claim.dir != "" && !defined[claim.dir][claim.test]:
			t.Errorf("docs/privacy.md names %s in `%s`, but no test of that name is there", claim.test, claim.dir)
		}
		if claim.dir != "" {
			placed++
		}
	}
	if placed < 20 {
		t.Fatalf("only %d tests named with their package: the reader of \"`dir`: `TestX`\" needs updating", placed)
	}
}

// claim is one test the doc names, and the directory it names it in ("" when
// the text names none).
type claim struct{ test, dir string }

// docClaims reads the tests the doc names. A "`dir`:" names the place of the
// tests after it up to the next such place, the end of the table cell or the
// end of the line.
func docClaims(doc string, testName *regexp.Regexp) []claim {
	place := regexp.MustCompile("`([a-z][a-z0-9_./-]*)`:")
	var out []claim
	for _, line := range strings.Split(doc, "\n") {
		for _, cell := range strings.Split(line, "|") {
			marks := place.FindAllStringSubmatchIndex(cell, -1)
			first := len(cell)
			if len(marks) > 0 {
				first = marks[0][0]
			}
			for _, m := range testName.FindAllStringSubmatch(cell[:first], -1) {
				out = append(out, claim{test: m[1]})
			}
			for i, mk := range marks {
				end := len(cell)
				if i+1 < len(marks) {
					end = marks[i+1][0]
				}
				for _, m := range testName.FindAllStringSubmatch(cell[mk[1]:end], -1) {
					out = append(out, claim{test: m[1], dir: cell[mk[2]:mk[3]]})
				}
			}
		}
	}
	return out
}

// testsByDir maps each directory (relative to the repository, with forward
// slashes) to the Test and Fuzz functions its _test.go files declare.
func testsByDir(t *testing.T) map[string]map[string]bool {
	t.Helper()
	defined := map[string]map[string]bool{}
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
		rel, err := filepath.Rel(repoRoot, filepath.Dir(path))
		if err != nil {
			return err
		}
		dir := filepath.ToSlash(rel)
		if defined[dir] == nil {
			defined[dir] = map[string]bool{}
		}
		for _, m := range decl.FindAllStringSubmatch(string(src), -1) {
			defined[dir][m[1]] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return defined
}
