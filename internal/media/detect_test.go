package media

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestDetect(t *testing.T) {
	validDOCX := buildZip(t, docxParts(docxMainType)...)
	manyParts := docxParts(docxMainType)
	for i := range maxZipEntries {
		manyParts = append(manyParts, zipEntry{fmt.Sprintf("word/media/p%d.xml", i), []byte("x")})
	}
	tests := []struct {
		name       string
		content    []byte
		want       Type
		wantErr    error
		wantReason string
	}{
		{name: "JPEG", content: jpegWithMetadata(t, 40, 20), want: JPEG},
		{name: "PNG", content: pngWithMetadata(t, 40, 20), want: PNG},
		{name: "pixel flood PNG is still a PNG", content: pixelFloodPNG(t), want: PNG},
		{name: "WebP lossy", content: readTestdata(t, "blue-purple-pink.lossy.webp"), want: WebP},
		{name: "WebP lossless", content: readTestdata(t, "gopher-doc.with-alpha.lossless.webp"), want: WebP},
		{name: "PDF", content: []byte("%PDF-1.7\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n"), want: PDF},
		{name: "DOCX", content: validDOCX, want: DOCX},
		{
			name:    "JPEG polyglot with HTML is accepted because it is re-encoded",
			content: append([]byte("\xff\xd8\xff\xfe\x00\x20<html><script>alert(1)</script>"), make([]byte, 100)...),
			want:    JPEG,
		},
		{name: "PDF after junk", content: []byte("junk\n%PDF-1.7\n"), wantErr: ErrUnsupported, wantReason: "unknown file type"},
		{name: "Windows executable named anything", content: []byte("MZ\x90\x00\x03\x00\x00\x00PE\x00\x00"), wantErr: ErrUnsupported, wantReason: "executable files are not accepted"},
		{name: "ELF", content: []byte("\x7fELF\x02\x01\x01\x00"), wantErr: ErrUnsupported, wantReason: "executable files are not accepted"},
		{name: "Mach-O", content: []byte{0xcf, 0xfa, 0xed, 0xfe, 7, 0, 0, 1}, wantErr: ErrUnsupported, wantReason: "executable files are not accepted"},
		{name: "shell script", content: []byte("#!/bin/sh\nrm -rf /\n"), wantErr: ErrUnsupported, wantReason: "executable files are not accepted"},
		{name: "SVG", content: []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`), wantErr: ErrUnsupported, wantReason: "SVG images are not accepted"},
		{
			name:       "SVG with BOM, prolog and doctype",
			content:    []byte("\xef\xbb\xbf\n<?xml version=\"1.0\"?>\n<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"x\">\n<SVG><script>alert(1)</script></SVG>"),
			wantErr:    ErrUnsupported,
			wantReason: "SVG images are not accepted",
		},
		{name: "HTML", content: []byte("<!DOCTYPE html><html><body>hi</body></html>"), wantErr: ErrUnsupported, wantReason: "HTML is not accepted"},
		{name: "HTML fragment with script", content: []byte("  <p>hi</p><script>alert(1)</script>"), wantErr: ErrUnsupported, wantReason: "HTML is not accepted"},
		{name: "plain text", content: []byte("just some words"), wantErr: ErrUnsupported, wantReason: "unknown file type"},
		{name: "GIF", content: []byte("GIF89a\x01\x00\x01\x00"), wantErr: ErrUnsupported, wantReason: "unknown file type"},
		{name: "empty", content: nil, wantErr: ErrUnsupported, wantReason: "the file is empty"},
		{name: "old Word", content: []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00"), wantErr: ErrUnsupported, wantReason: ".doc"},
		{name: "damaged ZIP", content: []byte("PK\x03\x04 this is not really a zip"), wantErr: ErrUnsupported, wantReason: "damaged"},
		{
			name:       "ZIP without word/document.xml",
			content:    buildZip(t, docxParts(docxMainType)[:2]...),
			wantErr:    ErrUnsupported,
			wantReason: "ZIP archives are not accepted",
		},
		{
			name:       "ZIP of other files",
			content:    buildZip(t, zipEntry{"evil.exe", []byte("MZ")}),
			wantErr:    ErrUnsupported,
			wantReason: "ZIP archives are not accepted",
		},
		{
			name:       "spreadsheet with the right part names",
			content:    buildZip(t, docxParts("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml")...),
			wantErr:    ErrUnsupported,
			wantReason: "only Word documents",
		},
		{
			name:       "macro-enabled content type",
			content:    buildZip(t, docxParts("application/vnd.ms-word.document.macroEnabled.main+xml")...),
			wantErr:    ErrUnsupported,
			wantReason: "macros",
		},
		{
			name: "macro-enabled content type behind a character reference",
			// The styles override closes the main one's attribute, so that
			// "wordprocessingml" appears in the file as in a real document.
			content: buildZip(t, docxParts("application/vnd.ms-word.document.macro&#69;nabled.main+xml\"/>"+
				"<Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml")...),
			wantErr:    ErrUnsupported,
			wantReason: "macros",
		},
		{
			name:       "main part merely mentions wordprocessingml",
			content:    buildZip(t, docxParts("application/x-wordprocessingml-but-not")...),
			wantErr:    ErrUnsupported,
			wantReason: "only Word documents",
		},
		{
			name:       "VBA project part",
			content:    buildZip(t, append(docxParts(docxMainType), zipEntry{"word/vbaProject.bin", []byte("Attribute VB_Name")})...),
			wantErr:    ErrUnsupported,
			wantReason: "macros",
		},
		{name: "too many entries", content: buildZip(t, manyParts...), wantErr: ErrBomb, wantReason: "more than 1000 parts"},
		{name: "one entry expands 1000:1", content: zipBomb(t, 10<<20), wantErr: ErrBomb, wantReason: "expands too much"},
		{name: "200 MiB zip bomb", content: zipBomb(t, 200<<20), wantErr: ErrBomb, wantReason: "more than 100 MiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Detect(bytes.NewReader(tt.content), int64(len(tt.content)))
			if tt.wantErr == nil {
				if err != nil || got != tt.want {
					t.Fatalf("Detect = %v, %v; want %v, nil", got, err, tt.want)
				}
				return
			}
			if !errors.Is(err, tt.wantErr) || !errors.Is(err, ErrUnsupported) {
				t.Fatalf("Detect = %v, %v; want an error matching %v and ErrUnsupported", got, err, tt.wantErr)
			}
			reason, ok := Reason(err)
			if !ok || !strings.Contains(reason, tt.wantReason) {
				t.Errorf("Reason(%v) = %q, %v; want it to contain %q", err, reason, ok, tt.wantReason)
			}
		})
	}
}

func TestReasonIgnoresOtherErrors(t *testing.T) {
	tests := []struct {
		name   string
		err    error
		want   string
		wantOK bool
	}{
		{"rejection", reject("HTML is not accepted"), "HTML is not accepted", true},
		{"wrapped rejection", fmt.Errorf("intake: %w", rejectBomb("too big")), "too big", true},
		{"read error", errors.New("disk on fire"), "", false},
		{"nil", nil, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Reason(tt.err)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("Reason(%v) = %q, %v; want %q, %v", tt.err, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestTypeMethods(t *testing.T) {
	tests := []struct {
		typ                   Type
		contentType, ext, str string
		image                 bool
	}{
		{JPEG, "image/jpeg", ".jpg", "JPEG", true},
		{PNG, "image/png", ".png", "PNG", true},
		{WebP, "image/webp", ".webp", "WebP", true},
		{PDF, "application/pdf", ".pdf", "PDF", false},
		{DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx", "DOCX", false},
		{Type(0), "application/octet-stream", "", "Type(0)", false},
	}
	for _, tt := range tests {
		t.Run(tt.str, func(t *testing.T) {
			if got := tt.typ.ContentType(); got != tt.contentType {
				t.Errorf("ContentType() = %q, want %q", got, tt.contentType)
			}
			if got := tt.typ.Ext(); got != tt.ext {
				t.Errorf("Ext() = %q, want %q", got, tt.ext)
			}
			if got := tt.typ.String(); got != tt.str {
				t.Errorf("String() = %q, want %q", got, tt.str)
			}
			if got := tt.typ.IsImage(); got != tt.image {
				t.Errorf("IsImage() = %v, want %v", got, tt.image)
			}
			if got := TypeOf(tt.contentType); got != tt.typ {
				t.Errorf("TypeOf(%q) = %v, want %v", tt.contentType, got, tt.typ)
			}
		})
	}
}

func TestFileName(t *testing.T) {
	tests := []struct {
		typ        Type
		name, want string
	}{
		{PDF, "story.html", "story.pdf"},
		{JPEG, "holiday.webp", "holiday.jpg"},
		{PNG, "scan.PNG", "scan.png"},
		{DOCX, "letter", "letter.docx"},
		{PDF, "report.pdf.exe", "report.pdf.pdf"},
		{JPEG, ".htaccess", "file.jpg"},
		{Type(0), "run.sh", "run"},
	}
	for _, tt := range tests {
		if got := tt.typ.FileName(tt.name); got != tt.want {
			t.Errorf("%v.FileName(%q) = %q, want %q", tt.typ, tt.name, got, tt.want)
		}
	}
}
