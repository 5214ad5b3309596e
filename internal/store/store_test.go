package store

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/storydesk/storydesk/internal/testenv"
)

// approxTime compares times read back from the database; they are stored
// at microsecond precision, so anything further apart is a real difference.
var approxTime = cmpopts.EquateApproxTime(time.Millisecond)

// dialects lists the databases every test runs against.
var dialects = []string{DialectSQLite, DialectPostgres}

// eachDialect runs fn as a subtest per dialect, each with a fresh, migrated store.
func eachDialect(t *testing.T, fn func(t *testing.T, s *Store)) {
	t.Helper()
	for _, d := range dialects {
		t.Run(d, func(t *testing.T) {
			// Every subtest has its own database, so they can overlap.
			t.Parallel()
			fn(t, setup(t, d))
		})
	}
}

// databaseURL returns the URL of a fresh, empty database of the dialect.
func databaseURL(t testing.TB, dialect string) string {
	t.Helper()
	if dialect == DialectPostgres {
		return testenv.PostgresURL(t)
	}
	// A nested directory checks that Open creates it.
	return "sqlite://" + filepath.Join(t.TempDir(), "data", "storydesk.db")
}

// setup opens and migrates a fresh store of the dialect, closed at the end of the test.
func setup(t testing.TB, dialect string) *Store {
	t.Helper()
	ctx := context.Background()
	s, err := Open(ctx, databaseURL(t, dialect))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	if got := s.Dialect(); got != dialect {
		t.Fatalf("Dialect() = %q, want %q", got, dialect)
	}
	return s
}

// seq makes test values unique across subtests.
var seq atomic.Int64

// newSubmission returns a valid, unsaved submission with unique hashes.
func newSubmission(title string) *Submission {
	n := seq.Add(1)
	return &Submission{
		ReceiptHash:    fmt.Sprintf("receipt-%d-%d", time.Now().UnixNano(), n),
		Kind:           "story",
		Title:          title,
		Body:           "Body of " + title,
		BodyHTML:       "<p>Body of " + title + "</p>",
		Language:       "en",
		AuthorName:     "Ana",
		AuthorRole:     "client",
		Site:           "north",
		ContactEmail:   "ana@example.org",
		ConsentPublish: "pseudonym",
		Pseudonym:      "A.",
		ConsentPhotos:  true,
	}
}

// create stores sub with one attachment and its review task.
func create(t testing.TB, s *Store, sub *Submission) {
	t.Helper()
	atts := []Attachment{{ObjectKey: "obj/" + newID(), Filename: "photo.jpg", ContentType: "image/jpeg", Size: 1234, SHA256: "ab"}}
	if err := s.CreateSubmission(context.Background(), sub, atts, reviewTask(sub)); err != nil {
		t.Fatalf("CreateSubmission: %v", err)
	}
}

// reviewTask returns the review task for sub, whose ID it fills if empty.
func reviewTask(sub *Submission) []OutboxTask {
	if sub.ID == "" {
		sub.ID = newID()
	}
	return []OutboxTask{{TaskType: "submission:review", TaskID: reviewID(sub.ID), Payload: []byte(`{"id":"` + sub.ID + `"}`)}}
}

// reviewID is the TaskID of reviewTask. The tests here spell their tasks:
// package task, which owns the real ones, imports this package.
func reviewID(id string) string { return "review:" + id }

// revokeTask stands in for task.ExportRevoke.
func revokeTask(exportID string) OutboxTask {
	return OutboxTask{TaskType: "export-revoke", TaskID: "export-revoke:" + exportID, Payload: []byte(`{"export_id":"` + exportID + `"}`)}
}

// countRows returns the number of rows in table.
func countRows(t testing.TB, s *Store, table string) int {
	t.Helper()
	var n int
	if err := s.db.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

func TestOpenURLs(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	for _, u := range []string{
		"sqlite://" + filepath.Join(dir, "a", "one.db"),
		"sqlite:" + filepath.Join(dir, "b", "two.db"),
		"file:" + filepath.Join(dir, "c", "three.db"),
	} {
		s, err := Open(ctx, u)
		if err != nil {
			t.Fatalf("Open(%q): %v", u, err)
		}
		var mode string
		var fk, timeout, secure int
		if err := s.db.QueryRowContext(ctx, "PRAGMA secure_delete").Scan(&secure); err != nil {
			t.Fatal(err)
		}
		if secure != 1 {
			t.Errorf("Open(%q): secure_delete=%d: deleted text would stay in free pages", u, secure)
		}
		if err := s.db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
			t.Fatal(err)
		}
		if err := s.db.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk); err != nil {
			t.Fatal(err)
		}
		if err := s.db.QueryRowContext(ctx, "PRAGMA busy_timeout").Scan(&timeout); err != nil {
			t.Fatal(err)
		}
		if mode != "wal" || fk != 1 || timeout != 10000 {
			t.Errorf("Open(%q): journal_mode=%s foreign_keys=%d busy_timeout=%d", u, mode, fk, timeout)
		}
		s.Close()
	}
	for _, u := range []string{"mysql://x", "sqlite://", "sqlite::memory:"} {
		if _, err := Open(ctx, u); err == nil {
			t.Errorf("Open(%q): no error", u)
		}
	}
}

func TestMigrateTwice(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *Store) {
		if err := s.Migrate(context.Background()); err != nil {
			t.Fatalf("second Migrate: %v", err)
		}
		if err := s.Ping(context.Background()); err != nil {
			t.Fatal(err)
		}
	})
}

func TestMigrateConcurrentPostgres(t *testing.T) {
	url := testenv.PostgresURL(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 3)
	for range 3 {
		wg.Go(func() {
			// Separate pools, as separate processes would have.
			s, err := Open(ctx, url)
			if err != nil {
				errs <- err
				return
			}
			defer s.Close()
			errs <- s.Migrate(ctx)
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("concurrent Migrate: %v", err)
		}
	}
	s, err := Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if n := countRows(t, s, "goose_db_version WHERE version_id = 1"); n != 1 {
		t.Errorf("migration 1 recorded %d times, want 1", n)
	}
}
