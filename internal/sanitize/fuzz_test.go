package sanitize

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// checkInvisible reports characters that Line and Filename promise to remove.
func checkInvisible(s string) []string {
	var problems []string
	for _, r := range s {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || (unicode.IsSpace(r) && r != ' ') {
			problems = append(problems, fmt.Sprintf("invisible %U", r))
		}
	}
	return problems
}

// checkLine reports every broken promise of Line.
func checkLine(out string) []string {
	problems := checkLineText(out)
	problems = append(problems, checkInvisible(out)...)
	if !utf8.ValidString(out) {
		problems = append(problems, "invalid UTF-8")
	}
	if !norm.NFC.IsNormalString(out) {
		problems = append(problems, "not NFC")
	}
	if out != strings.TrimSpace(out) || strings.Contains(out, "  ") {
		problems = append(problems, "whitespace not collapsed")
	}
	return problems
}

// checkFilename reports every broken promise of Filename.
func checkFilename(in, out string) []string {
	problems := checkInvisible(out)
	if !utf8.ValidString(out) {
		problems = append(problems, "invalid UTF-8")
	}
	if strings.ContainsAny(out, `/\`) {
		problems = append(problems, "path separator")
	}
	if out == "" || out == "." || out == ".." || strings.HasPrefix(out, ".") || strings.HasPrefix(out, " ") {
		problems = append(problems, "empty, dot name or leading dot/space")
	}
	if len(out) > maxFilenameBytes {
		problems = append(problems, fmt.Sprintf("%d bytes", len(out)))
	}
	if !norm.NFC.IsNormalString(out) {
		problems = append(problems, "not NFC")
	}
	if again := Filename(out); again != out {
		problems = append(problems, fmt.Sprintf("not idempotent: second pass gives %q", again))
	}
	return problems
}

func FuzzBody(f *testing.F) {
	for _, p := range xssPayloads() {
		f.Add(p)
	}
	f.Add("# Title\n\nSome *text* with [a link](https://example.org).\n\n- a\n- b")
	s := New()
	f.Fuzz(func(t *testing.T, in string) {
		out, err := s.Body(in)
		if errors.Is(err, ErrTooComplex) {
			return // FuzzBodyBounds checks the refusals
		}
		if err != nil {
			t.Fatalf("Body(%q): %v", in, err)
		}
		if !utf8.ValidString(out) {
			t.Errorf("Body(%q) = %q: invalid UTF-8", in, out)
		}
		if problems := checkBodyHTML(out); len(problems) > 0 {
			t.Errorf("Body(%q) = %q: %v", in, out, problems)
		}
		// Sanitizing our own output must not let anything new through.
		if problems := checkBodyHTML(s.body.Sanitize(out)); len(problems) > 0 {
			t.Errorf("policy on Body(%q): %v", in, problems)
		}
		if text := Text(out); !utf8.ValidString(text) {
			t.Errorf("Text(Body(%q)) = %q: invalid UTF-8", in, text)
		}
	})
}

func FuzzLine(f *testing.F) {
	for _, p := range xssPayloads() {
		f.Add(p)
	}
	for _, p := range []string{"&lt;b&gt;", "<<a", "<\u212Ax>", "&amp;lt;b&amp;gt;", "a\u202eb", "x&#x1;<a"} {
		f.Add(p)
	}
	s := New()
	f.Fuzz(func(t *testing.T, in string) {
		out := s.Line(in)
		if problems := checkLine(out); len(problems) > 0 {
			t.Errorf("Line(%q) = %q: %v", in, out, problems)
		}
	})
}

func FuzzFilename(f *testing.F) {
	for _, p := range []string{
		"photo.jpg", `..\..\evil.exe`, "../../etc/passwd", ".", "..", "",
		"invoice\u202egpj.exe", strings.Repeat("ñ", 100) + ".jpeg", "a\u0301.png",
	} {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := Filename(in)
		if problems := checkFilename(in, out); len(problems) > 0 {
			t.Errorf("Filename(%q) = %q: %v", in, out, problems)
		}
	})
}
