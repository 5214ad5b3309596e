package media

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Namespaces matched by URI, never by prefix: a document may bind any
// prefix it likes, and Word follows the URI. Each has a transitional and a
// strict (ISO 29500) spelling.
var (
	wordNS = map[string]bool{
		"http://schemas.openxmlformats.org/wordprocessingml/2006/main": true,
		"http://purl.oclc.org/ooxml/wordprocessingml/main":             true,
	}
	relNS = map[string]bool{
		"http://schemas.openxmlformats.org/officeDocument/2006/relationships": true,
		"http://purl.oclc.org/ooxml/officeDocument/relationships":             true,
	}
)

// droppedWordElements are removed with their content wherever they appear:
// revision-session IDs, the attached template, document variables, macros
// run on entering or leaving a form field, mail-merge data sources, bindings
// to the dropped custom XML, subdocuments and imported chunks.
var droppedWordElements = map[string]bool{
	"rsids": true, "attachedTemplate": true, "docVars": true, "entryMacro": true, "exitMacro": true,
	"mailMerge": true, "dataBinding": true, "subDoc": true, "altChunk": true,
}

// cleanXML rewrites one XML part: fields that run or fetch things lose
// their instruction and keep their text; authors, initials, dates and
// revision IDs are erased; references to removed relationships and
// addresses of outside pictures are dropped. Comments, processing
// instructions other than the declaration, and DTDs go too.
func cleanXML(data []byte, removedRels, croppedRels map[string]bool) ([]byte, error) {
	toks, err := readTokens(data)
	if err != nil {
		return nil, err
	}
	drop, unwrap := fieldEdits(toks)
	var out bytes.Buffer
	pw := &xmlPrinter{w: &out}
	skip := 0        // depth inside a dropped element
	var open []bool  // per open element: was its start tag written?
	cropped := false // in the blipFill of a picture cut to what it shows
	for i, tok := range toks {
		switch t := tok.(type) {
		case xml.StartElement:
			if skip > 0 {
				skip++
				continue
			}
			if drawingNS[t.Name.Space] && t.Name.Local == "blip" {
				cropped = croppedRels[relAttr(t, "embed")]
			}
			// A picture cut to what it shows is shown whole.
			if drop[i] || dropElement(t) || cropped && drawingNS[t.Name.Space] && t.Name.Local == "srcRect" {
				skip = 1
				continue
			}
			pw.push(t)
			if unwrap[i] {
				open = append(open, false)
				continue
			}
			open = append(open, true)
			pw.start(cleanAttrs(t, removedRels))
		case xml.EndElement:
			if skip > 0 {
				skip--
				continue
			}
			if t.Name.Local == "blipFill" {
				cropped = false
			}
			if open[len(open)-1] {
				pw.end(t)
			}
			open = open[:len(open)-1]
			pw.pop()
		case xml.CharData:
			switch {
			case skip > 0:
			case len(open) == 0:
				// Outside the root only white space may stand, and no
				// character reference: written as it is.
				if len(bytes.TrimSpace(t)) == 0 {
					out.Write(t)
				}
			default:
				_ = xml.EscapeText(&out, t)
			}
		case xml.ProcInst:
			if t.Target == "xml" && i == 0 {
				fmt.Fprintf(&out, "<?xml %s?>", t.Inst)
			}
		case xml.Directive:
			return nil, errors.New("DTD in a part")
		}
	}
	return out.Bytes(), nil
}

// relAttr returns the value of t's relationships attribute local.
func relAttr(t xml.StartElement, local string) string {
	for _, a := range t.Attr {
		if relNS[a.Name.Space] && a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// readTokens decodes a whole part, checking that it is well formed.
func readTokens(data []byte) ([]xml.Token, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	var toks []xml.Token
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return toks, nil
		}
		if err != nil {
			return nil, err
		}
		toks = append(toks, xml.CopyToken(tok))
	}
}

// isWord reports whether n is the WordprocessingML element or attribute local.
func isWord(n xml.Name, local string) bool {
	return wordNS[n.Space] && n.Local == local
}

func dropElement(t xml.StartElement) bool {
	if wordNS[t.Name.Space] && droppedWordElements[t.Name.Local] {
		return true
	}
	// A chart's link to its embedded workbook, which is dropped; Word
	// draws the chart from the values cached in the chart itself.
	if t.Name.Local == "externalData" && strings.Contains(t.Name.Space, "drawingml") {
		return true
	}
	// w14:docId and w15:docId identify the document across copies.
	return t.Name.Local == "docId" && strings.Contains(t.Name.Space, "microsoft.com/office/word")
}

// cleanAttrs erases who and when, and what points outside or at a removed
// relationship. w:author is required on comments and tracked changes, so
// it is emptied rather than removed.
func cleanAttrs(t xml.StartElement, removedRels map[string]bool) xml.StartElement {
	attrs := make([]xml.Attr, 0, len(t.Attr))
	for _, a := range t.Attr {
		switch {
		case a.Name.Space == "xmlns" || a.Name.Space == "" && a.Name.Local == "xmlns":
		case wordNS[a.Name.Space] && a.Name.Local == "author":
			a.Value = ""
		case wordNS[a.Name.Space] && (a.Name.Local == "initials" || a.Name.Local == "date" || strings.HasPrefix(a.Name.Local, "rsid")):
			continue
		case a.Name.Local == "dateUtc":
			continue
		case relNS[a.Name.Space] && removedRels[a.Value]:
			continue
		case a.Name.Local == "href" || a.Name.Local == "althref" || a.Name.Local == "src":
			// VML and SVG pictures can name an address to load directly.
			if !strings.HasPrefix(a.Value, "#") {
				continue
			}
		}
		attrs = append(attrs, a)
	}
	t.Attr = attrs
	return t
}

// xmlPrinter writes elements with the prefixes their document declared.
// encoding/xml's Encoder cannot: it rewrites every namespace as a default
// one, which breaks mc:Ignorable and the documents Word opens.
type xmlPrinter struct {
	w      *bytes.Buffer
	scopes []map[string]string // per open element: prefix → namespace URI
}

// push opens the scope of t's namespace declarations.
func (p *xmlPrinter) push(t xml.StartElement) {
	scope := map[string]string{}
	for _, a := range t.Attr {
		switch {
		case a.Name.Space == "xmlns":
			scope[a.Name.Local] = a.Value
		case a.Name.Space == "" && a.Name.Local == "xmlns":
			scope[""] = a.Value
		}
	}
	p.scopes = append(p.scopes, scope)
}

func (p *xmlPrinter) pop() { p.scopes = p.scopes[:len(p.scopes)-1] }

// xmlURI is the namespace encoding/xml gives the reserved xml: prefix.
const xmlURI = "http://www.w3.org/XML/1998/namespace"

// prefix finds the innermost prefix bound to uri; attribute names cannot
// use the default namespace.
func (p *xmlPrinter) prefix(uri string, attr bool) (string, bool) {
	if uri == xmlURI {
		return "xml", true
	}
	for i := len(p.scopes) - 1; i >= 0; i-- {
		for pre, u := range p.scopes[i] {
			if u == uri && (pre != "" || !attr) && p.bound(pre, i) == uri {
				return pre, true
			}
		}
	}
	return "", false
}

// bound returns what pre means at scope depth i, where an inner scope may
// have rebound it.
func (p *xmlPrinter) bound(pre string, i int) string {
	for j := len(p.scopes) - 1; j >= i; j-- {
		if u, ok := p.scopes[j][pre]; ok {
			return u
		}
	}
	return ""
}

// qname writes a name, declaring a prefix on this element (in extra) when
// an unwrapped ancestor held the only declaration.
func (p *xmlPrinter) qname(n xml.Name, attr bool, extra *[]string) string {
	if n.Space == "" {
		return n.Local
	}
	pre, ok := p.prefix(n.Space, attr)
	if !ok {
		pre = fmt.Sprintf("sdns%d", len(*extra))
		*extra = append(*extra, fmt.Sprintf(` xmlns:%s="%s"`, pre, escapeAttr(n.Space)))
		p.scopes[len(p.scopes)-1][pre] = n.Space
	}
	if pre == "" {
		return n.Local
	}
	return pre + ":" + n.Local
}

func (p *xmlPrinter) start(t xml.StartElement) {
	var extra []string
	var b strings.Builder
	b.WriteString("<" + p.qname(t.Name, false, &extra))
	for _, a := range t.Attr {
		switch {
		case a.Name.Space == "xmlns":
			fmt.Fprintf(&b, ` xmlns:%s="%s"`, a.Name.Local, escapeAttr(a.Value))
		case a.Name.Space == "" && a.Name.Local == "xmlns":
			fmt.Fprintf(&b, ` xmlns="%s"`, escapeAttr(a.Value))
		default:
			fmt.Fprintf(&b, ` %s="%s"`, p.qname(a.Name, true, &extra), escapeAttr(a.Value))
		}
	}
	for _, e := range extra {
		b.WriteString(e)
	}
	b.WriteString(">")
	p.w.WriteString(b.String())
}

func (p *xmlPrinter) end(t xml.EndElement) {
	var extra []string
	p.w.WriteString("</" + p.qname(t.Name, false, &extra) + ">")
}
