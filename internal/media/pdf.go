package media

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// pdfcpuSetup keeps pdfcpu off the disk: without DisableConfigDir its
// default configuration writes a config directory under the user's home,
// and exits the process when it cannot.
var pdfcpuSetup sync.Once

func pdfConfig() *model.Configuration {
	pdfcpuSetup.Do(api.DisableConfigDir)
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationRelaxed
	conf.Offline = true
	return conf
}

// CleanPDF writes to w a copy of the PDF in src that runs nothing and no
// longer says who made it: the Info dictionary (Author, Creator, Producer,
// …) and every XMP metadata stream go; so do the open action, additional
// actions (of the document, pages, annotations and fields), JavaScript,
// actions that launch programs, submit or import data or open other files,
// embedded and associated files, file-attachment and multimedia
// annotations, XFA forms, digital signatures (which name the signer), and
// the authors of comments. Links to web pages
// stay. JPEG pictures lose their EXIF, XMP, ICC and comment segments
// without being decoded. pdfcpu writes the file anew from the catalog, so
// earlier revisions and unreferenced objects are left behind too.
//
// Encrypted PDFs and PDFs pdfcpu cannot read are refused with a
// *RejectError, and a PDF whose Flate streams expand past 256 MiB with one
// that matches ErrBomb.
func CleanPDF(ctx context.Context, w io.Writer, r io.ReaderAt, size int64, budget *Budget) (err error) {
	// A parser of this size, given hostile input, may panic; that is a
	// file refused, never a crashed server.
	defer func() {
		if r := recover(); r != nil {
			err = rejectPDF(fmt.Errorf("pdfcpu panic: %v", r))
		}
	}()
	inflated, err := checkPDFInflation(r, size)
	if err != nil {
		return err
	}
	// pdfcpu holds the file, its decoded streams and the rewritten copy:
	// measured at about three times the file's size, plus what its Flate
	// streams expand to.
	release, err := budget.reserve(ctx, pdfParseFactor*size+inflated)
	if err != nil {
		return err
	}
	defer release()
	pc, err := api.ReadContext(io.NewSectionReader(r, 0, size), pdfConfig())
	if err != nil {
		return rejectPDF(err)
	}
	if pc.Encrypt != nil || pc.E != nil {
		return reject("encrypted or password-protected PDFs are not accepted; save or print the PDF without a password")
	}
	if err := api.ValidateContext(pc); err != nil {
		return rejectPDF(err)
	}
	cleanPDFObjects(pc)
	if err := api.WriteContext(pc, w); err != nil {
		return fmt.Errorf("media: write PDF: %w", err)
	}
	return nil
}

// pdfParseFactor is what cleaning a PDF holds per byte of the file.
const pdfParseFactor = 3

func rejectPDF(err error) error {
	return &RejectError{Reason: "the PDF is damaged or of a kind that cannot be checked; save or print it again as PDF", Err: fmt.Errorf("%w: %w", ErrUnsupported, err)}
}

// droppedPDFKeys are removed from every dictionary: actions run on events
// (AA) and on opening, scripts, metadata, embedded and associated files,
// XFA forms and private application data.
var droppedPDFKeys = []string{
	"AA", "OpenAction", "JS", "JavaScript", "Metadata", "EmbeddedFiles", "EF", "AF", "RF",
	"XFA", "NeedsRendering", "PieceInfo", "SpiderInfo", "Collection", "AlternatePresentations", "Renditions",
}

// inertActions are the actions that stay: moving within the document,
// showing or hiding parts of it, and links (URI actions to web and mail
// addresses only, checked apart).
var inertActions = map[string]bool{
	"GoTo": true, "URI": true, "Named": true, "SetOCGState": true, "Hide": true, "Trans": true, "ResetForm": true,
}

// droppedAnnotations carry files or media, which can run or fetch things.
var droppedAnnotations = map[string]bool{
	"FileAttachment": true, "Sound": true, "Movie": true, "Screen": true, "RichMedia": true, "3D": true,
}

// cleanPDFObjects strips every object pdfcpu read. Objects are visited one
// by one from the table, so nothing depends on how they are linked.
func cleanPDFObjects(ctx *model.Context) {
	ctx.Info = nil // pdfcpu writes a new one naming only itself
	ctx.ID = nil   // the first ID is meant to stay with the file from its creation
	for _, name := range droppedPDFKeys {
		delete(ctx.Names, name) // else pdfcpu writes its cached name trees back
	}
	for _, entry := range ctx.Table {
		if entry == nil || entry.Free {
			continue
		}
		switch o := entry.Object.(type) {
		case types.StreamDict:
			cleanPDFDict(ctx, o.Dict)
			if stripped, ok := stripJPEGStream(o); ok {
				entry.Object = stripped
			}
		default:
			cleanPDFObject(ctx, o)
		}
	}
}

// cleanPDFObject cleans the dictionaries directly inside o.
func cleanPDFObject(ctx *model.Context, o types.Object) {
	switch o := o.(type) {
	case types.Dict:
		cleanPDFDict(ctx, o)
	case types.Array:
		for _, v := range o {
			cleanPDFObject(ctx, v)
		}
	}
}

func cleanPDFDict(ctx *model.Context, d types.Dict) {
	for _, k := range droppedPDFKeys {
		d.Delete(k)
	}
	if st := d.Subtype(); st != nil && *st != "Widget" && (d.Type() == nil || *d.Type() == "Annot") {
		// An annotation's T is its author; a form field's T (on widgets
		// and on field dictionaries, which have no Subtype) is its name.
		d.Delete("T")
	}
	for k, v := range d {
		// A and Next hold actions (of links, outline items, fields and
		// other actions); elsewhere /S means other things.
		action := k == "A" || k == "Next"
		if dangerousPDFObject(ctx, v, action) {
			d.Delete(k)
			continue
		}
		if a, ok := v.(types.Array); ok {
			// Such as a file attachment in a page's Annots.
			kept := a[:0]
			for _, e := range a {
				if !dangerousPDFObject(ctx, e, action) {
					kept = append(kept, e)
				}
			}
			d[k] = kept
			v = kept
		}
		cleanPDFObject(ctx, v)
	}
}

// dangerousPDFObject reports whether o is, or refers to, an annotation
// that carries a file or media, a signature or, when o holds an action, an
// action that runs or fetches something.
func dangerousPDFObject(ctx *model.Context, o types.Object, action bool) bool {
	o, err := ctx.Dereference(o)
	if err != nil {
		return false
	}
	d, ok := o.(types.Dict)
	if !ok {
		return false
	}
	if st := d.Subtype(); st != nil && droppedAnnotations[*st] {
		return true
	}
	switch t := d.Type(); {
	case t == nil:
	case *t == "Sig" || *t == "DocTimeStamp":
		// A signature names the signer (Name, its certificate) and where
		// and when she signed; rewriting the file breaks it anyway, so the
		// field is left unsigned.
		return true
	case *t == "Action":
		action = true
	}
	s := d.NameEntry("S")
	if !action || s == nil {
		return false
	}
	if *s == "URI" {
		uri, _ := ctx.Dereference(d["URI"])
		return !safeLink(pdfString(uri))
	}
	return !inertActions[*s]
}

// pdfString returns the text of a string object, or "".
func pdfString(o types.Object) string {
	switch s := o.(type) {
	case types.StringLiteral:
		if t, err := types.StringLiteralToString(s); err == nil {
			return t
		}
	case types.HexLiteral:
		if t, err := types.HexLiteralToString(s); err == nil {
			return t
		}
	}
	return ""
}

// stripJPEGStream removes the metadata segments of a picture stored as a
// JPEG (DCTDecode, its only filter), losslessly: pdfcpu offers no way to
// strip a picture's own metadata.
func stripJPEGStream(sd types.StreamDict) (types.StreamDict, bool) {
	if len(sd.FilterPipeline) != 1 || sd.FilterPipeline[0].Name != "DCTDecode" {
		return sd, false
	}
	if st := sd.Subtype(); st == nil || *st != "Image" {
		return sd, false
	}
	raw, ok := stripJPEGMetadata(sd.Raw)
	if !ok {
		return sd, false
	}
	sd.Raw = raw
	n := int64(len(raw))
	sd.StreamLength = &n
	sd.StreamLengthObjNr = nil
	sd.Update("Length", types.Integer(n))
	return sd, true
}

// stripJPEGMetadata drops the APP1–APP15 and COM segments before the first
// scan, which hold EXIF (with GPS), XMP, ICC profiles, maker notes and
// comments. APP0 (JFIF) and an Adobe APP14, which say how to decode the
// colours and name no one, stay. ok is false when b is not a JPEG whose
// segments can be followed.
func stripJPEGMetadata(b []byte) (out []byte, ok bool) {
	if len(b) < 4 || b[0] != 0xff || b[1] != 0xd8 {
		return nil, false
	}
	out = append(make([]byte, 0, len(b)), b[:2]...)
	for i := 2; ; {
		if i+4 > len(b) || b[i] != 0xff {
			return nil, false
		}
		m := b[i+1]
		if m == 0xff { // fill byte
			i++
			continue
		}
		if m == 0xda || m == 0xd9 { // the scans: no more metadata
			return append(out, b[i:]...), true
		}
		n := int(b[i+2])<<8 | int(b[i+3])
		if n < 2 || i+2+n > len(b) {
			return nil, false
		}
		seg := b[i : i+2+n]
		metadata := m == 0xfe || m >= 0xe1 && m <= 0xef
		if m == 0xee && strings.HasPrefix(string(seg[4:]), "Adobe") {
			metadata = false
		}
		if !metadata {
			out = append(out, seg...)
		}
		i += 2 + n
	}
}
