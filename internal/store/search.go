package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Search limits: enough for any real query, small enough that a pasted page
// of text cannot make one expensive query.
const (
	maxSearchTerms   = 12
	maxSearchTermLen = 64
)

// accentFolder maps accented Latin letters to their base letter. The
// PostgreSQL search column folds the same list with storydesk_fold_accents
// (migration 00011); SQLite's unicode61 tokenizer folds every Latin accent
// itself.
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

// searchUse is how a query meets the search terms. SQLite's planner knows
// nothing of how many rows an FTS match returns, so the queue, which knows
// it from its counts, tells it.
type searchUse int

const (
	// searchPlanned leaves it to the planner: the search index gives the
	// matches, or rows are tested against them (status counts, and queue
	// pages without a search or of few matching rows).
	searchPlanned searchUse = iota
	// searchProbe reads rows in page order and tests each against the
	// matches, collected once: with pageWalkMin matches or more a page is
	// found within the first few thousand rows instead of sorting them all.
	searchProbe
	// searchDrive reads the matches off the search index and looks each up
	// in submissions_queue_search, which holds every filtered column
	// (SQLite; the query's FROM comes from searchFrom).
	searchDrive
)

// minPrefixRunes is the shortest term searched as a word prefix. One or two
// letters as a prefix stand for a large share of the vocabulary ("w1" took
// 0.9 s over 100,000 rows on SQLite), and the person typing means a word
// ("la", "A1"), so shorter terms match whole words only.
const minPrefixRunes = 3

// prefix reports whether term t is searched as a word prefix.
func prefix(t string) bool { return utf8.RuneCountInString(t) >= minPrefixRunes }

// searchCond returns the SQL condition matching submissions whose title or
// body hold every term, each as a word prefix ("jard" finds "jardín") once
// it has minPrefixRunes letters, and the query value to bind at placeholder
// ph. An editor searching while typing gets what a substring search would
// give for whole words, with an index instead of a scan.
func (s *Store) searchCond(terms []string, ph string, use searchUse) (cond string, value string) {
	if s.dialect == DialectPostgres {
		parts := make([]string, len(terms))
		for i, t := range terms {
			parts[i] = "'" + t + "'"
			if prefix(t) {
				parts[i] += ":*"
			}
		}
		return "s.search @@ to_tsquery('simple', " + ph + ")", strings.Join(parts, " & ")
	}
	parts := make([]string, len(terms))
	for i, t := range terms {
		parts[i] = `"` + t + `"`
		if prefix(t) {
			parts[i] += "*"
		}
	}
	value = strings.Join(parts, " ")
	switch use {
	case searchDrive:
		return "submission_search MATCH " + ph, value
	case searchProbe:
		// The unary + keeps the planner off submissions_queue_search: it
		// reads rows in page order and probes the matches.
		return "+s.search_doc IN (SELECT rowid FROM submission_search WHERE submission_search MATCH " + ph + ")", value
	default:
		return "s.search_doc IN (SELECT rowid FROM submission_search WHERE submission_search MATCH " + ph + ")", value
	}
}

// searchFrom returns the FROM clause of a query over submissions aliased s
// that meets f's search as use says. Driven on SQLite, it reads the matches
// first (CROSS JOIN fixes the order) and looks each up by its search
// document in the covering index, never in the wide table rows; the index
// is named because, without statistics, the planner may take another one.
func (s *Store) searchFrom(f Filter, use searchUse) string {
	if s.dialect == DialectSQLite && use == searchDrive && len(searchTerms(f.Query)) > 0 {
		return `submission_search CROSS JOIN submissions s INDEXED BY submissions_queue_search
			ON s.search_doc = submission_search.rowid`
	}
	return "submissions s"
}

// rowKey is the column of the submissions aliased t that finds a row again
// cheapest: SQLite's rowid, which every index holds, or PostgreSQL's id.
func (s *Store) rowKey(t string) string {
	if s.dialect == DialectSQLite {
		return t + ".rowid"
	}
	return t + ".id"
}

// searchTotals fills p for f, which searches: it reads the first
// QueueCountCap+1 matches once, f's status filter left out, for the counts
// and, when that was all of them, the row keys of f's page, which it
// returns. Past the cap, CountsCapped is set and the matches of f's own
// statuses are read alone the same way: they may still be few, which gives
// an exact Total and the page; if not, Total is QueueCountCap and the keys
// are nil, the page to be found in page order (searchProbe).
func (s *Store) searchTotals(ctx context.Context, f Filter, p *QueuePage, o sortOrder, perPage, offset int) ([]any, error) {
	var keys []any
	err := s.bitmapScans(ctx, func(q queryer) error {
		counts, page, err := s.searchMatches(ctx, q, f, false, o, perPage, offset)
		if err != nil {
			return err
		}
		if selected(Filter{}, counts) <= QueueCountCap {
			p.Counts, p.Total, keys = counts, selected(f, counts), page
			return nil
		}
		p.Counts, p.CountsCapped, p.Total = map[Status]int{}, true, QueueCountCap
		if len(f.Status) == 0 {
			return nil
		}
		if counts, page, err = s.searchMatches(ctx, q, f, true, o, perPage, offset); err != nil {
			return err
		}
		if n := selected(f, counts); n <= QueueCountCap {
			p.Total, keys = n, page
		}
		return nil
	})
	return keys, err
}

// searchMatchesSQL returns the statement that reads f's first limit search
// matches once (its status filter left out unless withStatus) and returns
// per status a row (NULL, status, count) and, unless the limit was reached,
// for the page of f's statuses in order o a row (key, NULL, 0) per
// submission. Each match brings its sort key and id along (on SQLite from
// the covering index), so no table row is read but the page's own.
func (s *Store) searchMatchesSQL(f Filter, a *args, withStatus bool, limit int, o sortOrder, perPage, offset int) string {
	var page []string
	if !withStatus && len(f.Status) > 0 {
		ph := make([]string, len(f.Status))
		for i, st := range f.Status {
			ph[i] = a.add(string(st))
		}
		page = append(page, "m.status IN ("+strings.Join(ph, ", ")+")")
	}
	page = append(page, "(SELECT COUNT(*) FROM m) < "+a.add(limit))
	return `WITH m AS MATERIALIZED (SELECT ` + s.rowKey("s") + ` AS r, s.status AS status, s.` + o.col + ` AS k, s.id AS id
		FROM ` + s.searchFrom(f, searchDrive) + where(s.conds(f, a, withStatus, searchDrive)) + ` LIMIT ` + a.add(limit) + `)
		SELECT NULL, m.status, COUNT(*) FROM m GROUP BY m.status
		UNION ALL
		SELECT p.r, NULL, 0 FROM (SELECT m.r FROM m` + where(page) + ` ORDER BY m.k ` + o.dir + `, m.id ` + o.dir +
		` LIMIT ` + a.add(perPage) + ` OFFSET ` + a.add(offset) + `) p`
}

// searchMatches runs searchMatchesSQL with limit QueueCountCap+1 and
// returns the counts per status and the page's row keys.
func (s *Store) searchMatches(ctx context.Context, q queryer, f Filter, withStatus bool, o sortOrder, perPage, offset int) (map[Status]int, []any, error) {
	var a args
	rows, err := q.QueryContext(ctx, s.searchMatchesSQL(f, &a, withStatus, QueueCountCap+1, o, perPage, offset), a...)
	if err != nil {
		return nil, nil, fmt.Errorf("search matches: %w", err)
	}
	defer rows.Close()
	counts, keys := map[Status]int{}, []any{}
	for rows.Next() {
		var (
			key    any
			status sql.NullString
			n      int
		)
		if err := rows.Scan(&key, &status, &n); err != nil {
			return nil, nil, fmt.Errorf("search matches: %w", err)
		}
		if status.Valid {
			counts[Status(status.String)] = n
		} else {
			keys = append(keys, key)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("search matches: %w", err)
	}
	return counts, keys, nil
}

// bitmapScans runs fn, on PostgreSQL in a read-only transaction whose
// planner reads the search index only with bitmap scans. Its cost model
// prices testing a row's tsvector like comparing two integers, when each
// test fetches the vector from TOAST: with a LIMIT, or a word in most rows,
// it would test the rows one by one (740 ms to count a word in all 100,000
// submissions) instead of reading the GIN index once (11 ms).
func (s *Store) bitmapScans(ctx context.Context, fn func(q queryer) error) error {
	if s.dialect != DialectPostgres {
		return fn(s.db)
	}
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `SELECT set_config('enable_seqscan', 'off', true), set_config('enable_indexscan', 'off', true)`); err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}
