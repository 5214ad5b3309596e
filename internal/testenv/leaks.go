package testenv

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"maps"
	"slices"
	"testing"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// DOCXLeaks returns "trace in part" for each DOCXTraces string found in
// any part of the DOCX b, decompressed.
func DOCXLeaks(t testing.TB, b []byte) []string {
	t.Helper()
	return leaksIn(DOCXParts(t, b), DOCXTraces())
}

// DOCXParts returns every part of a DOCX (or any ZIP), decompressed, by name.
func DOCXParts(t testing.TB, b []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("testenv: not a ZIP: %v", err)
	}
	parts := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatalf("testenv: open %s: %v", f.Name, err)
		}
		parts[f.Name], err = io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatalf("testenv: read %s: %v", f.Name, err)
		}
	}
	return parts
}

// ZipOf writes parts into a ZIP archive, in the order of their names.
func ZipOf(t testing.TB, parts map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range slices.Sorted(maps.Keys(parts)) {
		f, err := zw.Create(name)
		if err == nil {
			_, err = f.Write(parts[name])
		}
		if err != nil {
			t.Fatalf("testenv: zip %s: %v", name, err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatalf("testenv: zip: %v", err)
	}
	return buf.Bytes()
}

// PDFLeaks returns "trace in place" for each PDFTraces string found in the
// PDF b, in any object or any stream decoded by pdfcpu. It fails the test
// if pdfcpu cannot read or validate b.
func PDFLeaks(t testing.TB, b []byte) []string {
	t.Helper()
	return leaksIn(PDFTexts(t, b), PDFTraces())
}

// PDFTexts returns the PDF's bytes, each object as PDF syntax and each
// stream decoded, by where they were found.
func PDFTexts(t testing.TB, b []byte) map[string][]byte {
	t.Helper()
	api.DisableConfigDir() // pdfcpu would otherwise write its configuration under $HOME
	conf := api.LoadConfiguration()
	if err := api.Validate(bytes.NewReader(b), conf); err != nil {
		t.Fatalf("testenv: pdfcpu does not validate the PDF: %v", err)
	}
	ctx, err := api.ReadContext(bytes.NewReader(b), conf)
	if err != nil {
		t.Fatalf("testenv: pdfcpu cannot read the PDF: %v", err)
	}
	texts := map[string][]byte{"the file": b}
	for nr, e := range ctx.Table {
		if e == nil || e.Free || e.Object == nil {
			continue
		}
		texts[fmt.Sprintf("object %d", nr)] = []byte(e.Object.PDFString())
		if sd, ok := e.Object.(types.StreamDict); ok {
			if err := sd.Decode(); err == nil {
				texts[fmt.Sprintf("stream %d", nr)] = sd.Content
			}
		}
	}
	return texts
}

func leaksIn(texts map[string][]byte, traces []string) []string {
	var found []string
	for where, body := range texts {
		for _, tr := range traces {
			if bytes.Contains(body, []byte(tr)) {
				found = append(found, fmt.Sprintf("%q in %s", tr, where))
			}
		}
	}
	return found
}
