package app_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// docRoute is one method and path the router serves, with gin's :param and
// *param written {param} as the docs write them.
type docRoute struct{ method, path string }

func (r docRoute) String() string { return r.method + " " + r.path }

// serverRoutes reads every route registration of the package in dir from
// its source. A router variable is known by its path prefixes: a
// *gin.Engine parameter has "", a variable assigned X.Group("p") has X's
// prefixes joined with p, and a *gin.RouterGroup parameter has the prefixes
// its callers pass in. A registration the reader cannot resolve fails the
// test instead of being skipped.
func serverRoutes(t *testing.T, dir string) []docRoute {
	t.Helper()
	r := &routeReader{fset: token.NewFileSet(), params: map[string]map[int][]string{}}
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if !strings.HasSuffix(f, "_test.go") {
			if err := r.parse(f); err != nil {
				t.Fatalf("parse %s: %v", f, err)
			}
		}
	}
	// Prefixes flow from callers to callees one call level per pass; the
	// routes and problems of the last pass, when nothing new flowed, count.
	for pass := 0; pass < 10; pass++ {
		r.routes, r.problems, r.changed = nil, nil, false
		for _, f := range r.funcs {
			r.read(f)
		}
		if !r.changed {
			break
		}
	}
	if len(r.problems) > 0 {
		t.Fatalf("docs_test cannot read every route in internal/server:\n\t%s", strings.Join(r.problems, "\n\t"))
	}
	slices.SortFunc(r.routes, func(a, b docRoute) int { return strings.Compare(a.String(), b.String()) })
	return slices.Compact(r.routes)
}

// routeReader holds what serverRoutes learns across its passes.
type routeReader struct {
	fset     *token.FileSet
	funcs    []sourceFunc
	params   map[string]map[int][]string // function → parameter index → prefixes its callers pass
	routes   []docRoute
	problems []string
	changed  bool
}

type sourceFunc struct {
	decl    *ast.FuncDecl
	imports map[string]bool // package names in scope: web.Static() is no router call
}

// routeMethods are the gin router methods whose first argument is a path;
// routerMethods are every method the reader must understand or refuse.
var (
	routeMethods  = []string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "StaticFS", "Static", "StaticFile", "StaticFileFS"}
	routerMethods = append([]string{"Group", "Handle", "Any", "Match"}, routeMethods...)
)

func (r *routeReader) parse(file string) error {
	f, err := parser.ParseFile(r.fset, file, nil, parser.SkipObjectResolution)
	if err != nil {
		return err
	}
	imports := map[string]bool{}
	for _, im := range f.Imports {
		p, _ := strconv.Unquote(im.Path.Value)
		name := path.Base(p)
		if im.Name != nil {
			name = im.Name.Name
		}
		imports[name] = true
	}
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil {
			r.funcs = append(r.funcs, sourceFunc{fd, imports})
		}
	}
	return nil
}

// read walks one function body in source order, so an assignment of a
// group is seen before the routes registered on it.
func (r *routeReader) read(f sourceFunc) {
	env := map[string][]string{}
	for i, p := range routerParams(f.decl) {
		switch p.kind {
		case "engine":
			env[p.name] = []string{""}
		case "group":
			env[p.name] = r.params[f.decl.Name.Name][i]
		}
	}
	ast.Inspect(f.decl.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			if len(n.Lhs) == 1 && len(n.Rhs) == 1 {
				if id, ok := n.Lhs[0].(*ast.Ident); ok {
					if prefixes, ok := groupOf(n.Rhs[0], env); ok {
						env[id.Name] = prefixes
					}
				}
			}
		case *ast.CallExpr:
			r.flow(n, env)
			r.register(n, env, f.imports)
		}
		return true
	})
}

// flow records the prefixes of routers passed to a function of the package.
func (r *routeReader) flow(call *ast.CallExpr, env map[string][]string) {
	callee, ok := call.Fun.(*ast.Ident)
	if !ok {
		return
	}
	for i, arg := range call.Args {
		id, ok := arg.(*ast.Ident)
		if !ok {
			continue
		}
		for _, p := range env[id.Name] {
			if r.params[callee.Name] == nil {
				r.params[callee.Name] = map[int][]string{}
			}
			if !slices.Contains(r.params[callee.Name][i], p) {
				r.params[callee.Name][i] = append(r.params[callee.Name][i], p)
				r.changed = true
			}
		}
	}
}

// register records the routes of a call such as v1.POST("/status", …).
func (r *routeReader) register(call *ast.CallExpr, env map[string][]string, imports map[string]bool) {
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok || !slices.Contains(routerMethods, sel.Sel.Name) {
		return
	}
	at := r.fset.Position(call.Pos()).String()
	recv, ok := sel.X.(*ast.Ident)
	if ok && imports[recv.Name] && env[recv.Name] == nil {
		return
	}
	if !ok || len(env[recv.Name]) == 0 {
		r.problems = append(r.problems, at+": cannot tell which router ."+sel.Sel.Name+" is called on")
		return
	}
	method, args := sel.Sel.Name, call.Args
	switch {
	case method == "Group":
		return // groupOf follows the assignment
	case method == "Handle" && len(args) > 1:
		m, ok := stringLit(args[0])
		if !ok {
			r.problems = append(r.problems, at+": Handle with a method that is not a string literal")
			return
		}
		method, args = m, args[1:]
	case !slices.Contains(routeMethods, method) || len(args) == 0:
		r.problems = append(r.problems, at+": docs_test does not understand ."+method)
		return
	}
	rel, ok := stringLit(args[0])
	if !ok {
		r.problems = append(r.problems, at+": a route path that is not a string literal")
		return
	}
	if strings.HasPrefix(method, "Static") {
		if method == "StaticFS" || method == "Static" {
			rel = path.Join(rel, "/*filepath")
		}
		method = "GET" // and HEAD, which the docs mention beside it
	}
	for _, p := range env[recv.Name] {
		r.routes = append(r.routes, docRoute{method, docPath(joinPaths(p, rel))})
	}
}

type routerParam struct{ name, kind string } // kind: engine | group | ""

// routerParams lists a function's parameters, marking the gin routers.
func routerParams(fd *ast.FuncDecl) []routerParam {
	var out []routerParam
	for _, f := range fd.Type.Params.List {
		kind := ""
		if star, ok := f.Type.(*ast.StarExpr); ok {
			if sel, ok := star.X.(*ast.SelectorExpr); ok {
				if pkg, ok := sel.X.(*ast.Ident); ok && pkg.Name == "gin" {
					kind = map[string]string{"Engine": "engine", "RouterGroup": "group"}[sel.Sel.Name]
				}
			}
		}
		for _, n := range f.Names {
			out = append(out, routerParam{n.Name, kind})
		}
		if len(f.Names) == 0 {
			out = append(out, routerParam{"_", kind})
		}
	}
	return out
}

// groupOf returns the prefixes of X.Group("p", …) when X is a known router.
func groupOf(e ast.Expr, env map[string][]string) ([]string, bool) {
	call, ok := e.(*ast.CallExpr)
	if !ok || len(call.Args) == 0 {
		return nil, false
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != "Group" {
		return nil, false
	}
	recv, ok := sel.X.(*ast.Ident)
	rel, lit := stringLit(call.Args[0])
	if !ok || !lit || len(env[recv.Name]) == 0 {
		return nil, false
	}
	var out []string
	for _, p := range env[recv.Name] {
		out = append(out, joinPaths(p, rel))
	}
	return out, true
}

func stringLit(e ast.Expr) (string, bool) {
	lit, ok := e.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(lit.Value)
	return s, err == nil
}

// joinPaths joins like gin does: a trailing slash of rel is kept.
func joinPaths(abs, rel string) string {
	if rel == "" {
		return abs
	}
	out := path.Join(abs, rel)
	if strings.HasSuffix(rel, "/") && !strings.HasSuffix(out, "/") {
		out += "/"
	}
	return out
}

// docPath writes gin's :name and *name as {name}.
func docPath(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		if strings.HasPrefix(s, ":") || strings.HasPrefix(s, "*") {
			segs[i] = "{" + s[1:] + "}"
		}
	}
	return strings.Join(segs, "/")
}
