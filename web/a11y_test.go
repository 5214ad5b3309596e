package web

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
)

func TestFormControlsHaveLabels(t *testing.T) {
	for _, rd := range renderAll(t) {
		t.Run(rd.name, func(t *testing.T) {
			labels := map[string]int{}
			for _, l := range find(rd.doc, element("label")) {
				labels[attr(l, "for")]++
			}
			for _, c := range controls(rd.doc) {
				id := attr(c, "id")
				if id == "" {
					t.Errorf("<%s name=%q> has no id", c.Data, attr(c, "name"))
					continue
				}
				if labels[id] != 1 {
					t.Errorf("<%s id=%q> has %d labels, want 1", c.Data, id, labels[id])
				}
				if attr(c, "type") == "radio" && ancestor(c, element("fieldset")) == nil {
					t.Errorf("radio %q is not in a fieldset", id)
				}
			}
			for _, f := range find(rd.doc, element("fieldset")) {
				if first := firstElementChild(f); first == nil || first.Data != "legend" {
					t.Errorf("fieldset without a legend first")
				}
			}
		})
	}
}

func TestIDsAndReferences(t *testing.T) {
	for _, rd := range renderAll(t) {
		t.Run(rd.name, func(t *testing.T) {
			ids := map[string]int{}
			for _, n := range find(rd.doc, func(n *html.Node) bool { return hasAttr(n, "id") }) {
				ids[attr(n, "id")]++
			}
			for id, c := range ids {
				if c > 1 {
					t.Errorf("id %q used %d times", id, c)
				}
			}
			for _, key := range []string{"aria-describedby", "aria-labelledby", "list"} {
				for _, n := range find(rd.doc, func(n *html.Node) bool { return hasAttr(n, key) }) {
					for _, ref := range strings.Fields(attr(n, key)) {
						if ids[ref] == 0 {
							t.Errorf("<%s> %s points at missing id %q", n.Data, key, ref)
						}
					}
				}
			}
			for _, a := range find(rd.doc, element("a")) {
				if href := attr(a, "href"); strings.HasPrefix(href, "#") && ids[href[1:]] == 0 {
					t.Errorf("link to missing id %q", href)
				}
			}
		})
	}
}

func TestInvalidFieldsAreMarked(t *testing.T) {
	for _, rd := range renderAll(t) {
		if !rd.page.HasErrors() {
			continue
		}
		t.Run(rd.name, func(t *testing.T) {
			summary := find(rd.doc, func(n *html.Node) bool { return attr(n, "role") == "alert" })
			if len(summary) != 1 {
				t.Fatalf("want one error summary with role=alert, got %d", len(summary))
			}
			if len(find(summary[0], element("h2"))) != 1 {
				t.Errorf("error summary has no heading")
			}
			if got, want := len(find(summary[0], element("li"))), len(rd.page.ErrorList()); got != want || got == 0 {
				t.Errorf("error summary lists %d problems, want %d", got, want)
			}
			for field := range rd.page.Errors {
				if field == "" {
					continue
				}
				inputs := find(rd.doc, func(n *html.Node) bool { return isControl(n) && attr(n, "name") == field })
				if len(inputs) == 0 {
					t.Errorf("no control for invalid field %q", field)
				}
				for _, in := range inputs {
					if attr(in, "aria-invalid") != "true" {
						t.Errorf("%s: aria-invalid missing", field)
					}
					if !describedBy(in, "err-"+field) {
						t.Errorf("%s: error text not linked with aria-describedby", field)
					}
				}
				link := find(summary[0], func(n *html.Node) bool { return attr(n, "href") == "#"+rd.page.FieldID(field) })
				if len(link) != 1 {
					t.Errorf("%s: no summary link to #%s", field, rd.page.FieldID(field))
				}
			}
		})
	}
}

// describedBy reports whether n, or the fieldset around it, names id in
// aria-describedby; for radios the group carries the error.
func describedBy(n *html.Node, id string) bool {
	for _, m := range []*html.Node{n, ancestor(n, element("fieldset"))} {
		if m != nil && strings.Contains(" "+attr(m, "aria-describedby")+" ", " "+id+" ") {
			return true
		}
	}
	return false
}

func TestHoneypot(t *testing.T) {
	for _, rd := range renderAll(t) {
		if !strings.HasPrefix(rd.name, "form") {
			continue
		}
		t.Run(rd.name, func(t *testing.T) {
			hp := find(rd.doc, func(n *html.Node) bool { return isControl(n) && attr(n, "name") == "website" })
			if len(hp) != 1 {
				t.Fatalf("want one honeypot, got %d", len(hp))
			}
			if attr(hp[0], "tabindex") != "-1" || attr(hp[0], "autocomplete") != "off" || attr(hp[0], "value") != "" {
				t.Errorf("honeypot must have tabindex=-1, autocomplete=off and no value")
			}
			box := ancestor(hp[0], func(n *html.Node) bool { return attr(n, "aria-hidden") == "true" })
			if box == nil || !strings.Contains(" "+attr(box, "class")+" ", " hp ") {
				t.Errorf("honeypot is not inside an aria-hidden, off-screen .hp box")
			}
			forms := find(rd.doc, element("form"))
			if len(forms) != 1 || attr(forms[0], "enctype") != "multipart/form-data" || attr(forms[0], "action") != "/submit" {
				t.Errorf("form must post multipart/form-data to /submit")
			}
			uiLang := find(rd.doc, func(n *html.Node) bool { return attr(n, "name") == "ui_lang" })
			if len(uiLang) != 1 || attr(uiLang[0], "value") != rd.lang {
				t.Errorf("hidden ui_lang is not %q", rd.lang)
			}
		})
	}
}

func TestReceiptNeverInURL(t *testing.T) {
	for _, rd := range renderAll(t) {
		for _, n := range find(rd.doc, func(n *html.Node) bool { return hasAttr(n, "href") || hasAttr(n, "action") }) {
			if u := attr(n, "href") + attr(n, "action"); strings.Contains(u, "K7QH") || strings.Contains(u, "receipt=") {
				t.Errorf("%s: receipt in a URL: %q", rd.name, u)
			}
		}
	}
}

// controls are the inputs a person fills in or chooses.
func controls(doc *html.Node) []*html.Node {
	return find(doc, func(n *html.Node) bool {
		return isControl(n) && attr(n, "type") != "hidden"
	})
}

func isControl(n *html.Node) bool {
	return n.Type == html.ElementNode && (n.Data == "input" || n.Data == "textarea" || n.Data == "select")
}

func element(name string) func(*html.Node) bool {
	return func(n *html.Node) bool { return n.Type == html.ElementNode && n.Data == name }
}

func find(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	if match(n) {
		out = append(out, n)
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		out = append(out, find(c, match)...)
	}
	return out
}

func ancestor(n *html.Node, match func(*html.Node) bool) *html.Node {
	for p := n.Parent; p != nil; p = p.Parent {
		if match(p) {
			return p
		}
	}
	return nil
}

func firstElementChild(n *html.Node) *html.Node {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode {
			return c
		}
	}
	return nil
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}
