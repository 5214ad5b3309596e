package export

import "testing"

// TestCSVCell: a cell is neutralised when the cell itself, or any piece a
// spreadsheet could split it into (on ; , tab or a line break, whichever
// separator its locale uses), would start a formula.
func TestCSVCell(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`=HYPERLINK("http://x","y")`, `'=HYPERLINK("http://x","y")`},
		{"+1", "'+1"},
		{"-2+3", "'-2+3"},
		{"-5", "'-5"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\tx", "'\tx"},
		{"\rx", "'\rx"},
		// A split on the locale's separator makes a later piece a cell of its own.
		{"Hola;=1+1;", "'Hola;=1+1;"},
		{`a,=HYPERLINK("http://evil.example","x")`, `'a,=HYPERLINK("http://evil.example","x")`},
		{"x\t=1", "'x\t=1"},
		{"x; =1", "'x; =1"},
		{"x;\u00a0@SUM(A1)", "'x;\u00a0@SUM(A1)"},
		{"line one\n+cmd", "'line one\n+cmd"},
		{"line one\r\n-2", "'line one\r\n-2"},
		{"a;b,c\td", "a;b,c\td"},
		// Honest data stays as it was.
		{"Plain title", "Plain title"},
		{"", ""},
		{"a=b", "a=b"},
		{"Austin, TX", "Austin, TX"},
		{"2015-2016; 2020", "2015-2016; 2020"},
		{"photo.jpg;story-draft.pdf", "photo.jpg;story-draft.pdf"},
		{"Nos fuimos en 2015; volvimos", "Nos fuimos en 2015; volvimos"},
	} {
		if got := CSVCell(tc.in); got != tc.want {
			t.Errorf("CSVCell(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
