package sanitize

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestFilename(t *testing.T) {
	long := strings.Repeat("ñ", 100) // 200 bytes
	tests := []struct {
		name, in, want string
	}{
		{"plain", "photo.jpg", "photo.jpg"},
		{"spanish kept", "Mi historia ñandú.jpg", "Mi historia ñandú.jpg"},
		{"windows traversal", `..\..\evil.exe`, "evil.exe"},
		{"unix traversal", "../../etc/passwd", "passwd"},
		{"mixed separators", `C:\Users\ana/Desktop\carta.docx`, "carta.docx"},
		{"trailing separator", "dir/", "file"},
		{"hidden file made visible", ".htaccess", "htaccess"},
		{"leading dots and spaces", " . .. x.png", "x.png"},
		{"dot", ".", "file"},
		{"dot dot", "..", "file"},
		{"empty", "", "file"},
		{"only invisible", "\u202e\u200b\x01", "file"},
		{"right-to-left override cannot fake an extension", "invoice\u202egpj.exe", "invoicegpj.exe"},
		{"bidi hiding a separator", "a\u2066/\u2069b.pdf", "b.pdf"},
		{"controls and newlines", "a\r\nb\x00c\td.pdf", "a bc d.pdf"},
		{"whitespace collapsed", "my    story\u00a0 final.docx", "my story final.docx"},
		{"NFC", "mama\u0301.jpg", "mamá.jpg"},
		{"long name keeps extension on a rune boundary", long + ".jpeg", strings.Repeat("ñ", 57) + ".jpeg"},
		{"long extension is not an extension", "a." + strings.Repeat("x", 130), "a." + strings.Repeat("x", 118)},
		{"invalid UTF-8 dropped", "a\xffb.png", "ab.png"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Filename(tt.in)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Filename(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
			if problems := checkFilename(tt.in, got); len(problems) > 0 {
				t.Errorf("Filename(%q) = %q: %v", tt.in, got, problems)
			}
		})
	}
}
