package intake

import (
	"bufio"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"os"
	"strings"
)

// Limits bound what one submission may carry.
type Limits struct {
	MaxFiles     int
	MaxFileBytes int64
	MaxPixels    int
}

// Size limits of the text fields, in bytes as read from the wire; the
// rune-based limits of the contract are checked in validate.
const (
	maxBodyBytes  = 64 << 10
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

// Upload is one attachment spooled to disk.
type Upload struct {
	Filename string // as the client sent it; cleaned before display
	Size     int64
	path     string
	sha256   []byte // of the spooled bytes, taken on the way in
}

// Close removes the spooled files.
func (in *Input) Close() {
	for _, f := range in.Files {
		os.Remove(f.path)
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
// whatever the client sends: text fields are capped, files are streamed to temp
// files in dir and cut off at the size limit. On error nothing is left on disk.
func ReadForm(mr *multipart.Reader, lim Limits, dir string) (*Input, error) {
	in := &Input{}
	out, err := readParts(mr, lim, dir, in)
	if err != nil {
		in.Close()
		return nil, err
	}
	return out, nil
}

func readParts(mr *multipart.Reader, lim Limits, dir string, in *Input) (*Input, error) {
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
			u, err := spool(p, lim.MaxFileBytes, dir)
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
			limit = maxBodyBytes
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

// spoolBuffer is the write size of spooled uploads.
const spoolBuffer = 256 << 10

// spool copies one file part to a private temp file, refusing it past max bytes.
// An empty part is dropped (nil, nil).
func spool(p *multipart.Part, max int64, dir string) (*Upload, error) {
	f, err := os.CreateTemp(dir, "upload-*")
	if err != nil {
		return nil, fmt.Errorf("intake: spool: %w", err)
	}
	// A part yields at most 4 KiB a read; without the buffer that is one
	// write syscall per 4 KiB, most of intake's CPU on a large file. The
	// wrappers hide ReadFrom/WriteTo, which would bypass the buffer. The
	// hash is taken on the way in, so the file is not read once more for it.
	w := bufio.NewWriterSize(f, spoolBuffer)
	h := sha256.New()
	n, err := io.CopyBuffer(io.MultiWriter(w, h), struct{ io.Reader }{io.LimitReader(p, max+1)}, make([]byte, 32<<10))
	if err == nil {
		err = w.Flush()
	}
	cerr := f.Close()
	if err == nil {
		err = cerr
	}
	switch {
	case err != nil:
		os.Remove(f.Name())
		return nil, readError(err)
	case n > max:
		os.Remove(f.Name())
		e := fieldError("attachments", CodeFileTooLarge)
		e.detail("attachments", fmt.Sprintf("the limit is %d MiB per file", max>>20))
		return nil, e
	case n == 0:
		os.Remove(f.Name())
		return nil, nil
	}
	return &Upload{Filename: p.FileName(), Size: n, path: f.Name(), sha256: h.Sum(nil)}, nil
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
