package intake

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"os"
	"strings"
	"testing"
	"unicode/utf8"
)

func multipartReader(t *testing.T, fields [][2]string, files map[string][]byte) *multipart.Reader {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for _, f := range fields {
		w.WriteField(f[0], f[1])
	}
	for name, data := range files {
		p, err := w.CreateFormFile("attachments", name)
		if err != nil {
			t.Fatal(err)
		}
		p.Write(data)
	}
	w.Close()
	return multipart.NewReader(&buf, w.Boundary())
}

func codeOf(t *testing.T, err error, field string) string {
	t.Helper()
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("error %v is not a ValidationError", err)
	}
	return ve.Fields[field]
}

func TestReadFormLimits(t *testing.T) {
	lim := Limits{MaxFiles: 2, MaxFileBytes: 100}
	// The same limits whether files are held in memory or on disk.
	for _, mode := range []struct {
		name               string
		memFile, memBudget int64
	}{{"disk", 0, 0}, {"memory", 64, 1 << 10}, {"spill", 4, 1 << 10}} {
		t.Run(mode.name, func(t *testing.T) {
			dir := t.TempDir()
			sp := NewSpool(dir, mode.memFile, mode.memBudget)
			t.Run("ok", func(t *testing.T) {
				in, err := ReadForm(multipartReader(t, [][2]string{{"title", "T"}, {"title", "second ignored"}, {"extra", "x"}},
					map[string][]byte{"a.pdf": []byte("%PDF-"), "empty.pdf": nil}), lim, sp)
				if err != nil {
					t.Fatal(err)
				}
				if in.Title != "T" || len(in.Files) != 1 || in.Files[0].Size != 5 {
					t.Errorf("got %+v files %d", in, len(in.Files))
				}
				in.Close()
				if left, _ := os.ReadDir(dir); len(left) != 0 || sp.InMemory() != 0 {
					t.Errorf("Close left %d files, %d bytes held", len(left), sp.InMemory())
				}
			})
			tests := []struct {
				name   string
				fields [][2]string
				files  map[string][]byte
				field  string
				code   string
			}{
				{"file too large", nil, map[string][]byte{"a": make([]byte, 101)}, "attachments", CodeFileTooLarge},
				{"too many files", nil, map[string][]byte{"a": {1}, "b": {1}, "c": {1}}, "attachments", CodeTooManyFiles},
				{"long field", [][2]string{{"title", strings.Repeat("x", maxFieldBytes+1)}}, nil, "title", CodeTooLong},
				{"long body", [][2]string{{"body", strings.Repeat("x", MaxBodyBytes+1)}}, nil, "body", CodeTooLong},
				{"too many parts", manyParts(maxParts + 1), nil, "form", CodeRequestTooLarge},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					_, err := ReadForm(multipartReader(t, tt.fields, tt.files), lim, sp)
					if got := codeOf(t, err, tt.field); got != tt.code {
						t.Errorf("code %q, want %q (%v)", got, tt.code, err)
					}
					if left, _ := os.ReadDir(dir); len(left) != 0 || sp.InMemory() != 0 {
						t.Errorf("%d spooled files left behind, %d bytes held", len(left), sp.InMemory())
					}
				})
			}
		})
	}
}

// TestSpool checks where files are held and that each is read back whole,
// with the hash of exactly its bytes.
func TestSpool(t *testing.T) {
	dir := t.TempDir()
	sp := NewSpool(dir, 100, 150) // room for one 100-byte file in memory
	small, large := bytes.Repeat([]byte("s"), 100), bytes.Repeat([]byte("L"), 101)
	other := bytes.Repeat([]byte("o"), 60)
	in, err := ReadForm(multipartReader(t, nil, map[string][]byte{"a-small.pdf": small}), Limits{MaxFiles: 5, MaxFileBytes: 1000}, sp)
	if err != nil {
		t.Fatal(err)
	}
	// The budget is now taken: the next small file goes to disk, as does
	// any file over 100 bytes.
	in2, err := ReadForm(multipartReader(t, nil, map[string][]byte{"b-other.pdf": other, "c-large.pdf": large}), Limits{MaxFiles: 5, MaxFileBytes: 1000}, sp)
	if err != nil {
		t.Fatal(err)
	}
	files := append(append([]*Upload{}, in.Files...), in2.Files...)
	want := map[string][]byte{"a-small.pdf": small, "b-other.pdf": other, "c-large.pdf": large}
	wantDisk := map[string]bool{"a-small.pdf": false, "b-other.pdf": true, "c-large.pdf": true}
	if len(files) != 3 || sp.InMemory() != 100 {
		t.Fatalf("%d files, %d bytes held in memory", len(files), sp.InMemory())
	}
	for _, u := range files {
		if onDisk := u.path != ""; onDisk != wantDisk[u.Filename] {
			t.Errorf("%s: on disk %v, want %v", u.Filename, onDisk, wantDisk[u.Filename])
		}
		r, err := u.open()
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(r)
		r.Close()
		sum := sha256.Sum256(want[u.Filename])
		if err != nil || !bytes.Equal(got, want[u.Filename]) || u.Size != int64(len(got)) || !bytes.Equal(u.sha256, sum[:]) {
			t.Errorf("%s: read %d bytes (%v), size %d, hash %x", u.Filename, len(got), err, u.Size, u.sha256)
		}
	}
	if left, _ := os.ReadDir(dir); len(left) != 2 {
		t.Errorf("%d temp files, want 2", len(left))
	}
	in.Close()
	in2.Close()
	if left, _ := os.ReadDir(dir); len(left) != 0 || sp.InMemory() != 0 {
		t.Errorf("after Close: %d temp files, %d bytes held", len(left), sp.InMemory())
	}
}

func manyParts(n int) [][2]string {
	out := make([][2]string, n)
	for i := range out {
		out[i] = [2]string{fmt.Sprintf("f%d", i), "x"}
	}
	return out
}

func TestValidate(t *testing.T) {
	good := func() *Input {
		return &Input{Kind: "story", Title: "T", Body: "B", ConsentPublish: "anonymous"}
	}
	if err := validate(good()); err != nil {
		t.Fatalf("good input refused: %v", err)
	}
	tests := []struct {
		name  string
		edit  func(*Input)
		field string
		code  string
	}{
		{"kind", func(in *Input) { in.Kind = "" }, "kind", CodeRequired},
		{"kind choice", func(in *Input) { in.Kind = "novel" }, "kind", CodeInvalidChoice},
		{"title runes", func(in *Input) { in.Title = strings.Repeat("ñ", 201) }, "title", CodeTooLong},
		{"title 200 runes ok is not an error", func(in *Input) { in.Title = strings.Repeat("ñ", 200); in.Kind = "" }, "kind", CodeRequired},
		{"language", func(in *Input) { in.Language = "fr" }, "language", CodeInvalidChoice},
		{"consent", func(in *Input) { in.ConsentPublish = "public" }, "consent_publish", CodeInvalidChoice},
		{"pseudonym", func(in *Input) { in.ConsentPublish = "pseudonym" }, "pseudonym", CodePseudonymRequired},
		{"name byline needs a name", func(in *Input) { in.ConsentPublish = "name" }, "author_name", CodeRequired},
		{"email", func(in *Input) { in.ContactEmail = "a@b" }, "contact_email", CodeInvalidEmail},
		{"email display name", func(in *Input) { in.ContactEmail = "Eve <eve@example.org>" }, "contact_email", CodeInvalidEmail},
		{"phone letters", func(in *Input) { in.ContactPhone = "555-CALL-NOW" }, "contact_phone", CodeInvalidPhone},
		{"phone short", func(in *Input) { in.ContactPhone = "12345" }, "contact_phone", CodeInvalidPhone},
		{"utf8", func(in *Input) { in.Site = "\xff" }, "site", CodeInvalidText},
		{"nul", func(in *Input) { in.Pseudonym = "a\x00" }, "pseudonym", CodeInvalidText},
		{"photos", func(in *Input) { in.ConsentPhotos = "maybe" }, "consent_photos", CodeInvalidChoice},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := good()
			tt.edit(in)
			err := validate(in)
			if err == nil {
				t.Fatal("accepted")
			}
			if got := err.Fields[tt.field]; got != tt.code {
				t.Errorf("%s: code %q, want %q (all: %v)", tt.field, got, tt.code, err.Fields)
			}
		})
	}
	for _, phone := range []string{"+1 (512) 555-0134", "55 1234 5678", "512.555.0134"} {
		in := good()
		in.ContactPhone = phone
		if err := validate(in); err != nil {
			t.Errorf("phone %q refused: %v", phone, err)
		}
	}
}

func TestKind(t *testing.T) {
	for _, tt := range []struct {
		codes map[string]string
		want  Kind
	}{
		{map[string]string{"title": CodeRequired}, KindInvalid},
		{map[string]string{"attachments": CodeFileTooLarge}, KindTooLarge},
		{map[string]string{"attachments": CodeFileType, "title": CodeRequired}, KindFileType},
	} {
		e := &ValidationError{Fields: tt.codes}
		if got := e.Kind(); got != tt.want {
			t.Errorf("%v: %d, want %d", tt.codes, got, tt.want)
		}
		for f := range tt.codes {
			if !strings.Contains(e.Error(), f) {
				t.Errorf("message %q does not name %s", e.Error(), f)
			}
		}
	}
}

// TestReadFormKeepsTextOnRefusal: a refused file, one file too many or a
// field too long does not cost the text fields, before or after it in the
// body; the files are let go, and ReadText reads the text of a body whose
// files do not matter.
func TestReadFormKeepsTextOnRefusal(t *testing.T) {
	dir := t.TempDir()
	sp := NewSpool(dir, 64, 1<<10)
	lim := Limits{MaxFiles: 1, MaxFileBytes: 100}
	body := func(files ...[2]string) *multipart.Reader {
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		w.WriteField("title", "Mi historia")
		for _, f := range files {
			p, _ := w.CreateFormFile("attachments", f[0])
			p.Write([]byte(f[1]))
		}
		w.WriteField("body", "Llegamos en 2015.")
		w.WriteField("consent_photos", "true")
		w.Close()
		return multipart.NewReader(&buf, w.Boundary())
	}
	for _, tt := range []struct {
		name  string
		files [][2]string
		code  string
	}{
		{"file too large", [][2]string{{"a.jpg", strings.Repeat("x", 101)}}, CodeFileTooLarge},
		{"too many files", [][2]string{{"a.jpg", "x"}, {"b.jpg", "y"}}, CodeTooManyFiles},
		{"large after small", [][2]string{{"a.jpg", "x"}, {"b.jpg", strings.Repeat("x", 101)}}, CodeTooManyFiles},
	} {
		t.Run(tt.name, func(t *testing.T) {
			in, err := ReadForm(body(tt.files...), lim, sp)
			if got := codeOf(t, err, "attachments"); got != tt.code {
				t.Errorf("code %q, want %q", got, tt.code)
			}
			if in == nil || in.Title != "Mi historia" || in.Body != "Llegamos en 2015." || in.ConsentPhotos != "true" || len(in.Files) != 0 {
				t.Fatalf("input after the refusal: %+v", in)
			}
			if left, _ := os.ReadDir(dir); len(left) != 0 || sp.InMemory() != 0 {
				t.Errorf("%d spooled files left, %d bytes held", len(left), sp.InMemory())
			}
		})
	}
	in, err := ReadForm(multipartReader(t, [][2]string{{"title", strings.Repeat("é", maxFieldBytes)}, {"body", "kept"}}, nil), lim, sp)
	if codeOf(t, err, "title") != CodeTooLong || in.Body != "kept" || !utf8.ValidString(in.Title) || len(in.Title) > maxFieldBytes {
		t.Errorf("a long title: %v, body %q, title %d bytes", err, in.Body, len(in.Title))
	}
	in, err = ReadText(body([2]string{"a.jpg", strings.Repeat("x", 1000)}))
	if err != nil || in.Title != "Mi historia" || in.Body != "Llegamos en 2015." || len(in.Files) != 0 {
		t.Errorf("ReadText: %v %+v", err, in)
	}
}
