package sanitize

import (
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestBody(t *testing.T) {
	s := New()
	tests := []struct {
		name, in, want string
	}{
		{
			name: "plain text keeps paragraphs and line breaks",
			in:   "Dear editor,\nthank you.\n\nMaría",
			want: "<p>Dear editor,<br>\nthank you.</p>\n<p>María</p>\n",
		},
		{
			name: "markdown emphasis and headings",
			in:   "# Title\n\n**bold** *em* ~~gone~~ `code`",
			want: "<h1>Title</h1>\n<p><strong>bold</strong> <em>em</em> <del>gone</del> <code>code</code></p>\n",
		},
		{
			name: "link gets rel and keeps its query",
			in:   "[site](https://example.org/a?b=1&c=2)",
			want: `<p><a href="https://example.org/a?b=1&amp;c=2" rel="nofollow noopener noreferrer">site</a></p>` + "\n",
		},
		{
			name: "bare URL and email are linkified",
			in:   "see www.example.org or write to ana@example.org",
			want: `<p>see <a href="http://www.example.org" rel="nofollow noopener noreferrer">www.example.org</a> or write to <a href="mailto:ana@example.org" rel="nofollow noopener noreferrer">ana@example.org</a></p>` + "\n",
		},
		{
			name: "relative link loses its href",
			in:   "[home](/admin)",
			want: `<p><a rel="nofollow noopener noreferrer">home</a></p>` + "\n",
		},
		{
			name: "image is dropped entirely",
			in:   "before ![pixel](https://tracker.example/p.gif) after",
			want: "<p>before  after</p>\n",
		},
		{
			name: "raw HTML is omitted, not escaped into view",
			in:   "<div>hello</div>",
			want: "\n",
		},
		{
			name: "inline raw HTML keeps its text",
			in:   "a <span style=\"x\">b</span> c",
			want: "<p>a b c</p>\n",
		},
		{
			name: "fenced code is escaped and loses its class",
			in:   "```go\nfmt.Println(\"<b>\")\n```",
			want: "<pre><code>fmt.Println(&#34;&lt;b&gt;&#34;)\n</code></pre>\n",
		},
		{
			name: "table alignment survives as an attribute",
			in:   "| a | b |\n|:--|--:|\n| 1 | 2 |",
			want: "<table>\n<thead>\n<tr>\n<th align=\"left\">a</th>\n<th align=\"right\">b</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td align=\"left\">1</td>\n<td align=\"right\">2</td>\n</tr>\n</tbody>\n</table>\n",
		},
		{
			name: "ordered list start number",
			in:   "3. three\n4. four",
			want: "<ol start=\"3\">\n<li>three</li>\n<li>four</li>\n</ol>\n",
		},
		{
			name: "decomposed accents are composed",
			in:   "n\u0303andu\u0301",
			want: "<p>ñandú</p>\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.Body(tt.in)
			if err != nil {
				t.Fatalf("Body: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Body(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestText(t *testing.T) {
	s := New()
	tests := []struct {
		name, in, want string
	}{
		{"paragraphs become blank lines", "one\n\ntwo\n\n\n\nthree", "one\n\ntwo\n\nthree"},
		{"line breaks stay single", "Dear editor,\nthank you.", "Dear editor,\nthank you."},
		{"markup is stripped and entities decoded", "# Hi & bye\n\n**Tom** & <b>Jerry</b>", "Hi & bye\n\nTom & Jerry"},
		{"list items on their own lines", "intro\n\n- one\n- two", "intro\n\none\ntwo"},
		{"code keeps its newlines and angle brackets", "```\na <b>\n  b\n```", "a <b>\n  b"},
		{"link keeps its text, then its URL", "[the site](https://example.org) now", "the site (https://example.org) now"},
		{"a link that is its URL is written once", "see www.example.org and <mailto:a@example.org>", "see www.example.org and mailto:a@example.org"},
		{"raw HTML block is omitted with its content", "<script>alert(1)</script>", ""},
		{"table cells are tab separated", "| a | b |\n|---|---|\n| 1 | 2 |", "a\tb\n1\t2"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			html, err := s.Body(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, Text(html)); diff != "" {
				t.Errorf("Text(Body(%q)) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestLine(t *testing.T) {
	s := New()
	tests := []struct {
		name, in, want string
	}{
		{"plain", "My story", "My story"},
		{"tags removed", "<b>Bold</b> <script>alert(1)</script>title", "Bold title"},
		{"entities decoded, not escaped", "Tom &amp; Jerry say \"hi\" & 'bye'", "Tom & Jerry say \"hi\" & 'bye'"},
		{"a lone less-than is text", "1 < 2 > 0", "1 < 2 > 0"},
		{"escaped tag does not come back as a tag", "&lt;script&gt;alert(1)&lt;/script&gt;", "script>alert(1)/script>"},
		{"whitespace collapsed and trimmed", "  a \t\n b\u00a0\u2028c  ", "a b c"},
		{"control characters dropped, NEL is a space", "a\x01b\x7fc\u0085d", "abc d"},
		{"bidi controls dropped", "\u202eevil\u202c \u2066x\u2069\u200e\u200f\u061c", "evil x"},
		{"zero-width characters dropped", "a\u200bb\u200cc\u200dd\u2060e\ufefff", "abcdef"},
		{"bidi hidden in an entity dropped", "a&#x202E;b", "ab"},
		{"NFC", "Jose\u0301 Nu\u0301n\u0303ez", "José Núñez"},
		{"kelvin sign cannot smuggle a tag", "<\u212Ascript>", ""},
		{"invalid UTF-8 dropped", "a\xffb", "ab"},
		{"spanish kept", "Historia de mi mamá: ¡sí se puede!", "Historia de mi mamá: ¡sí se puede!"},
		{"nothing left", " <br> ", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, s.Line(tt.in)); diff != "" {
				t.Errorf("Line(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestCheckText(t *testing.T) {
	tests := []struct {
		name, in string
		want     error
	}{
		{"ok", "hola, ¿qué tal?", nil},
		{"empty", "", nil},
		{"invalid UTF-8", "a\xc3(", ErrInvalidUTF8},
		{"NUL", "a\x00b", ErrNUL},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CheckText(tt.in); got != tt.want {
				t.Errorf("CheckText(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

// TestConcurrentUse runs under -race to show one Sanitizer may be shared.
func TestConcurrentUse(t *testing.T) {
	s := New()
	want, err := s.Body("**hi** [x](https://example.org)")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 16)
	for range 16 {
		wg.Go(func() {
			got, err := s.Body("**hi** [x](https://example.org)")
			if err != nil || got != want {
				errs <- got
			}
			_ = s.Line("<b>x</b>")
		})
	}
	wg.Wait()
	close(errs)
	for got := range errs {
		t.Errorf("concurrent Body = %q, want %q", got, want)
	}
}
