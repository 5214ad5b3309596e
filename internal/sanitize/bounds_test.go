package sanitize

import (
	"errors"
	"strings"
	"testing"

	"github.com/storydesk/storydesk/internal/testenv"
)

// outputBound is the promise checked for every body: its HTML is at most
// this long, or the body is refused.
func outputBound(in string) int { return maxHTMLBytes(len(in)) }

// TestBodyBounds: issue 11's amplification bodies are refused (or would
// have to stay within the bound), and an honest 60 KiB story with tables
// and links passes whole.
func TestBodyBounds(t *testing.T) {
	s := New()
	for _, tt := range []struct {
		name string
		in   string
	}{
		{"table", testenv.TableBomb()},
		{"reference", testenv.ReferenceBomb()},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out, err := s.Body(tt.in)
			if err == nil && len(out) > outputBound(tt.in) {
				t.Fatalf("%d bytes of body rendered to %d bytes of HTML, bound %d", len(tt.in), len(out), outputBound(tt.in))
			}
			if !errors.Is(err, ErrTooComplex) {
				t.Errorf("Body: err = %v, want the body refused as too complex", err)
			}
		})
	}
	story := testenv.LongStory()
	if len(story) < 60<<10 || len(story) > 64<<10 {
		t.Fatalf("the honest story is %d bytes", len(story))
	}
	out, err := s.Body(story)
	if err != nil {
		t.Fatalf("honest story refused: %v", err)
	}
	for _, want := range []string{"<table>", `<a href="https://example.org/centro-comunitario/austin"`, "<blockquote>", "<li>familia</li>"} {
		if !strings.Contains(out, want) {
			t.Errorf("honest story's HTML lacks %q", want)
		}
	}
}

// TestRenderStopsWriting: a body within the tree's limits whose HTML would
// still pass the cap (27 bytes of HTML per ">" of nested quotes) is refused
// by the writer, which held no more than the cap.
func TestRenderStopsWriting(t *testing.T) {
	s := New()
	in := strings.Repeat(">", 20_000) + " deep"
	_, b, err := s.render(in)
	if !errors.Is(err, errHTML) {
		t.Fatalf("render: err = %v, want %v", err, errHTML)
	}
	if b.written > maxHTMLBytes(len(in)) {
		t.Errorf("the writer held %d bytes, cap %d", b.written, maxHTMLBytes(len(in)))
	}
	if _, err := s.Body(in); !errors.Is(err, ErrTooComplex) {
		t.Errorf("Body: err = %v, want ErrTooComplex", err)
	}
}

// FuzzBodyBounds is the property of issue 11 for every body of at most
// 64 KiB: Body either refuses it as too complex or returns at most
// maxHTMLBytes of HTML, and the work is bounded by count: syntax-tree nodes
// visited and bytes written, never by the clock.
func FuzzBodyBounds(f *testing.F) {
	// Small seeds: the fuzzer minimizes every new input it finds
	// interesting, and a large one takes it longer than a CI run lasts.
	// TestBodyBounds has the full-size bodies.
	for _, seed := range []string{
		strings.Repeat("|a", 40) + "|\n" + strings.Repeat("|-", 40) + "|\n" + strings.Repeat("|\n", 40),
		"[a]: https://example.org/" + strings.Repeat("x", 100) + "\n\n" + strings.Repeat("[a]", 50),
		testenv.LongStory()[:600],
		"|a|b|\n|-|-|\n|\n|\n", "[x]: /u\n\n[x][x][x]", strings.Repeat(">", 300), strings.Repeat("- ", 300),
		strings.Repeat("\"", 500), strings.Repeat("www.a.co\n", 100), strings.Repeat("*a*", 300),
	} {
		f.Add(seed)
	}
	s := New()
	f.Fuzz(func(t *testing.T, in string) {
		if len(in) > 64<<10 {
			return
		}
		rendered, b, err := s.render(in)
		if b.nodes > maxNodes(len(in)) || b.written > maxHTMLBytes(len(in)) || len(rendered) > maxHTMLBytes(len(in)) {
			t.Fatalf("render(%q): %d nodes (bound %d), %d bytes written (bound %d)",
				in, b.nodes, maxNodes(len(in)), b.written, maxHTMLBytes(len(in)))
		}
		out, err2 := s.Body(in)
		switch {
		case err != nil || err2 != nil:
			if !errors.Is(err2, ErrTooComplex) {
				t.Fatalf("Body(%q): %v, want nil or ErrTooComplex", in, err2)
			}
		case len(out) > maxHTMLBytes(len(in)):
			t.Fatalf("Body(%q): %d bytes of HTML, bound %d", in, len(out), maxHTMLBytes(len(in)))
		}
	})
}
