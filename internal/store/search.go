package store

import (
	"strings"
	"unicode"
)

// Search limits: enough for any real query, small enough that a pasted page
// of text cannot make one expensive query.
const (
	maxSearchTerms   = 12
	maxSearchTermLen = 64
)

// accentFolder maps accented Latin letters to their base letter. The
// PostgreSQL search column folds the same list with translate() (migration
// 00004); SQLite's unicode61 tokenizer folds every Latin accent itself.
var accentFolder = strings.NewReplacer(
	"á", "a", "à", "a", "â", "a", "ä", "a", "ã", "a", "å", "a",
	"é", "e", "è", "e", "ê", "e", "ë", "e",
	"í", "i", "ì", "i", "î", "i", "ï", "i",
	"ó", "o", "ò", "o", "ô", "o", "ö", "o", "õ", "o",
	"ú", "u", "ù", "u", "û", "u", "ü", "u",
	"ñ", "n", "ç", "c", "ý", "y", "ÿ", "y",
)

// searchTerms splits what an editor typed into lower-case, accent-folded
// words. Everything but letters and digits separates words, which also
// strips any search-syntax character before it reaches the database.
func searchTerms(q string) []string {
	q = accentFolder.Replace(strings.ToLower(q))
	words := strings.FieldsFunc(q, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) })
	seen := map[string]bool{}
	var out []string
	for _, w := range words {
		if len(w) > maxSearchTermLen || seen[w] {
			continue
		}
		seen[w] = true
		out = append(out, w)
		if len(out) == maxSearchTerms {
			break
		}
	}
	return out
}

// searchCond returns the SQL condition matching submissions whose title or
// body hold every term, each as a word prefix ("jard" finds "jardín"), and
// the query value to bind at placeholder ph. An editor searching while
// typing gets what a substring search would give for whole words, with an
// index instead of a scan.
func (s *Store) searchCond(terms []string, ph string) (cond string, value string) {
	if s.dialect == DialectPostgres {
		parts := make([]string, len(terms))
		for i, t := range terms {
			parts[i] = "'" + t + "':*"
		}
		return "s.search @@ to_tsquery('simple', " + ph + ")", strings.Join(parts, " & ")
	}
	parts := make([]string, len(terms))
	for i, t := range terms {
		parts[i] = `"` + t + `"*`
	}
	return `s.id IN (SELECT d.submission_id FROM submission_search f
		JOIN submission_search_docs d ON d.doc = f.rowid WHERE submission_search MATCH ` + ph + `)`,
		strings.Join(parts, " ")
}
