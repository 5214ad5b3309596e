package sanitize

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// Markdown can amplify: a 16 KB table whose header has 2,000 columns pads
// every one-character row to 2,000 cells (80 MB of HTML), and one long link
// reference definition used thousands of times is copied each time (150 MB
// from 64 KiB). Every body is therefore rendered within a budget that grows
// with its length, counted in cells, link bytes, nodes and bytes written
// (never in time, which depends on the machine), and refused with
// ErrTooComplex when it would pass one. An honest 60 KiB story with tables
// and links uses a small part of each.
const (
	// maxTableCells is the most cells all the tables of a body may have,
	// the cells a short row is padded with included.
	maxTableCells = 20_000
	// linkSlack is how many bytes of link destinations and titles a body
	// may hold beyond its own length: reusing a reference repeats its
	// destination, and an honest story reuses a few short ones.
	linkSlack = 32 << 10
	// nodeSlack is the syntax tree's allowance beyond two nodes per byte
	// and one per table cell.
	nodeSlack = 4 << 10
	// htmlFactor and htmlSlack bound the HTML of a body of n bytes to
	// htmlFactor*n + htmlSlack: escaping a quote takes six bytes, and a hard
	// line break five; prose takes about 1.2.
	htmlFactor = 8
	htmlSlack  = 64 << 10
)

// ErrTooComplex reports a body that would render to more than its budget
// allows. It is the submitter's (or editor's) text at fault: callers answer
// 400 naming the body.
var ErrTooComplex = errors.New("sanitize: body is too complex to display")

// LimitError names the limit a body passed; errors.Is(err, ErrTooComplex)
// holds for it.
type LimitError struct {
	Limit string // e.g. "tables may have at most 20000 cells in all"
}

// Error implements error.
func (e *LimitError) Error() string { return ErrTooComplex.Error() + ": " + e.Limit }

// Is makes errors.Is(err, ErrTooComplex) true.
func (e *LimitError) Is(target error) bool { return target == ErrTooComplex }

func maxHTMLBytes(n int) int { return htmlFactor*n + htmlSlack }
func maxLinkBytes(n int) int { return n + linkSlack }
func maxNodes(n int) int     { return 2*n + maxTableCells + nodeSlack }

var (
	errTableCells = &LimitError{Limit: fmt.Sprintf("tables may have at most %d cells in all", maxTableCells)}
	errLinks      = &LimitError{Limit: "links repeat too much text: use each long link fewer times"}
	errNodes      = &LimitError{Limit: "it has too many elements (lists, quotes, emphasis) for its length"}
	errHTML       = &LimitError{Limit: "its HTML would be too long for its length"}
)

// budget is one rendering's allowance and what it has used so far.
type budget struct {
	size    int   // bytes of the body
	cells   int   // table cells so far
	nodes   int   // syntax tree nodes visited
	written int   // bytes of HTML the renderer wrote
	err     error // the first limit passed while parsing
}

var budgetKey = parser.NewContextKey()

// budgetOf returns the parse's budget; a parse that was given none (not one
// of render's) gets an empty one, so no table is ever built unbounded.
func budgetOf(pc parser.Context) *budget {
	return pc.ComputeIfAbsent(budgetKey, func() any { return &budget{} }).(*budget)
}

// cappedTable is goldmark's table paragraph transformer behind the cell
// budget: a paragraph that could become a table larger than what is left is
// refused before a single cell node exists.
type cappedTable struct{ parser.ParagraphTransformer }

// Transform implements parser.ParagraphTransformer.
func (t cappedTable) Transform(node *ast.Paragraph, reader text.Reader, pc parser.Context) {
	b := budgetOf(pc)
	cells := tableCellsBound(node.Lines(), reader.Source())
	if b.err != nil || b.cells+cells > maxTableCells {
		if b.err == nil {
			b.err = errTableCells
		}
		return
	}
	b.cells += cells
	t.ParagraphTransformer.Transform(node, reader, pc)
}

// tableCellsBound is at least the number of cells goldmark makes of a
// paragraph's lines: the table starts at a delimiter row, which sets the
// column count, and has its header and every later line as rows, each
// padded to that count. The delimiter test is looser than goldmark's, so
// the bound never misses a table.
func tableCellsBound(lines *text.Segments, src []byte) int {
	most := 0
	for i := 1; i < lines.Len(); i++ {
		seg := lines.At(i)
		line := seg.Value(src)
		if !delimiterLike(line) {
			continue
		}
		cols := bytes.Count(line, []byte{'|'}) + 1
		most = max(most, cols*(lines.Len()-i+1))
	}
	return most
}

// delimiterLike reports whether a line could be a table's delimiter row.
func delimiterLike(line []byte) bool {
	dash := false
	for _, c := range line {
		switch c {
		case '-':
			dash = true
		case '|', ':', ' ', '\t', '\n', '\r', '\v', '\f':
		default:
			return false
		}
	}
	return dash
}

// check walks the parsed body once before it is rendered and refuses it if
// it passed a limit while parsing, has too many nodes, or repeats too many
// bytes of link destinations and titles.
func (b *budget) check(doc ast.Node, src []byte) error {
	if b.err != nil {
		return b.err
	}
	links := 0
	return ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		if b.nodes++; b.nodes > maxNodes(b.size) {
			return ast.WalkStop, errNodes
		}
		switch l := n.(type) {
		case *ast.Link:
			links += len(l.Destination) + len(l.Title)
		case *ast.Image:
			links += len(l.Destination) + len(l.Title)
		case *ast.AutoLink:
			links += len(l.URL(src))
		}
		if links > maxLinkBytes(b.size) {
			return ast.WalkStop, errLinks
		}
		return ast.WalkContinue, nil
	})
}

// cappedBuffer is the renderer's output: once a write would pass max it
// fails, and goldmark's buffered writer keeps that error and writes nothing
// more, so no more than max bytes are ever held.
type cappedBuffer struct {
	buf bytes.Buffer
	max int
	err error
}

// Write implements io.Writer.
func (w *cappedBuffer) Write(p []byte) (int, error) {
	if w.err == nil && w.buf.Len()+len(p) > w.max {
		w.err = errHTML
	}
	if w.err != nil {
		return 0, w.err
	}
	return w.buf.Write(p)
}
