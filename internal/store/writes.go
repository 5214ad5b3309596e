package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// execer is what a write needs: *sql.DB, *sql.Tx and a writes batch have it.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// inWrites runs the statements fn writes as one atomic unit and returns how
// many rows each changed, in order. On PostgreSQL they go as one pipelined
// batch, which the server runs in one implicit transaction (a failing
// statement rolls back all of them): one round trip instead of one per
// statement plus BEGIN and COMMIT, each of which costs the backend two
// context switches. Under the intake load a submission's eight round trips
// were the largest part of PostgreSQL's CPU. On SQLite, which has no round
// trips, they run in an ordinary transaction.
//
// fn only queues: the Result its ExecContext returns knows nothing yet, so
// checks on rows changed are made on the returned counts. When a statement
// fails, the counts of the ones before it are still returned with the error.
func (s *Store) inWrites(ctx context.Context, fn func(w execer) error) ([]int64, error) {
	b := &writeBatch{}
	if err := fn(b); err != nil {
		return nil, err
	}
	if s.dialect != DialectPostgres {
		var counts []int64
		err := s.inTx(ctx, func(tx *sql.Tx) error {
			for _, st := range b.stmts {
				res, err := tx.ExecContext(ctx, st.query, st.args...)
				if err != nil {
					return err
				}
				n, err := res.RowsAffected()
				if err != nil {
					return err
				}
				counts = append(counts, n)
			}
			return nil
		})
		return counts, err
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	var counts []int64
	err = conn.Raw(func(dc any) error {
		if u, ok := dc.(interface{ Unwrap() driver.Conn }); ok {
			dc = u.Unwrap() // the error-counting wrapper (errcount.go)
		}
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("store: writes: driver connection is %T, not pgx", dc)
		}
		pb := &pgx.Batch{}
		for _, st := range b.stmts {
			pb.Queue(st.query, st.args...)
		}
		br := sc.Conn().SendBatch(ctx, pb)
		var errs []error
		for range b.stmts {
			tag, err := br.Exec()
			if err != nil {
				errs = append(errs, err)
				break
			}
			counts = append(counts, tag.RowsAffected())
		}
		errs = append(errs, br.Close())
		err := errors.Join(errs...)
		s.errs.report("batch", err)
		return err
	})
	return counts, err
}

// writeBatch collects the statements of inWrites.
type writeBatch struct {
	stmts []stmt
}

type stmt struct {
	query string
	args  []any
}

func (b *writeBatch) ExecContext(_ context.Context, query string, args ...any) (sql.Result, error) {
	b.stmts = append(b.stmts, stmt{query, args})
	return queuedResult{}, nil
}

// queuedResult is the Result of a statement not run yet.
type queuedResult struct{}

var errQueued = errors.New("store: statement queued, not run yet")

func (queuedResult) LastInsertId() (int64, error) { return 0, errQueued }
func (queuedResult) RowsAffected() (int64, error) { return 0, errQueued }
