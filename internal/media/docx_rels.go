package media

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"strings"
)

// maxRelsBytes caps one relationships part; real ones are a few KiB.
const maxRelsBytes = 4 << 20

// relationship links a part to another part, or to an outside resource
// when TargetMode is External.
type relationship struct {
	ID         string `xml:"Id,attr"`
	Type       string `xml:"Type,attr"`
	Target     string `xml:"Target,attr"`
	TargetMode string `xml:"TargetMode,attr"`
}

func readRelationships(f *zip.File) ([]relationship, error) {
	raw, err := readLimited(f, maxRelsBytes)
	if err != nil {
		return nil, reject("the Word document is damaged")
	}
	var rels struct {
		Rels []relationship `xml:"Relationship"`
	}
	if err := xml.Unmarshal([]byte(raw), &rels); err != nil {
		return nil, &RejectError{Reason: "the Word document is damaged", Err: fmt.Errorf("%w: %s: %w", ErrUnsupported, f.Name, err)}
	}
	return rels.Rels, nil
}

// Relationship types, by the last element of their URI, which is the same
// in the transitional, strict and Microsoft namespaces.
var (
	// refusedRelationships carry code: macros and what binds them, ActiveX
	// controls and OLE objects (which can be any program).
	refusedRelationships = map[string]string{
		"vbaproject": "vbaproject", "wordvbadata": "vbaproject", "keymapcustomizations": "vbaproject",
		"attachedtoolbars": "vbaproject", "activexcontrol": "activex", "activexcontrolbinary": "activex",
		"control": "activex", "oleobject": "oleobject",
	}
	// droppedRelationships lead to who wrote the document (properties,
	// people, custom XML, printer names, signatures and their certificates,
	// thumbnails) or to things that load or run (templates, imported
	// chunks, embedded packages, add-ins, ribbon customisations).
	droppedRelationships = map[string]bool{
		"core-properties": true, "extended-properties": true, "custom-properties": true,
		"thumbnail": true, "people": true, "customxml": true, "customxmlprops": true,
		"printersettings": true, "origin": true, "signature": true, "certificate": true,
		"attachedtemplate": true, "afchunk": true, "package": true, "subdocument": true,
		"webextensiontaskpanes": true, "webextension": true, "extensibility": true, "customui": true,
	}
)

// judgeRelationship decides whether to keep a relationship; an error
// refuses the whole document.
func judgeRelationship(rel relationship) (bool, error) {
	kind := strings.ToLower(rel.Type[strings.LastIndexByte(rel.Type, '/')+1:])
	if active, ok := refusedRelationships[kind]; ok {
		return false, rejectActive(active)
	}
	if droppedRelationships[kind] {
		return false, nil
	}
	if strings.EqualFold(rel.TargetMode, "External") {
		return kind == "hyperlink" && safeLink(rel.Target), nil
	}
	// An internal target that names a scheme or a network share is not a
	// part: keep nothing a reader might try to fetch.
	return !strings.Contains(rel.Target, ":") && !strings.HasPrefix(rel.Target, `\\`) && !strings.HasPrefix(rel.Target, "//"), nil
}

// safeLink reports whether a hyperlink target is a web or mail address:
// file:, UNC paths and other schemes can make Windows send the editor's
// credentials or open a program.
func safeLink(target string) bool {
	t := strings.ToLower(strings.TrimSpace(target))
	return strings.HasPrefix(t, "https://") || strings.HasPrefix(t, "http://") || strings.HasPrefix(t, "mailto:")
}

// relationshipsXML writes a relationships part holding rels.
func relationshipsXML(rels []relationship) []byte {
	var b bytes.Buffer
	b.WriteString(xmlHeader + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`)
	for _, r := range rels {
		fmt.Fprintf(&b, `<Relationship Id="%s" Type="%s" Target="%s"`, escapeAttr(r.ID), escapeAttr(r.Type), escapeAttr(r.Target))
		if r.TargetMode != "" {
			fmt.Fprintf(&b, ` TargetMode="%s"`, escapeAttr(r.TargetMode))
		}
		b.WriteString(`/>`)
	}
	b.WriteString(`</Relationships>`)
	return b.Bytes()
}

// escapeAttr escapes s for a double-quoted XML attribute.
func escapeAttr(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}
