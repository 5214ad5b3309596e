package repo_test

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

// serverRoutes reads the route table of the package in dir from its source:
// the function routes in routes.go, the one place a route is registered. A
// router variable is known by its path prefix: routes' *gin.Engine parameter
// has "", and a variable assigned X.Group("p") has X's prefix joined with p.
// A registration the reader cannot resolve, a router handed to another
// function, and a route registered anywhere else fail the test instead of
// being skipped.
func serverRoutes(t *testing.T, dir string) []docRoute {
	t.Helper()
	r := &routeReader{fset: token.NewFileSet()}
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
	found := false
	for _, f := range r.funcs {
		if f.decl.Recv == nil && f.decl.Name.Name == "routes" && filepath.Base(f.file) == "routes.go" {
			found = true
			r.read(f)
		} else {
			r.refuseRoutes(f)
		}
	}
	if !found {
		r.problems = append(r.problems, "no func routes in routes.go: the route table moved")
	}
	if len(r.problems) > 0 {
		t.Fatalf("docs_test cannot read every route in internal/server:\n\t%s", strings.Join(r.problems, "\n\t"))
	}
	slices.SortFunc(r.routes, func(a, b docRoute) int { return strings.Compare(a.String(), b.String()) })
	return slices.Compact(r.routes)
}

// routeReader holds what serverRoutes learns.
type routeReader struct {
	fset     *token.FileSet
	funcs    []sourceFunc
	routes   []docRoute
	problems []string
}

type sourceFunc struct {
	file    string
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
			r.funcs = append(r.funcs, sourceFunc{file, fd, imports})
		}
	}
	return nil
}

// read walks the table in source order, so an assignment of a group is seen
// before the routes registered on it.
func (r *routeReader) read(f sourceFunc) {
	env := map[string][]string{}
	for _, p := range routerParams(f.decl) {
		if p.kind == "engine" {
			env[p.name] = []string{""}
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
			r.passed(n, env)
			r.register(n, env, f.imports)
		}
		return true
	})
}

// passed refuses a router handed to a function: its routes would be
// registered outside the table.
func (r *routeReader) passed(call *ast.CallExpr, env map[string][]string) {
	for _, arg := range call.Args {
		if id, ok := arg.(*ast.Ident); ok && env[id.Name] != nil {
			r.problems = append(r.problems, r.fset.Position(call.Pos()).String()+
				": the router "+id.Name+" is passed to a function; register every route in the table itself")
		}
	}
}

// refuseRoutes reports a call such as e.GET("/x", …) outside the table.
func (r *routeReader) refuseRoutes(f sourceFunc) {
	ast.Inspect(f.decl.Body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok || !slices.Contains(routerMethods, sel.Sel.Name) {
			return true
		}
		if recv, ok := sel.X.(*ast.Ident); ok && f.imports[recv.Name] {
			return true
		}
		r.problems = append(r.problems, r.fset.Position(call.Pos()).String()+": ."+sel.Sel.Name+
			" in "+f.decl.Name.Name+": every route is registered in routes() in routes.go")
		return true
	})
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
		if _, ok := groupOf(call, env); !ok {
			r.problems = append(r.problems, at+": a group whose path is not a string literal")
		}
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
