package media

import (
	"encoding/xml"
	"image"
	"io"
	"strconv"
	"strings"
)

// drawingNS is DrawingML's main namespace, transitional and strict.
var drawingNS = map[string]bool{
	"http://schemas.openxmlformats.org/drawingml/2006/main": true,
	"http://purl.oclc.org/ooxml/drawingml/main":             true,
}

// cropBox is a picture's a:srcRect: how much of each side Word hides, in
// thousandths of a percent. Word keeps the whole photo and only shows part
// of it, so the face or house number cropped out is still in the file.
type cropBox struct{ l, t, r, b int }

// visible returns the part of bounds the crop leaves shown.
func (c *cropBox) visible(bounds image.Rectangle) image.Rectangle {
	w, h := bounds.Dx(), bounds.Dy()
	return image.Rect(
		bounds.Min.X+w*c.l/100000, bounds.Min.Y+h*c.t/100000,
		bounds.Max.X-w*c.r/100000, bounds.Max.Y-h*c.b/100000)
}

// parseCrop reads an a:srcRect; ok is false when there is nothing to cut or
// it pads rather than crops (negative sides), which leaves the picture whole.
func parseCrop(t xml.StartElement) (*cropBox, bool) {
	var c cropBox
	sides := map[string]*int{"l": &c.l, "t": &c.t, "r": &c.r, "b": &c.b}
	for _, a := range t.Attr {
		if side, ok := sides[a.Name.Local]; ok && a.Name.Space == "" {
			n, err := strconv.Atoi(a.Value)
			if err != nil || n < 0 {
				return nil, false
			}
			*side = n
		}
	}
	if c == (cropBox{}) || c.l+c.r >= 100000 || c.t+c.b >= 100000 {
		return nil, false
	}
	return &c, true
}

// findCrops records, for each picture shown exactly once and cropped there,
// what to cut from it. A picture used more than once keeps its hidden
// parts: each use may show another part of it.
func (p *docxPackage) findCrops() error {
	p.crops = map[string]*cropBox{}
	uses := map[string]int{}
	for name := range p.keep {
		if !strings.HasSuffix(strings.ToLower(p.contentType(name)), "xml") {
			continue
		}
		targets := map[string]string{}
		for _, rel := range p.rels[name] {
			targets[rel.ID] = resolveTarget(name, rel.Target)
		}
		raw, err := readLimited(p.files[name], maxXMLPart)
		if err != nil {
			return reject("the Word document has a part too large to check")
		}
		d := xml.NewDecoder(strings.NewReader(raw))
		blip := "" // the picture of the blipFill being read
		for {
			tok, err := d.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				return reject("the Word document is damaged")
			}
			switch t := tok.(type) {
			case xml.StartElement:
				for _, a := range t.Attr {
					if target, ok := targets[a.Value]; ok && relNS[a.Name.Space] {
						uses[target]++
						if drawingNS[t.Name.Space] && t.Name.Local == "blip" && a.Name.Local == "embed" {
							blip = target
						}
					}
				}
				if drawingNS[t.Name.Space] && t.Name.Local == "srcRect" && blip != "" {
					if c, ok := parseCrop(t); ok {
						p.crops[blip] = c
					}
				}
			case xml.EndElement:
				if t.Name.Local == "blipFill" {
					blip = ""
				}
			}
		}
	}
	for target := range p.crops {
		if uses[target] != 1 {
			delete(p.crops, target)
		}
	}
	return nil
}

// croppedRels returns the IDs of part's relationships to pictures that are
// cut to what they show, whose a:srcRect must then go.
func (p *docxPackage) croppedRels(part string) map[string]bool {
	ids := map[string]bool{}
	for _, rel := range p.rels[part] {
		if p.crops[resolveTarget(part, rel.Target)] != nil {
			ids[rel.ID] = true
		}
	}
	return ids
}
