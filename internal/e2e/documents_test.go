package e2e_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"testing"

	"github.com/storydesk/storydesk/internal/testenv"
)

const docxType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

// TestStoredDocumentsAreClean submits a Word document and a PDF full of
// their author's traces and of things that run or fetch on opening: what
// is stored and handed to editors holds none of them, its recorded size and
// hash are those of the stored bytes, and LibreOffice still opens the DOCX.
func TestStoredDocumentsAreClean(t *testing.T) {
	t.Parallel()
	for _, db := range dbs() {
		t.Run(db, func(t *testing.T) {
			t.Parallel()
			b := setup(t, options{db: db})
			code, res := b.submit(validFields(),
				file{"mi historia.docx", docxType, testenv.DOCXWithTraces(t)},
				file{"carta.pdf", "application/pdf", testenv.PDFWithTraces(t)})
			if code != http.StatusCreated {
				t.Fatalf("submit: %d %v", code, res)
			}
			s, err := b.app.Store.Submission(context.Background(), res["id"].(string))
			if err != nil {
				t.Fatal(err)
			}
			if len(s.Attachments) != 2 {
				t.Fatalf("%d attachments stored, want 2", len(s.Attachments))
			}
			for _, a := range s.Attachments {
				obj, err := b.app.Blob.Open(context.Background(), a.ObjectKey)
				if err != nil {
					t.Fatal(err)
				}
				var buf bytes.Buffer
				buf.ReadFrom(obj)
				obj.Close()
				data := buf.Bytes()
				if sum := sha256.Sum256(data); a.SHA256 != hex.EncodeToString(sum[:]) || a.Size != int64(len(data)) {
					t.Errorf("%s: row says %d bytes %s, stored %d bytes %x", a.Filename, a.Size, a.SHA256, len(data), sum)
				}
				var leaks []string
				switch a.ContentType {
				case docxType:
					leaks = testenv.DOCXLeaks(t, data)
					if txt := docxBytesText(t, data); !strings.Contains(txt, "Mi historia") {
						t.Errorf("LibreOffice reads the stored DOCX as %q", txt)
					}
				case "application/pdf":
					leaks = testenv.PDFLeaks(t, data)
				default:
					t.Errorf("stored as %s", a.ContentType)
				}
				for _, l := range leaks {
					t.Errorf("%s: %s", a.Filename, l)
				}
			}
		})
	}
}

// TestActiveDocumentsRefused: a macro-enabled document whose content type
// hides behind a character reference is refused with 415 naming the field.
func TestActiveDocumentsRefused(t *testing.T) {
	t.Parallel()
	b := setup(t, options{db: "sqlite"})
	parts := testenv.DOCXParts(t, testenv.DOCXWithTraces(t))
	parts["[Content_Types].xml"] = []byte(strings.Replace(string(parts["[Content_Types].xml"]),
		"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
		"application/vnd.ms-word.document.macro&#69;nabled.main+xml", 1))
	macro := testenv.ZipOf(t, parts)
	code, res := b.submit(validFields(), file{"story.docx", docxType, macro})
	if code != http.StatusUnsupportedMediaType || !strings.Contains(res["error"].(string), "attachments") {
		t.Fatalf("macro-enabled DOCX: %d %v, want 415 naming attachments", code, res)
	}
}
