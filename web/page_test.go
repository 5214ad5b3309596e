package web

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// boundPage returns a page bound to lang, as Render would leave it.
func boundPage(t *testing.T, lang string, p *Page) *Page {
	t.Helper()
	r, err := NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	p.Lang = lang
	p.loc = r.localizers[lang]
	return p
}

func TestErr(t *testing.T) {
	errs := map[string]string{
		"title": "required", "attachments": "too_many_files", "site": "no_such_code",
		"": "unavailable", "receipt": "receipt_invalid", "mystery_field": "required", "body": "",
	}
	tests := []struct {
		lang, field, want string
	}{
		{"en", "title", "Title: this is required."},
		{"es", "title", "Título: este dato es obligatorio."},
		{"en", "attachments", "Photos or documents: there are too many files. Number of files allowed: 3."},
		{"en", "site", "Your city or site: please check this and try again."},
		{"es", "site", "Su ciudad o sede: por favor, revise este dato e inténtelo de nuevo."},
		{"en", "", "The service is not available right now. Please try again in a few minutes."},
		{"en", "receipt", "Receipt code: we couldn't find a submission with that code. Please check each character and try again."},
		{"en", "mystery_field", "This is required."},
		{"en", "body", ""},
		{"en", "kind", ""},
	}
	for _, tt := range tests {
		t.Run(tt.lang+"/"+tt.field, func(t *testing.T) {
			p := boundPage(t, tt.lang, &Page{Errors: errs, Limits: Limits{MaxFiles: 3, MaxFileMB: 10}})
			if got := p.Err(tt.field); got != tt.want {
				t.Errorf("Err(%q) = %q, want %q", tt.field, got, tt.want)
			}
		})
	}
}

func TestErrUnknownFormLevelCode(t *testing.T) {
	p := boundPage(t, "en", &Page{Errors: map[string]string{"": "invalid"}})
	if got, want := p.Err(""), "Something went wrong. Please check the form and try again."; got != want {
		t.Errorf("Err(\"\") = %q, want %q", got, want)
	}
}

func TestSwitchURL(t *testing.T) {
	tests := []struct {
		path, lang, want string
	}{
		{"/", "es", "/?lang=es"},
		{"", "en", "/?lang=en"},
		{"/status", "es", "/status?lang=es"},
		{"/privacy", "en", "/privacy?lang=en"},
		{"/submit", "es", "/?lang=es"},
		{"//evil.example", "es", "/?lang=es"},
		{"https://evil.example/", "es", "/?lang=es"},
		{`/\evil.example`, "es", "/?lang=es"},
		{"/status?receipt=X", "es", "/?lang=es"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			p := &Page{Path: tt.path}
			if got := p.SwitchURL(tt.lang); got != tt.want {
				t.Errorf("SwitchURL(%q) on %q = %q, want %q", tt.lang, tt.path, got, tt.want)
			}
		})
	}
}

func TestReceiptGroups(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"K7QH-3M9T-XW2P-84RD", []string{"K7QH", "3M9T", "XW2P", "84RD"}},
		{"K7QH3M9TXW2P84RD", []string{"K7QH", "3M9T", "XW2P", "84RD"}},
		{"ABCDEF", []string{"ABCD", "EF"}},
		{"", nil},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, (&Page{Receipt: tt.in}).ReceiptGroups()); diff != "" {
				t.Errorf("ReceiptGroups(%q) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestDate(t *testing.T) {
	// 23:30 in Texas is already the next day in UTC; the day shown is UTC's.
	at := time.Date(2026, 3, 4, 23, 30, 0, 0, time.FixedZone("CST", -6*3600))
	tests := []struct{ lang, want string }{
		{"en", "March 5, 2026"},
		{"es", "5 de marzo de 2026"},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			if got := boundPage(t, tt.lang, &Page{}).Date(at); got != tt.want {
				t.Errorf("Date = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestChecked(t *testing.T) {
	tests := []struct {
		name         string
		lang         string
		values       map[string]string
		field, value string
		want         bool
	}{
		{"chosen", "en", map[string]string{"kind": "oped"}, "kind", "oped", true},
		{"not chosen", "en", map[string]string{"kind": "oped"}, "kind", "story", false},
		{"nothing chosen", "en", nil, "kind", "story", false},
		{"language defaults to page", "es", nil, "language", "es", true},
		{"language default is not english on es page", "es", nil, "language", "en", false},
		{"submitted language wins", "es", map[string]string{"language": "en"}, "language", "en", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &Page{Lang: tt.lang, Values: tt.values}
			if got := p.Checked(tt.field, tt.value); got != tt.want {
				t.Errorf("Checked(%q, %q) = %v, want %v", tt.field, tt.value, got, tt.want)
			}
		})
	}
}

func TestCodeKeyAndState(t *testing.T) {
	tests := []struct {
		code  int
		state string
		want  string
		text  string
	}{
		{404, "ready", "code.404", "Your submission is waiting for an editor to read it."},
		{429, "withdrawn", "code.429", "You withdrew this submission. It will not be published or used."},
		{418, "archived", "code.other", "We are working on your submission."},
		{0, "", "code.other", "We are working on your submission."},
	}
	for _, tt := range tests {
		t.Run(tt.want+"/"+tt.state, func(t *testing.T) {
			p := boundPage(t, "en", &Page{Code: tt.code, Status: &Status{State: tt.state}})
			if got := p.CodeKey(); got != tt.want {
				t.Errorf("CodeKey() = %q, want %q", got, tt.want)
			}
			if got := p.StateText(); got != tt.text {
				t.Errorf("StateText() = %q, want %q", got, tt.text)
			}
		})
	}
}
