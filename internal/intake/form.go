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
// cut off at the size limit. On error nothing is left on disk or held.
func ReadForm(mr *multipart.Reader, lim Limits, sp *Spool) (*Input, error) {
	in := &Input{}
	out, err := readParts(mr, lim, sp, in)
	if err != nil {
		in.Close()
		return nil, err
	}
	return out, nil
}

func readParts(mr *multipart.Reader, lim Limits, sp *Spool, in *Input) (*Input, error) {
	for parts := 0; ; parts++ {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return in, nil
		}
		if err != nil {
			return nil, readError(err)
		}
		if parts >= maxParts {
			return nil, fieldError("form", CodeRequestTooLarge)
		}
		name := p.FormName()
		if p.FileName() != "" {
			if name != "attachments" {
				return nil, fieldError(name, CodeUnknownField)
			}
			if len(in.Files) >= lim.MaxFiles {
				return nil, fieldError("attachments", CodeTooManyFiles)
			}
			u, err := sp.take(p, lim.MaxFileBytes)
			if err != nil {
				return nil, err
			}
			if u != nil {
				in.Files = append(in.Files, u)
			}
			continue
		}
		if name == "attachments" {
			// A browser sends an empty part with no file name when no file was chosen.
			if _, err := io.Copy(io.Discard, io.LimitReader(p, 1)); err != nil {
				return nil, readError(err)
			}
			continue
		}
		dst := in.field(name)
		if dst == nil {
			// Unknown text fields are ignored, not stored: clients may send extras.
			if _, err := io.Copy(io.Discard, io.LimitReader(p, maxFieldBytes)); err != nil {
				return nil, readError(err)
			}
			continue
		}
		limit := int64(maxFieldBytes)
		if name == "body" {
			limit = MaxBodyBytes
		}
		b, err := io.ReadAll(io.LimitReader(p, limit+1))
		if err != nil {
			return nil, readError(err)
		}
		if int64(len(b)) > limit {
			return nil, fieldError(name, CodeTooLong)
		}
		if *dst == "" {
			*dst = string(b)
		}
	}
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
