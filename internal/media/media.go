// Package media decides which uploaded files StoryDesk accepts, by their
// content alone, and cleans every one before it is stored: images are
// re-encoded from their pixels so that nothing a camera or phone wrote into
// the file (GPS position, device serial numbers, the owner's name,
// thumbnails of the uncropped photo) reaches storage, and Word documents
// and PDFs are rewritten without their authors, metadata, pictures'
// metadata, and anything that runs or fetches when they are opened.
package media

import (
	"errors"
	"fmt"
	"path"
	"strings"
)

// Type is a kind of file StoryDesk accepts.
type Type int

// The accepted types. The zero value is not one of them.
const (
	JPEG Type = iota + 1
	PNG
	WebP
	PDF
	DOCX
)

// ContentType returns the MIME type to store and serve the file with.
func (t Type) ContentType() string {
	switch t {
	case JPEG:
		return "image/jpeg"
	case PNG:
		return "image/png"
	case WebP:
		return "image/webp"
	case PDF:
		return "application/pdf"
	case DOCX:
		return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	}
	return "application/octet-stream"
}

// Ext returns the file name extension, with its dot, for downloads.
func (t Type) Ext() string {
	switch t {
	case JPEG:
		return ".jpg"
	case PNG:
		return ".png"
	case WebP:
		return ".webp"
	case PDF:
		return ".pdf"
	case DOCX:
		return ".docx"
	}
	return ""
}

// FileName returns name with its extension replaced by the type's, so that
// a file is offered under what it is, never under what its sender called
// it: a PDF sent as story.html downloads as story.pdf, a WebP stored as
// JPEG as photo.jpg. The zero Type leaves no extension at all.
func (t Type) FileName(name string) string {
	stem := strings.TrimSuffix(name, path.Ext(name))
	if stem == "" {
		stem = "file"
	}
	return stem + t.Ext()
}

// TypeOf returns the accepted type whose ContentType is contentType, and
// the zero Type for any other.
func TypeOf(contentType string) Type {
	for t := JPEG; t <= DOCX; t++ {
		if t.ContentType() == contentType {
			return t
		}
	}
	return 0
}

// IsImage reports whether the type is re-encoded by Reencode.
func (t Type) IsImage() bool {
	return t == JPEG || t == PNG || t == WebP
}

// String returns a short name for logs and messages.
func (t Type) String() string {
	switch t {
	case JPEG:
		return "JPEG"
	case PNG:
		return "PNG"
	case WebP:
		return "WebP"
	case PDF:
		return "PDF"
	case DOCX:
		return "DOCX"
	}
	return fmt.Sprintf("Type(%d)", int(t))
}

// ErrUnsupported is wrapped by every refusal of a file's content; callers
// answer it with 415. errors.As with *RejectError gives the reason.
var ErrUnsupported = errors.New("media: file type not accepted")

// ErrBomb is wrapped when an archive would expand to far more than it
// weighs. It also matches ErrUnsupported.
var ErrBomb = fmt.Errorf("media: archive expands too much: %w", ErrUnsupported)

// ErrTooManyPixels is returned by Reencode for an image whose declared size
// exceeds the pixel budget, before any pixel memory is allocated.
var ErrTooManyPixels = errors.New("media: image has too many pixels")

// ErrTooMuchMemory is wrapped by a *MemoryError: decoding the image would
// take more memory than the whole Budget, whatever else is running.
var ErrTooMuchMemory = errors.New("media: image needs too much memory to decode")

// MemoryError refuses an image, by its header, whose decoding would take
// more than the whole budget: a small file can declare a large 16-bit image.
type MemoryError struct {
	Need, Budget int64 // bytes
}

// Error says how much the file needs and how much there is.
func (e *MemoryError) Error() string {
	return fmt.Sprintf("media: the file needs %d MiB to process, more than the %d MiB allowed", mib(e.Need), mib(e.Budget))
}

// Unwrap returns ErrTooMuchMemory.
func (e *MemoryError) Unwrap() error { return ErrTooMuchMemory }

// mib rounds bytes up to MiB.
func mib(n int64) int64 { return (n + 1<<20 - 1) >> 20 }

// RejectError is a refusal with a reason written for the submitter, such as
// "SVG images are not accepted".
type RejectError struct {
	// Reason is a sentence fit to show the person who uploaded the file.
	Reason string
	// Err matches ErrUnsupported or ErrBomb with errors.Is, and may also
	// wrap the decoder error that led to the refusal.
	Err error
}

// Error returns the reason prefixed with the package name.
func (e *RejectError) Error() string { return "media: " + e.Reason }

// Unwrap returns the sentinel the refusal wraps.
func (e *RejectError) Unwrap() error { return e.Err }

// reject builds a refusal of unsupported content.
func reject(reason string) error {
	return &RejectError{Reason: reason, Err: ErrUnsupported}
}

// rejectBomb builds a refusal of an archive that expands too much.
func rejectBomb(reason string) error {
	return &RejectError{Reason: reason, Err: ErrBomb}
}
