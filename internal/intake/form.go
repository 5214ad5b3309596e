package intake

import (
	"errors"
	"io"
	"mime/multipart"
	"strings"
)

// Limits bound what one submission may carry.
type Limits struct {
	MaxFiles     int
	MaxFileBytes int64
	MaxPixels    int
}

// Size limits of the other text fields, in bytes as read from the wire
// (the body's is MaxBodyBytes); the rune-based limits of the contract are
// checked in validate.
const (
	maxFieldBytes = 4 << 10
	maxParts      = 64 // a form has about 15 fields; 1,500-part bodies are refused early
)

// Input is one submission as the client sent it, before validation.
// Attachments are spooled to private temp files; call Close when done.
type Input struct {
	Kind, Title, Body, Language              string
	AuthorName, AuthorRole, Site             string
	ContactEmail, ContactPhone               string
	ConsentPublish, Pseudonym, ConsentPhotos string
	Honeypot                                 string // the form's hidden "website" field: people leave it empty
	UILang                                   string
	Files                                    []*Upload
}

// Upload is one attachment, held in memory or in a temp file (see Spool).
type Upload struct {
	Filename string // as the client sent it; cleaned before display
	Size     int64
	path     string // the temp file; "" when held in memory
	data     []byte // the bytes when held in memory
	sha256   []byte // of the bytes, taken on the way in
	// release gives data's room back to the Spool, and data itself when
	// reuse is true.
	release func(reuse bool)
	// failedPut is set when the bytes were the body of a PUT that failed.
	failedPut bool
}

// Close frees the attachments: temp files removed, memory given back.
func (in *Input) Close() {
	for _, f := range in.Files {
		f.discard()
	}
}

// Values returns the text fields by their contract names, to re-fill a form.
func (in *Input) Values() map[string]string {
	return map[string]string{
		"kind": in.Kind, "title": in.Title, "body": in.Body, "language": in.Language,
		"author_name": in.AuthorName, "author_role": in.AuthorRole, "site": in.Site,
		"contact_email": in.ContactEmail, "contact_phone": in.ContactPhone,
		"consent_publish": in.ConsentPublish, "pseudonym": in.Pseudonym, "consent_photos": in.ConsentPhotos,
	}
}

func (in *Input) field(name string) *string {
	switch name {
	case "kind":
		return &in.Kind
	case "title":
		return &in.Title
	case "body":
		return &in.Body
	case "language":
		return &in.Language
	case "author_name":
		return &in.AuthorName
	case "author_role":
		return &in.AuthorRole
	case "site":
		return &in.Site
	case "contact_email":
		return &in.ContactEmail
	case "contact_phone":
		return &in.ContactPhone
	case "consent_publish":
		return &in.ConsentPublish
	case "pseudonym":
		return &in.Pseudonym
	case "consent_photos":
		return &in.ConsentPhotos
	case "website":
		return &in.Honeypot
	case "ui_lang":
		return &in.UILang
	}
	return nil
}

// ReadForm reads a multipart submission part by part, so memory stays bounded
// whatever the client sends: text fields are capped, files are held by sp and
// cut off at the size limit.
//
// A refusal never costs the submitter what they typed: the Input always
// comes back with the text fields, beside the error. Once a file is refused
// (too large, one too many) the files are let go and the rest of the body is
// only read for its text, so the form can be shown again filled in. On
// error no file is left on disk or held.
func ReadForm(mr *multipart.Reader, lim Limits, sp *Spool) (*Input, error) {
	return readForm(mr, lim, sp, false)
}

// ReadText reads only the text fields of a multipart submission and lets
// every file go unread: for a request refused before its files matter (the
// rate limit), whose text must still come back on the form.
func ReadText(mr *multipart.Reader) (*Input, error) {
	return readForm(mr, Limits{}, nil, true)
}

func readForm(mr *multipart.Reader, lim Limits, sp *Spool, textOnly bool) (*Input, error) {
	in := &Input{}
	r := formReader{in: in, lim: lim, sp: sp, skipFiles: textOnly}
	if err := r.read(mr); err != nil {
		in.Close()
		in.Files = nil
		return in, err
	}
	return in, nil
}

// formReader reads one form; refused holds the first problem found, after
// which files are skipped but text is still read.
type formReader struct {
	in        *Input
	lim       Limits
	sp        *Spool
	skipFiles bool
	refused   *ValidationError
}

func (r *formReader) refuse(e *ValidationError) {
	if r.refused == nil {
		r.refused = e
	} else {
		for f, c := range e.Fields {
			r.refused.add(f, c)
		}
		if r.refused.Err == nil {
			r.refused.Err = e.Err
		}
	}
	// The form is coming back: the files are let go now, not after the body.
	r.in.Close()
	r.in.Files = nil
	r.skipFiles = true
}

// read returns the refusal, or a read error (which ends the reading: what
// was read so far stays on the Input).
func (r *formReader) read(mr *multipart.Reader) error {
	for parts := 0; ; parts++ {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return r.fail(readError(err))
		}
		if parts >= maxParts {
			return r.fail(fieldError("form", CodeRequestTooLarge))
		}
		err = r.part(p)
		var ve *ValidationError
		switch {
		case errors.As(err, &ve):
			return r.fail(ve)
		case err != nil:
			return err
		}
	}
	if r.refused != nil {
		return r.refused
	}
	return nil
}

// fail ends the reading with err, keeping any refusal found before it.
func (r *formReader) fail(err *ValidationError) error {
	r.refuse(err)
	return r.refused
}

// part reads one part; an error it returns ends the reading, a refusal it
// records does not. The multipart reader skips whatever of a part is left
// unread when the next one is asked for.
func (r *formReader) part(p *multipart.Part) error {
	name := p.FormName()
	if p.FileName() != "" {
		switch {
		case r.skipFiles:
		case name != "attachments":
			r.refuse(fieldError(name, CodeUnknownField))
		case len(r.in.Files) >= r.lim.MaxFiles:
			r.refuse(fieldError("attachments", CodeTooManyFiles))
		default:
			u, err := r.sp.take(p, r.lim.MaxFileBytes)
			var ve *ValidationError
			switch {
			case errors.As(err, &ve) && ve.Fields["attachments"] == CodeFileTooLarge:
				r.refuse(ve)
			case err != nil:
				return err
			case u != nil:
				r.in.Files = append(r.in.Files, u)
			}
		}
		return nil
	}
	dst := r.in.field(name)
	limit := int64(maxFieldBytes)
	if name == "body" {
		limit = MaxBodyBytes
	}
	// Unknown text fields are read but not kept: clients may send extras. A
	// browser sends an empty "attachments" part when no file was chosen.
	b, err := io.ReadAll(io.LimitReader(p, limit+1))
	if err != nil {
		return readError(err)
	}
	if dst == nil || name == "attachments" {
		return nil
	}
	if int64(len(b)) > limit {
		r.refuse(fieldError(name, CodeTooLong))
		// What fits comes back on the form to be shortened, not lost.
		b = []byte(strings.ToValidUTF8(string(b[:limit]), ""))
	}
	if *dst == "" {
		*dst = string(b)
	}
	return nil
}

func trimAll(in *Input) {
	for _, s := range []*string{&in.Kind, &in.Language, &in.AuthorRole, &in.ConsentPublish, &in.ConsentPhotos, &in.ContactEmail, &in.ContactPhone} {
		*s = strings.TrimSpace(*s)
	}
}

// readError reports a body that could not be read; it keeps the cause so the
// caller can tell a size cap (413) from a malformed body (400).
func readError(err error) *ValidationError {
	e := fieldError("form", CodeMalformed)
	e.Err = err
	return e
}
