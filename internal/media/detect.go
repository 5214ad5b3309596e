package media

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// sniffLen is how much of a file Detect reads to decide what it is.
const sniffLen = 4096

// Detect identifies a file by its first bytes; the name and the declared
// type are never consulted, since both are chosen by the uploader. size is
// the file's length, needed to open a DOCX as a ZIP archive.
//
// Content that is not accepted yields a *RejectError wrapping
// ErrUnsupported (or ErrBomb for a ZIP bomb); other errors are read errors.
func Detect(r io.ReaderAt, size int64) (Type, error) {
	if size <= 0 {
		return 0, reject("the file is empty")
	}
	head := make([]byte, min(size, sniffLen))
	if _, err := io.ReadFull(io.NewSectionReader(r, 0, size), head); err != nil {
		return 0, fmt.Errorf("media: read file header: %w", err)
	}

	switch {
	case bytes.HasPrefix(head, []byte("\xff\xd8\xff")):
		// A JPEG can also be valid HTML or carry "<script" in a comment
		// (a polyglot). It is accepted only because Reencode rebuilds every
		// image from its pixels, which leaves none of that behind.
		return JPEG, nil
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		return PNG, nil
	case len(head) >= 12 && bytes.Equal(head[:4], []byte("RIFF")) && bytes.Equal(head[8:12], []byte("WEBP")):
		return WebP, nil
	case bytes.HasPrefix(head, []byte("%PDF-")):
		// Strict on purpose: readers tolerate leading junk, which is how
		// PDF polyglots are built. CleanPDF writes every PDF anew, which
		// leaves no junk around it either.
		return PDF, nil
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		if err := checkDOCX(r, size); err != nil {
			return 0, err
		}
		return DOCX, nil
	}
	return 0, refusal(head)
}

// executableMagic lists the starts of native programs and scripts: Windows
// PE, ELF, Mach-O (both byte orders, 32 and 64 bit, universal) and shebang.
func executableMagic() [][]byte {
	return [][]byte{
		[]byte("MZ"),
		[]byte("\x7fELF"),
		{0xfe, 0xed, 0xfa, 0xce}, {0xfe, 0xed, 0xfa, 0xcf},
		{0xce, 0xfa, 0xed, 0xfe}, {0xcf, 0xfa, 0xed, 0xfe},
		{0xca, 0xfe, 0xba, 0xbe},
		[]byte("#!"),
	}
}

// refusal explains, as precisely as the header allows, why a file is not
// accepted, so that the submitter knows what to send instead.
func refusal(head []byte) error {
	for _, magic := range executableMagic() {
		if bytes.HasPrefix(head, magic) {
			return reject("executable files are not accepted")
		}
	}
	if bytes.HasPrefix(head, []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")) {
		return reject("older Word and Office files (.doc) are not accepted; save the document as .docx or PDF")
	}
	if bytes.HasPrefix(head, []byte("PK\x05\x06")) {
		return reject("the ZIP archive is empty")
	}

	text := bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")), " \t\r\n\f")
	if bytes.HasPrefix(text, []byte("<")) {
		lower := strings.ToLower(string(text))
		if strings.Contains(lower, "<svg") {
			// SVG is XML that browsers run script in.
			return reject("SVG images are not accepted")
		}
		if strings.HasPrefix(http.DetectContentType(text), "text/html") ||
			strings.Contains(lower, "<html") || strings.Contains(lower, "<script") {
			return reject("HTML is not accepted")
		}
	}
	return reject("unknown file type")
}

// Reason returns the explanation to show the submitter when err refuses a
// file's content, and false when err is something else, such as a read error.
func Reason(err error) (string, bool) {
	var re *RejectError
	if errors.As(err, &re) {
		return re.Reason, true
	}
	return "", false
}
