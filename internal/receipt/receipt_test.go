package receipt

import (
	"errors"
	"regexp"
	"strings"
	"testing"
)

var groupedForm = regexp.MustCompile(`^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$`)

func TestNewRoundTrip(t *testing.T) {
	for i := range 100 {
		c, err := New()
		if err != nil {
			t.Fatalf("New: %v", err)
		}
		shown := c.String()
		if !groupedForm.MatchString(shown) {
			t.Fatalf("New #%d: String() = %q, want grouped Crockford form", i, shown)
		}
		got, err := Parse(shown)
		if err != nil {
			t.Fatalf("Parse(%q): %v", shown, err)
		}
		if got != c {
			t.Fatalf("Parse(%q) = %q, want %q", shown, got, c)
		}
	}
}

func TestNewUnique(t *testing.T) {
	const n = 10000
	seen := make(map[Code]bool, n)
	// Every symbol should turn up in 160,000 draws; a missing one means the
	// bit slicing is wrong even if codes happen to be unique.
	symbols := make(map[rune]bool)
	for range n {
		c, err := New()
		if err != nil {
			t.Fatalf("New: %v", err)
		}
		if seen[c] {
			t.Fatalf("duplicate code %q", c)
		}
		seen[c] = true
		for _, r := range string(c) {
			symbols[r] = true
		}
	}
	if len(symbols) != len(alphabet) {
		t.Errorf("saw %d distinct symbols, want %d", len(symbols), len(alphabet))
	}
}

func TestString(t *testing.T) {
	tests := []struct {
		name string
		code Code
		want string
	}{
		{"canonical", "K7QH3M9TXW2P84RD", "K7QH-3M9T-XW2P-84RD"},
		{"wrong length left alone", "ABC", "ABC"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.code.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestParseForgiving(t *testing.T) {
	const want Code = "K7QH3M9TXW2P84RD"
	tests := []struct {
		name  string
		input string
		want  Code
	}{
		{"grouped", "K7QH-3M9T-XW2P-84RD", want},
		{"canonical", "K7QH3M9TXW2P84RD", want},
		{"lower case", "k7qh-3m9t-xw2p-84rd", want},
		{"mixed case", "K7qH-3m9T-xW2p-84Rd", want},
		{"spaces", "K7QH 3M9T XW2P 84RD", want},
		{"dots", "K7QH.3M9T.XW2P.84RD", want},
		{"surrounding space and newline", "  K7QH-3M9T-XW2P-84RD\n", want},
		{"odd grouping", "K7-QH3M-9TX W2P84.RD", want},
		{"I and L read as 1", "I1Ll-0000-0000-0000", "1111000000000000"},
		{"O read as 0", "oO00-1111-1111-1111", "0000111111111111"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.input)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.input, err)
			}
			if got != tt.want {
				t.Errorf("Parse(%q) = %q, want %q", tt.input, got, tt.want)
			}
		})
	}
}

func TestParseInvalid(t *testing.T) {
	tests := []struct {
		name  string
		input string
	}{
		{"empty", ""},
		{"only separators", "----"},
		{"too short", "K7QH-3M9T-XW2P-84R"},
		{"too long", "K7QH-3M9T-XW2P-84RDX"},
		{"U is not Crockford", "U7QH-3M9T-XW2P-84RD"},
		{"punctuation", "K7QH_3M9T_XW2P_84RD"},
		{"non-ASCII lookalike", "K7QH-3M9T-XW2P-84RÐ"},
		{"accented", "K7QH-3M9T-XW2P-84RÉ"},
		{"NUL byte", "K7QH-3M9T-XW2P-84R\x00D"},
		{"oversized", strings.Repeat("-", 200) + "K7QH3M9TXW2P84RD"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.input)
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("Parse(%q) = %q, %v; want ErrInvalid", tt.input, got, err)
			}
			if got != "" {
				t.Errorf("Parse(%q) returned code %q alongside the error", tt.input, got)
			}
			if strings.Contains(err.Error(), tt.input) && tt.input != "" {
				t.Errorf("error %q echoes the input", err)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"K7QH-3M9T-XW2P-84RD", "k7qh 3m9t xw2p 84rd", "IIII-LLLL-OOOO-oooo", "", "U", "é"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := Parse(s)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("Parse(%q) error %v is not ErrInvalid", s, err)
			}
			return
		}
		if len(c) != Length {
			t.Fatalf("Parse(%q) = %q, want %d symbols", s, c, Length)
		}
		again, err := Parse(c.String())
		if err != nil || again != c {
			t.Fatalf("Parse(%q) = %q, %v; want %q", c.String(), again, err, c)
		}
	})
}
