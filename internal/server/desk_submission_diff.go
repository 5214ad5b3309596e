package server

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode"

	"github.com/gin-gonic/gin"
	"github.com/sergi/go-diff/diffmatchpatch"

	"github.com/storydesk/storydesk/internal/store"
)

// change is one piece of a diff: kept, inserted or deleted text. The template
// escapes Text and wraps it in <ins> or <del>; nothing in it is ever markup.
type change struct {
	Op   string // "eq" | "ins" | "del"
	Text string
}

// diffView is what desk_diff.html shows.
type diffView struct {
	ID, Title    string
	A, B         store.Revision
	Mode         string // "sentence" | "word" | "line"
	TitleChanges []change
	BodyChanges  []change
	Numbers      []int  // every revision number, for the choosers
	Back         string // the page whose revisions these are: the piece's or a translation's
}

// tokenFirst is where the runes standing for words start: past the ASCII
// range and clear of the surrogates, so every token maps to a valid rune.
const tokenFirst = 0xE000

// diffText compares a and b sentence by sentence, word by word (words and
// the spaces between them are the units) or line by line. Each unit is mapped to one rune so the
// diff algorithm aligns whole units, then mapped back.
func diffText(a, b, mode string) []change {
	split := splitWords
	switch mode {
	case "line":
		split = splitLines
	case "sentence":
		split = splitSentences
	}
	index := map[string]rune{}
	var units []string
	encode := func(s string) []rune {
		var out []rune
		for _, u := range split(s) {
			r, ok := index[u]
			if !ok {
				r = rune(tokenFirst + len(units))
				index[u] = r
				units = append(units, u)
			}
			out = append(out, r)
		}
		return out
	}
	ra, rb := encode(a), encode(b)
	dmp := diffmatchpatch.New()
	diffs := dmp.DiffMainRunes(ra, rb, false)
	out := make([]change, 0, len(diffs))
	for _, d := range diffs {
		var sb strings.Builder
		for _, r := range d.Text {
			sb.WriteString(units[r-tokenFirst])
		}
		op := "eq"
		switch d.Type {
		case diffmatchpatch.DiffInsert:
			op = "ins"
		case diffmatchpatch.DiffDelete:
			op = "del"
		}
		out = append(out, change{Op: op, Text: sb.String()})
	}
	return out
}

// splitWords cuts s into runs of non-space and runs of space.
func splitWords(s string) []string {
	var out []string
	start, inSpace := 0, false
	for i, r := range s {
		sp := unicode.IsSpace(r)
		if i > start && sp != inSpace {
			out = append(out, s[start:i])
			start = i
		}
		inSpace = sp
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

// sentenceEnd and closers end a sentence: "Sí." and "(Sí.)" alike.
const (
	sentenceEnd = ".!?…"
	closers     = "\"'”’»)]"
)

// splitSentences cuts s into sentences, each keeping the spaces after it,
// and at every line end: a changed sentence is then struck and inserted
// whole, which reads, where a word diff interleaves two sentences.
func splitSentences(s string) []string {
	var out []string
	start, ended, afterSpace := 0, false, false
	for i, r := range s {
		switch {
		case r == '\n':
			out = append(out, s[start:i+1])
			start, ended, afterSpace = i+1, false, false
			continue
		case unicode.IsSpace(r):
			afterSpace = true
			continue
		case ended && afterSpace:
			out = append(out, s[start:i])
			start = i
		}
		ended = strings.ContainsRune(sentenceEnd, r) || (ended && !afterSpace && strings.ContainsRune(closers, r))
		afterSpace = false
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

// splitLines cuts s into lines, each keeping its newline.
func splitLines(s string) []string {
	return strings.SplitAfter(s, "\n")
}

// revisionPair reads ?a= and ?b= among revs (defaults: the first and the
// latest).
func revisionPair(c *gin.Context, revs []store.Revision) (store.Revision, store.Revision, error) {
	var zero store.Revision
	pick := func(name string, def int) (store.Revision, error) {
		n := def
		if v := c.Query(name); v != "" {
			var err error
			if n, err = strconv.Atoi(v); err != nil {
				return zero, fieldErr(http.StatusBadRequest, name, "must be a revision number")
			}
		}
		for _, r := range revs {
			if r.Number == n {
				return r, nil
			}
		}
		return zero, fieldErr(http.StatusBadRequest, name, "is not a revision of this submission")
	}
	a, err := pick("a", revs[0].Number)
	if err != nil {
		return zero, zero, err
	}
	b, err := pick("b", revs[len(revs)-1].Number)
	return a, b, err
}

// diff compares the revisions ?a= and ?b= of the piece by ?mode=,
// defaultMode without it.
func (h *deskSubmission) diff(c *gin.Context, defaultMode string) (diffView, error) {
	s, err := h.load(c)
	if err != nil {
		return diffView{}, err
	}
	revs, err := h.store.Revisions(c.Request.Context(), s.ID)
	if err != nil {
		return diffView{}, err
	}
	return diffOf(c, s, revs, defaultMode, pieceURL(s.ID))
}

// diffOf compares the revisions ?a= and ?b= among revs, the revisions of
// s or of one of its translations, whose page is back.
func diffOf(c *gin.Context, s store.Submission, revs []store.Revision, defaultMode, back string) (diffView, error) {
	if len(revs) == 0 {
		return diffView{}, fmt.Errorf("revisions of %s: %w", s.ID, store.ErrNotFound)
	}
	a, b, err := revisionPair(c, revs)
	if err != nil {
		return diffView{}, err
	}
	mode := c.DefaultQuery("mode", defaultMode)
	if mode != "sentence" && mode != "word" && mode != "line" {
		return diffView{}, fieldErr(http.StatusBadRequest, "mode", "must be sentence, word or line")
	}
	v := diffView{ID: s.ID, Title: s.Title, A: a, B: b, Mode: mode, Back: back,
		TitleChanges: diffText(a.Title, b.Title, "word"), BodyChanges: diffText(a.Body, b.Body, mode)}
	for _, r := range revs {
		v.Numbers = append(v.Numbers, r.Number)
	}
	return v, nil
}

// diffAPI is GET /api/v1/submissions/{id}/diff?a=&b=&mode=word|line.
func (h *deskSubmission) diffAPI(c *gin.Context) error {
	v, err := h.diff(c, "word") // the API's default since it began
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"a": v.A.Number, "b": v.B.Number, "mode": v.Mode,
		"title": changesJSON(v.TitleChanges), "body": changesJSON(v.BodyChanges)})
	return nil
}

func changesJSON(cs []change) []gin.H {
	out := make([]gin.H, len(cs))
	for i, c := range cs {
		out[i] = gin.H{"op": c.Op, "text": c.Text}
	}
	return out
}

func (h *deskSubmission) diffPage(c *gin.Context) error {
	v, err := h.diff(c, "sentence") // people read sentences; a word diff interleaves them
	if err != nil {
		return err
	}
	p := staffPage(c, h.render)
	p.Data = v
	return renderPage(c, h.render, http.StatusOK, "desk_diff", p)
}
