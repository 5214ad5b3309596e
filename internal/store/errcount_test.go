package store

import (
	"context"
	"sync"
	"testing"

	"github.com/storydesk/storydesk/internal/testenv"
)

// TestOnError: a failing query, statement or commit is reported by
// operation class, on both databases; a constraint conflict (the store's
// ErrConflict) and a cancelled request are not.
func TestOnError(t *testing.T) {
	for _, db := range []string{"sqlite", "postgres"} {
		t.Run(db, func(t *testing.T) {
			url := "sqlite://" + t.TempDir() + "/x.db"
			if db == "postgres" {
				url = testenv.PostgresURL(t)
			}
			ctx := context.Background()
			s, err := Open(ctx, url)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			var mu sync.Mutex
			got := map[string]int{}
			s.OnError(func(op string) {
				mu.Lock()
				defer mu.Unlock()
				got[op]++
			})
			if _, err := s.db.ExecContext(ctx, `CREATE TABLE t (k TEXT PRIMARY KEY)`); err != nil {
				t.Fatal(err)
			}
			if _, err := s.db.ExecContext(ctx, `INSERT INTO t (k) VALUES ($1)`, "a"); err != nil {
				t.Fatal(err)
			}
			if _, err := s.db.ExecContext(ctx, `INSERT INTO t (k) VALUES ($1)`, "a"); err == nil {
				t.Fatal("duplicate key: no error")
			}
			cancelled, cancel := context.WithCancel(ctx)
			cancel()
			s.db.QueryContext(cancelled, `SELECT k FROM t`)
			if len(got) != 0 {
				t.Fatalf("reported %v for a conflict and a cancelled query", got)
			}
			if _, err := s.db.ExecContext(ctx, `UPDATE no_such_table SET k = $1`, "b"); err == nil {
				t.Fatal("exec on a missing table: no error")
			}
			if _, err := s.db.QueryContext(ctx, `SELECT nope FROM t WHERE k = $1`, "a"); err == nil {
				t.Fatal("query of a missing column: no error")
			}
			if got["exec"] != 1 || got["query"] != 1 {
				t.Errorf("reported %v, want exec 1 and query 1", got)
			}
			// The store's own queries go through the same connections.
			if _, err := s.Submission(ctx, "no-such-id"); err == nil {
				t.Fatal("submission on an unmigrated database: no error")
			}
			if got["query"] != 2 {
				t.Errorf("a store query on a missing table: reported %v, want query 2", got)
			}
		})
	}
}
