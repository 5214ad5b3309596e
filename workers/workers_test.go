package workers

import (
	"go/ast"
	"go/parser"
	"go/token"
	"log/slog"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/hibiken/asynq"
)

// TestEveryJobHasAHandler: every task type package task names (a constant
// Type… in internal/task) is routed by the job table to a handler, so a
// job whose line in NewJobs is missing fails here, not in production.
func TestEveryJobHasAHandler(t *testing.T) {
	types := taskTypes(t)
	if len(types) < 10 {
		t.Fatalf("found %d task types in internal/task: the reader below is broken", len(types))
	}
	mux := NewJobs(Deps{Log: slog.New(slog.DiscardHandler)}).Mux()
	for name, typ := range types {
		if _, pattern := mux.Handler(asynq.NewTask(typ, nil)); pattern != typ {
			t.Errorf("task.%s (%q) has no handler in NewJobs", name, typ)
		}
	}
}

// taskTypes reads the constants named Type… of package task, by name.
func taskTypes(t *testing.T) map[string]string {
	t.Helper()
	files, err := filepath.Glob("../internal/task/*.go")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, s := range g.Specs {
				v := s.(*ast.ValueSpec)
				for i, n := range v.Names {
					if !strings.HasPrefix(n.Name, "Type") || i >= len(v.Values) {
						continue
					}
					lit, ok := v.Values[i].(*ast.BasicLit)
					if !ok || lit.Kind != token.STRING {
						t.Fatalf("%s: task.%s is not a string literal", name, n.Name)
					}
					out[n.Name], _ = strconv.Unquote(lit.Value)
				}
			}
		}
	}
	return out
}
