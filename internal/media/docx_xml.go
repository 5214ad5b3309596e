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

// inertFields are the field codes that only number, cross-reference or
// format what is already in the document. Any other field (DDEAUTO,
// INCLUDETEXT, INCLUDEPICTURE, MACROBUTTON, LINK, DATABASE, …) keeps only the
// text it last displayed.
var inertFields = map[string]bool{
	"PAGE": true, "NUMPAGES": true, "SECTIONPAGES": true, "SECTION": true, "TOC": true, "TC": true,
	"XE": true, "INDEX": true, "REF": true, "PAGEREF": true, "NOTEREF": true, "STYLEREF": true,
	"SEQ": true, "DATE": true, "TIME": true, "SYMBOL": true, "LISTNUM": true, "EQ": true,
	"ADVANCE": true, "FORMTEXT": true, "FORMCHECKBOX": true, "FORMDROPDOWN": true,
	"BIBLIOGRAPHY": true, "CITATION": true,
}

// inertField reports whether a field instruction may stay. A field whose
// instruction holds another field is never inert: Word builds the
// instruction from the inner field's result, which is how "DDEAUTO" is
// hidden in character codes.
func inertField(instr string, nested bool) bool {
	if nested {
		return false
	}
	words := strings.Fields(instr)
	if len(words) == 0 {
		return false
	}
	kw := strings.ToUpper(words[0])
	// A link to a bookmark, as in a table of contents, goes nowhere else.
	if kw == "HYPERLINK" && len(words) == 3 && words[1] == `\l` {
		return true
	}
	return inertFields[kw] || strings.HasPrefix(kw, "=")
}

// identityFields display who wrote the document or where it was saved
// (AUTHOR, USERNAME, FILENAME \p with the user's folders, …): their last
// result goes with the field, as it is the document's metadata shown.
var identityFields = map[string]bool{
	"AUTHOR": true, "LASTSAVEDBY": true, "USERNAME": true, "USERINITIALS": true, "USERADDRESS": true,
	"FILENAME": true, "TEMPLATE": true, "DOCPROPERTY": true, "INFO": true, "DOCVARIABLE": true,
}

// identityField reports whether a field instruction shows identity.
func identityField(instr string) bool {
	words := strings.Fields(instr)
	return len(words) > 0 && identityFields[strings.ToUpper(words[0])]
}

// cleanXML rewrites one XML part: fields that run or fetch things lose
// their instruction and keep their text; authors, initials, dates and
// revision IDs are erased; references to removed relationships and
// addresses of outside pictures are dropped. Comments, processing
// instructions other than the declaration, and DTDs go too.
func cleanXML(data []byte, removedRels map[string]bool) ([]byte, error) {
	toks, err := readTokens(data)
	if err != nil {
		return nil, err
	}
	drop, unwrap := fieldEdits(toks)
	var out bytes.Buffer
	pw := &xmlPrinter{w: &out}
	skip := 0       // depth inside a dropped element
	var open []bool // per open element: was its start tag written?
	for i, tok := range toks {
		switch t := tok.(type) {
		case xml.StartElement:
			if skip > 0 {
				skip++
				continue
			}
			if drop[i] || dropElement(t) {
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

// field is a complex field (w:fldChar begin … separate … end) being read.
type field struct {
	elems   []int // token indexes of its w:fldChar and w:instrText elements
	instr   strings.Builder
	inInstr bool // between begin and separate
	nested  bool // its instruction holds another field
	// inner are the token indexes of text and fields inside its instruction,
	// shown by Word only while building the instruction.
	inner []int
	// result are the token indexes of the text it last displayed.
	result []int
}

// fieldEdits finds the fields to neutralise: drop marks elements to remove
// with their content (the instruction of a complex field, and anything
// nested in it), unwrap marks w:fldSimple elements whose start and end
// tags go while their displayed runs stay.
func fieldEdits(toks []xml.Token) (drop, unwrap map[int]bool) {
	drop, unwrap = map[int]bool{}, map[int]bool{}
	var stack []*field
	top := func() *field {
		if len(stack) == 0 {
			return nil
		}
		return stack[len(stack)-1]
	}
	collecting := false
	neutralise := func(f *field) {
		for _, e := range f.elems {
			drop[e] = true
		}
		for _, e := range f.inner {
			drop[e] = true
		}
	}
	// markInner records element i in every field whose instruction it is in.
	markInner := func(i int) {
		for _, f := range stack {
			if f.inInstr {
				f.inner = append(f.inner, i)
			}
		}
	}
	for i, tok := range toks {
		switch t := tok.(type) {
		case xml.StartElement:
			f := top()
			switch {
			case isWord(t.Name, "fldChar"):
				switch attrValue(t, "fldCharType") {
				case "begin":
					markInner(i)
					if f != nil && f.inInstr {
						f.nested = true
					}
					stack = append(stack, &field{elems: []int{i}, inInstr: true})
				case "separate":
					if f == nil {
						drop[i] = true
						continue
					}
					f.elems = append(f.elems, i)
					f.inInstr = false
					markInner(i)
				case "end":
					if f == nil {
						drop[i] = true
						continue
					}
					f.elems = append(f.elems, i)
					stack = stack[:len(stack)-1]
					markInner(i)
					if !inertField(f.instr.String(), f.nested) {
						neutralise(f)
					}
					if identityField(f.instr.String()) {
						for _, e := range f.result {
							drop[e] = true
						}
					}
				default:
					drop[i] = true
				}
			case isWord(t.Name, "instrText") || isWord(t.Name, "delInstrText"):
				if f == nil || !f.inInstr {
					drop[i] = true // instruction text outside an instruction
					continue
				}
				f.elems = append(f.elems, i)
				collecting = true
			case isWord(t.Name, "fldSimple"):
				if f != nil && f.inInstr {
					f.nested = true
					markInner(i)
				} else if identityField(attrValue(t, "instr")) {
					drop[i] = true
				} else if !inertField(attrValue(t, "instr"), false) {
					unwrap[i] = true
				}
			case isWord(t.Name, "t") || isWord(t.Name, "delText"):
				markInner(i)
				for _, f := range stack {
					if !f.inInstr {
						f.result = append(f.result, i)
					}
				}
			}
		case xml.EndElement:
			if isWord(t.Name, "instrText") || isWord(t.Name, "delInstrText") {
				collecting = false
			}
		case xml.CharData:
			if f := top(); collecting && f != nil {
				f.instr.Write(t)
			}
		}
	}
	// A field never ended is never inert.
	for _, f := range stack {
		neutralise(f)
	}
	return drop, unwrap
}

// attrValue returns the value of t's WordprocessingML attribute local.
func attrValue(t xml.StartElement, local string) string {
	for _, a := range t.Attr {
		if wordNS[a.Name.Space] && a.Name.Local == local {
			return a.Value
		}
	}
	return ""
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
