package media

import (
	"encoding/xml"
	"strings"
)

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
