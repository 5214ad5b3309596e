package media

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"path"
	"strings"
	"time"
)

// maxXMLPart bounds one XML part CleanDOCX rewrites (about 2,000 pages of
// text): the rewrite holds the part's tokens in memory.
const maxXMLPart = 32 << 20

// zipEpoch is the time written on every entry of a cleaned document: the
// original times tell when, and in which time zone, the document was edited.
var zipEpoch = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)

// CleanDOCX writes to w a copy of the Word document in r (size bytes) that
// can neither run nor fetch anything and no longer says who wrote it:
//
//   - documents with macros, ActiveX controls or OLE objects are refused;
//   - relationships that load something from outside (a remote template,
//     linked images, frames, subdocuments) are removed with the references
//     to them; hyperlinks to http, https and mailto stay, as they load
//     nothing until an editor clicks one, and the story may cite a source;
//   - fields that run or fetch things (DDEAUTO, INCLUDETEXT, INCLUDEPICTURE,
//     MACROBUTTON and any field not known to be inert) keep only their
//     displayed text, and fields that display the author, user or file
//     path (AUTHOR, USERNAME, FILENAME, DOCPROPERTY, …) lose that too;
//   - document properties (core, app, custom), custom XML, people.xml,
//     printer settings, signatures, thumbnails and add-ins are dropped, and
//     the authors, initials, dates and revision IDs of comments and tracked
//     changes are erased;
//   - JPEG and PNG pictures are rebuilt from their pixels by Reencode, so
//     no EXIF or GPS survives, and a picture shown cropped (once) is cut to
//     what is shown; other pictures are kept only in formats without a
//     place for EXIF (GIF, BMP, EMF, WMF).
//
// Parts no relationship reaches are dropped. It refuses (with a
// *RejectError) what it cannot clean, and an image over maxPixels with
// ErrTooManyPixels.
func CleanDOCX(ctx context.Context, w io.Writer, r io.ReaderAt, size int64, maxPixels int, budget *Budget) error {
	if err := checkDOCX(r, size); err != nil {
		return err
	}
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return reject("the ZIP archive is damaged")
	}
	pkg := &docxPackage{files: map[string]*zip.File{}, rels: map[string][]relationship{}, removed: map[string]map[string]bool{}}
	for _, f := range zr.File {
		pkg.files[strings.ToLower(f.Name)] = f
	}
	if pkg.types, err = readContentTypes(pkg.files["[content_types].xml"]); err != nil {
		return err
	}
	if err := pkg.walk(); err != nil {
		return err
	}
	if err := pkg.findCrops(); err != nil {
		return err
	}
	return pkg.write(ctx, w, zr.File, maxPixels, budget)
}

// docxPackage is a document being cleaned: its parts by lower-case name,
// and what the walk from the package root kept and removed.
type docxPackage struct {
	files map[string]*zip.File
	types *contentTypes
	// keep holds the parts reached through kept relationships.
	keep map[string]bool
	// rels are the kept relationships of each part ("" for the package).
	rels map[string][]relationship
	// removed are the IDs of each part's removed relationships, whose
	// references the part must lose.
	removed map[string]map[string]bool
	// crops are the pictures to cut to what the document shows of them.
	crops map[string]*cropBox
}

// walk follows the relationships from the package root, deciding for each
// whether to keep it, drop it or refuse the document.
func (p *docxPackage) walk() error {
	p.keep = map[string]bool{}
	queue := []string{""}
	for len(queue) > 0 {
		src := queue[0]
		queue = queue[1:]
		f := p.files[relsPartName(src)]
		if f == nil {
			continue
		}
		all, err := readRelationships(f)
		if err != nil {
			return err
		}
		kept := []relationship{}
		for _, rel := range all {
			keep, err := judgeRelationship(rel)
			if err != nil {
				return err
			}
			if !keep {
				if p.removed[src] == nil {
					p.removed[src] = map[string]bool{}
				}
				p.removed[src][rel.ID] = true
				continue
			}
			kept = append(kept, rel)
			if strings.EqualFold(rel.TargetMode, "External") {
				continue
			}
			target := resolveTarget(src, rel.Target)
			if _, ok := p.files[target]; ok && !p.keep[target] {
				p.keep[target] = true
				queue = append(queue, target)
			}
		}
		p.rels[src] = kept
	}
	if !p.keep["word/document.xml"] {
		return reject("the Word document is damaged")
	}
	return nil
}

// write copies the kept parts, cleaned, in their original order.
func (p *docxPackage) write(ctx context.Context, w io.Writer, order []*zip.File, maxPixels int, budget *Budget) error {
	zw := zip.NewWriter(w)
	for _, f := range order {
		name := strings.ToLower(f.Name)
		var body []byte
		var err error
		switch {
		case name == "[content_types].xml":
			body = p.contentTypesXML()
		case strings.HasSuffix(name, ".rels"):
			src, ok := relsSource(name)
			if !ok || (src != "" && !p.keep[src]) {
				continue
			}
			body = relationshipsXML(p.rels[src])
		case p.keep[name]:
			body, err = p.cleanPart(ctx, f, maxPixels, budget)
		default:
			continue
		}
		if err != nil {
			return err
		}
		hw, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Deflate, Modified: zipEpoch})
		if err != nil {
			return fmt.Errorf("media: write %s: %w", f.Name, err)
		}
		if _, err := hw.Write(body); err != nil {
			return fmt.Errorf("media: write %s: %w", f.Name, err)
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("media: write document: %w", err)
	}
	return nil
}

// cleanPart returns a kept part's cleaned bytes: XML rewritten, pictures
// re-encoded, fonts and metafiles as they are; anything else is refused.
func (p *docxPackage) cleanPart(ctx context.Context, f *zip.File, maxPixels int, budget *Budget) ([]byte, error) {
	name := strings.ToLower(f.Name)
	ct := strings.ToLower(p.contentType(name))
	if strings.HasSuffix(ct, "xml") {
		// The part, its tokens and the rewritten copy are held at once;
		// parts are cleaned one after another, each reserving its own.
		release, err := budget.reserve(ctx, 3*int64(min(f.UncompressedSize64, maxXMLPart)))
		if err != nil {
			return nil, err
		}
		defer release()
		raw, err := readLimited(f, maxXMLPart)
		if err != nil {
			return nil, reject("the Word document has a part too large to check")
		}
		out, err := cleanXML([]byte(raw), p.removed[name], p.croppedRels(name))
		if err != nil {
			return nil, &RejectError{Reason: "the Word document is damaged", Err: fmt.Errorf("%w: %s: %w", ErrUnsupported, f.Name, err)}
		}
		return out, nil
	}
	raw, err := readLimited(f, maxZipUncompressed)
	if err != nil {
		return nil, reject("the Word document is damaged")
	}
	body := []byte(raw)
	switch {
	case bytes.HasPrefix(body, []byte("\xff\xd8\xff")):
		return reencodePart(ctx, body, JPEG, maxPixels, budget, p.crops[name])
	case bytes.HasPrefix(body, []byte("\x89PNG\r\n\x1a\n")):
		return reencodePart(ctx, body, PNG, maxPixels, budget, p.crops[name])
	case inertPicture(body), strings.Contains(ct, "font"):
		return body, nil
	}
	return nil, reject("the Word document holds a picture or file of a kind whose hidden details cannot be removed (such as TIFF, WebP or SVG); save it as PDF, or insert the pictures as JPEG or PNG")
}

// inertPicture reports whether b is a GIF, BMP, EMF or WMF: formats that
// have no place for a camera's EXIF or GPS.
func inertPicture(b []byte) bool {
	return bytes.HasPrefix(b, []byte("GIF87a")) || bytes.HasPrefix(b, []byte("GIF89a")) ||
		bytes.HasPrefix(b, []byte("BM")) ||
		len(b) >= 44 && string(b[40:44]) == " EMF" ||
		bytes.HasPrefix(b, []byte("\xd7\xcd\xc6\x9a")) ||
		bytes.HasPrefix(b, []byte("\x01\x00\x09\x00")) || bytes.HasPrefix(b, []byte("\x02\x00\x09\x00"))
}

// reencodePart rebuilds a picture from its pixels, cut to what the
// document shows of it, keeping its format so that its name and declared
// type stay true.
func reencodePart(ctx context.Context, b []byte, t Type, maxPixels int, budget *Budget, crop *cropBox) ([]byte, error) {
	var out bytes.Buffer
	if _, err := reencodeCropped(ctx, &out, bytes.NewReader(b), t, maxPixels, budget, crop); err != nil {
		var re *RejectError
		if errors.As(err, &re) {
			return nil, &RejectError{Reason: "a picture in the Word document is damaged", Err: re.Err}
		}
		return nil, err
	}
	return out.Bytes(), nil
}

// contentType returns the declared type of a part (lower-case name).
func (p *docxPackage) contentType(name string) string {
	for _, o := range p.types.Overrides {
		if strings.EqualFold(strings.TrimPrefix(o.PartName, "/"), name) {
			return o.ContentType
		}
	}
	ext := strings.TrimPrefix(path.Ext(name), ".")
	for _, d := range p.types.Defaults {
		if strings.EqualFold(d.Extension, ext) {
			return d.ContentType
		}
	}
	return ""
}

// contentTypesXML writes [Content_Types].xml back without the overrides
// of dropped parts, which would name parts that no longer exist.
func (p *docxPackage) contentTypesXML() []byte {
	var b bytes.Buffer
	b.WriteString(xmlHeader + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">`)
	for _, d := range p.types.Defaults {
		fmt.Fprintf(&b, `<Default Extension="%s" ContentType="%s"/>`, escapeAttr(d.Extension), escapeAttr(d.ContentType))
	}
	for _, o := range p.types.Overrides {
		if p.keep[strings.ToLower(strings.TrimPrefix(o.PartName, "/"))] {
			fmt.Fprintf(&b, `<Override PartName="%s" ContentType="%s"/>`, escapeAttr(o.PartName), escapeAttr(o.ContentType))
		}
	}
	b.WriteString(`</Types>`)
	return b.Bytes()
}

// xmlHeader starts every part CleanDOCX writes anew.
const xmlHeader = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"

// relsPartName returns the relationships part of a part ("" is the package).
func relsPartName(part string) string {
	dir, base := path.Split(part)
	return dir + "_rels/" + base + ".rels"
}

// relsSource returns the part whose relationships a .rels part holds.
func relsSource(rels string) (string, bool) {
	dir, base := path.Split(rels)
	if !strings.HasSuffix(dir, "_rels/") || !strings.HasSuffix(base, ".rels") {
		return "", false
	}
	return strings.TrimSuffix(dir, "_rels/") + strings.TrimSuffix(base, ".rels"), true
}

// resolveTarget turns an internal target into a lower-case part name.
func resolveTarget(src, target string) string {
	if t, err := url.PathUnescape(target); err == nil {
		target = t
	}
	target = strings.ReplaceAll(target, `\`, "/")
	if i := strings.IndexByte(target, '#'); i >= 0 {
		target = target[:i]
	}
	var p string
	if strings.HasPrefix(target, "/") {
		p = path.Clean(target)
	} else {
		p = path.Clean("/" + path.Dir(src) + "/" + target)
	}
	return strings.ToLower(strings.TrimPrefix(p, "/"))
}
