package finding

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestMerge(t *testing.T) {
	tests := []struct {
		name string
		in   []Finding
		want []Finding
	}{
		{"empty", nil, nil},
		{
			"sorted by start",
			[]Finding{{Kind: KindPhone, Start: 20, End: 30}, {Kind: KindEmail, Start: 0, End: 10}},
			[]Finding{
				{Kind: KindEmail, Start: 0, End: 10, Label: "Email address"},
				{Kind: KindPhone, Start: 20, End: 30, Label: "Phone number"},
			},
		},
		{
			"identical spans keep the more specific kind",
			[]Finding{{Kind: KindSSN, Start: 2, End: 13}, {Kind: KindANumber, Start: 2, End: 13}},
			[]Finding{{Kind: KindANumber, Start: 2, End: 13, Label: "A-Number"}},
		},
		{
			"overlap widens to the union",
			[]Finding{{Kind: KindANumber, Start: 0, End: 13}, {Kind: KindSSN, Start: 2, End: 15}},
			[]Finding{{Kind: KindANumber, Start: 0, End: 15, Label: "A-Number"}},
		},
		{
			"contained phone inside email",
			[]Finding{{Kind: KindPhone, Start: 0, End: 10}, {Kind: KindEmail, Start: 0, End: 22}},
			[]Finding{{Kind: KindEmail, Start: 0, End: 22, Label: "Email address"}},
		},
		{
			"touching spans stay apart",
			[]Finding{{Kind: KindAddress, Start: 0, End: 5}, {Kind: KindAddress, Start: 5, End: 9}},
			[]Finding{
				{Kind: KindAddress, Start: 0, End: 5, Label: "Street address"},
				{Kind: KindAddress, Start: 5, End: 9, Label: "Street address"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, merge(tt.in)); diff != "" {
				t.Errorf("merge mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestScanByteOffsets(t *testing.T) {
	// Multi-byte letters before the match must not shift the offsets.
	text := "Añoré mi niñez; mi número A: 12345678"
	fs := Scan(text)
	if len(fs) != 1 {
		t.Fatalf("Scan(%q) = %+v, want one finding", text, fs)
	}
	want := strings.Index(text, "12345678")
	if fs[0].Start != want || fs[0].End != want+8 {
		t.Errorf("offsets = [%d,%d), want [%d,%d)", fs[0].Start, fs[0].End, want, want+8)
	}
}

func TestSummary(t *testing.T) {
	tests := []struct {
		name string
		in   []Finding
		want map[string]int
	}{
		{"none", nil, map[string]int{}},
		{"per kind", []Finding{{Kind: KindPhone}, {Kind: KindEmail}, {Kind: KindPhone}}, map[string]int{KindPhone: 2, KindEmail: 1}},
		{"from a scan", Scan("A# 12345678 and A# 87654321, 512-555-0134"), map[string]int{KindANumber: 2, KindPhone: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, Summary(tt.in)); diff != "" {
				t.Errorf("Summary mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLabel(t *testing.T) {
	kinds := []string{KindCaseNumber, KindANumber, KindSSN, KindEmail, KindPhone, KindHearingDate, KindAddress}
	seen := map[string]bool{}
	for _, k := range kinds {
		t.Run(k, func(t *testing.T) {
			l := Label(k)
			if l == "" || l == k || seen[l] {
				t.Errorf("Label(%q) = %q, want a distinct human label", k, l)
			}
			seen[l] = true
		})
	}
	if got := Label("unknown"); got != "unknown" {
		t.Errorf("Label(unknown) = %q, want the kind back", got)
	}
}

func TestWordCount(t *testing.T) {
	tests := []struct {
		name string
		text string
		want int
	}{
		{"empty", "", 0},
		{"punctuation only", " -- ... !? ", 0},
		{"english", "We crossed the river at night.", 6},
		{"accented spanish", "Ñandú, corazón y pingüino", 4},
		{"one spanish word", "ñandú", 1},
		{"decomposed accent", "n\u0303andu\u0301", 1},
		{"contraction", "don't stop", 2},
		{"curly apostrophe", "it’s late", 2},
		{"hyphenated", "ICE check-in", 2},
		{"numbers with separators", "$1,200 rent and 3.5 hours", 5},
		{"dangling hyphen", "well - maybe", 2},
		{"newlines and tabs", "uno\ndos\ttres", 3},
		{"other scripts", "我 привет مرحبا", 3},
		{"invalid utf8", "hola \xff mundo", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := WordCount(tt.text); got != tt.want {
				t.Errorf("WordCount(%q) = %d, want %d", tt.text, got, tt.want)
			}
		})
	}
}

func TestReadingMinutes(t *testing.T) {
	tests := []struct {
		words, want int
	}{
		{-1, 0}, {0, 0}, {1, 1}, {199, 1}, {200, 1}, {201, 2}, {400, 2}, {1001, 6},
	}
	for _, tt := range tests {
		t.Run("", func(t *testing.T) {
			if got := ReadingMinutes(tt.words); got != tt.want {
				t.Errorf("ReadingMinutes(%d) = %d, want %d", tt.words, got, tt.want)
			}
		})
	}
}
