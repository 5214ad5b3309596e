package server

import (
	"net/url"
	"strings"
	"testing"
)

// browserTarget resolves a Location value as a browser does (the WHATWG URL
// standard, for a page on https://desk.example): it strips leading and
// trailing C0 controls and spaces, removes every tab and newline, and treats
// a backslash as a slash in http(s) URLs. It returns the origin the browser
// would go to and the path there.
func browserTarget(t *testing.T, loc string) (origin, path string) {
	t.Helper()
	loc = strings.TrimFunc(loc, func(r rune) bool { return r <= 0x20 })
	loc = strings.NewReplacer("\t", "", "\n", "", "\r", "", `\`, "/").Replace(loc)
	base, _ := url.Parse("https://desk.example/login")
	ref, err := url.Parse(loc)
	if err != nil {
		// Go refuses what browsers percent-encode (other controls, spaces):
		// encode them and resolve again.
		ref, err = url.Parse(strings.Map(func(r rune) rune {
			if r < 0x20 || r == 0x7f || r == ' ' {
				return '_'
			}
			return r
		}, loc))
		if err != nil {
			return "unparsable", ""
		}
	}
	u := base.ResolveReference(ref)
	return u.Scheme + "://" + u.Host, u.Path
}

// TestLocalPath: a caller-supplied destination is kept only when it is a
// path on this origin by the browser's rules; anything else becomes /desk.
func TestLocalPath(t *testing.T) {
	hostile := []string{
		"/\t/evil.example/x", "/\n/evil.example/x", "/\r/evil.example/x", "\t//evil.example/x",
		" //evil.example/x", "\x00//evil.example", "/\x0b/evil.example", "/\x1f/evil.example",
		"//evil.example/x", "///evil.example/x", `/\evil.example/x`, `\/evil.example/x`, `\\evil.example`,
		"/%2f/evil.example", "/%2F%2Fevil.example", "/%5cevil.example", "/%5C/evil.example", "/%09/evil.example",
		"/.//evil.example", "/a/..//evil.example", "/x/../../evil.example",
		"https:evil.example", "https://evil.example/", "javascript:alert(1)", "JavaScript:alert(1)",
		"data:text/html,x", "evil.example", "", "?next=x", "#frag",
		"/\u00a0/evil.example", "/\u3002evil.example", "/desk\x7f",
		"/" + strings.Repeat("a", 3000),
	}
	for _, next := range hostile {
		got := localPath(next)
		if got != "/desk" {
			t.Errorf("localPath(%.60q) = %.60q, want /desk", next, got)
		}
	}
	kept := []string{"/desk", "/desk/s/01JABC?tab=notes", "/desk?status=ready&site=El+Paso&page=2", "/account", "/desk/s/x%20y", "/", "/desk/"}
	for _, next := range kept {
		if got := localPath(next); got != next {
			t.Errorf("localPath(%q) = %q, want it kept", next, got)
		}
	}
	// Whatever comes out, a browser stays on this origin.
	for _, next := range append(hostile, kept...) {
		if origin, _ := browserTarget(t, localPath(next)); origin != "https://desk.example" {
			t.Errorf("localPath(%q) = %q: a browser goes to %s", next, localPath(next), origin)
		}
	}
}
