package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"strings"
	"sync/atomic"

	"github.com/jackc/pgx/v5/pgconn"
)

// OnError has f told of every database call that fails, by operation class
// (connect, query, exec, begin, commit): the app counts them in /metrics.
// Constraint conflicts and serialization failures are answers the store
// turns into ErrConflict or a retry, and a cancelled request is the
// client's doing: neither is reported.
func (s *Store) OnError(f func(op string)) { s.errs.f.Store(&f) }

// errHook holds OnError's function; connections made before it is set
// report to it all the same.
type errHook struct{ f atomic.Pointer[func(string)] }

func (h *errHook) report(op string, err error) {
	if err == nil || errors.Is(err, driver.ErrSkip) || errors.Is(err, driver.ErrBadConn) ||
		errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || expectedDBError(err) {
		return
	}
	if f := h.f.Load(); f != nil {
		(*f)(op)
	}
}

// expectedDBError reports a constraint violation (PostgreSQL class 23,
// SQLite SQLITE_CONSTRAINT) or a transaction rolled back for a conflict
// (PostgreSQL class 40).
func expectedDBError(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return strings.HasPrefix(pe.Code, "23") || strings.HasPrefix(pe.Code, "40")
	}
	var se interface{ Code() int }
	if errors.As(err, &se) {
		return se.Code()&0xff == 19 // SQLITE_CONSTRAINT and its extended codes
	}
	return false
}

// openCounted opens driverName's dsn through a connector whose connections
// report their failures to h. Wrapping the driver, not the store's queries,
// keeps every one of them counted without a line in each.
func openCounted(driverName, dsn string, h *errHook) (*sql.DB, error) {
	probe, err := sql.Open(driverName, dsn)
	if err != nil {
		return nil, err
	}
	drv := probe.Driver()
	probe.Close()
	var c driver.Connector = dsnConnector{dsn: dsn, drv: drv}
	if dc, ok := drv.(driver.DriverContext); ok {
		if c, err = dc.OpenConnector(dsn); err != nil {
			return nil, err
		}
	}
	return sql.OpenDB(errConnector{Connector: c, hook: h}), nil
}

// dsnConnector is the connector of a driver without one of its own.
type dsnConnector struct {
	dsn string
	drv driver.Driver
}

func (c dsnConnector) Connect(context.Context) (driver.Conn, error) { return c.drv.Open(c.dsn) }
func (c dsnConnector) Driver() driver.Driver                        { return c.drv }

type errConnector struct {
	driver.Connector
	hook *errHook
}

func (c errConnector) Connect(ctx context.Context) (driver.Conn, error) {
	dc, err := c.Connector.Connect(ctx)
	if err != nil {
		c.hook.report("connect", err)
		return nil, err
	}
	return &errConn{Conn: dc, hook: c.hook}, nil
}

// errConn forwards every optional interface database/sql looks for to the
// driver's connection, answering as database/sql does for one the driver
// lacks (driver.ErrSkip: do it the plain way).
type errConn struct {
	driver.Conn
	hook *errHook
}

// Unwrap is the driver's own connection, for sql.Conn.Raw.
func (c *errConn) Unwrap() driver.Conn { return c.Conn }

func (c *errConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	var st driver.Stmt
	var err error
	if pc, ok := c.Conn.(driver.ConnPrepareContext); ok {
		st, err = pc.PrepareContext(ctx, query)
	} else {
		st, err = c.Conn.Prepare(query)
	}
	c.hook.report("query", err)
	return st, err
}

func (c *errConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	var tx driver.Tx
	var err error
	if bt, ok := c.Conn.(driver.ConnBeginTx); ok {
		tx, err = bt.BeginTx(ctx, opts)
	} else {
		//lint:ignore SA1019 the fallback database/sql itself uses for a driver without BeginTx
		tx, err = c.Conn.Begin()
	}
	if err != nil {
		c.hook.report("begin", err)
		return nil, err
	}
	return errTx{Tx: tx, hook: c.hook}, nil
}

func (c *errConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	ec, ok := c.Conn.(driver.ExecerContext)
	if !ok {
		return nil, driver.ErrSkip
	}
	r, err := ec.ExecContext(ctx, query, args)
	c.hook.report("exec", err)
	return r, err
}

func (c *errConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	qc, ok := c.Conn.(driver.QueryerContext)
	if !ok {
		return nil, driver.ErrSkip
	}
	r, err := qc.QueryContext(ctx, query, args)
	c.hook.report("query", err)
	return r, err
}

func (c *errConn) Ping(ctx context.Context) error {
	p, ok := c.Conn.(driver.Pinger)
	if !ok {
		return nil
	}
	err := p.Ping(ctx)
	c.hook.report("connect", err)
	return err
}

func (c *errConn) CheckNamedValue(nv *driver.NamedValue) error {
	if nc, ok := c.Conn.(driver.NamedValueChecker); ok {
		return nc.CheckNamedValue(nv)
	}
	return driver.ErrSkip
}

func (c *errConn) ResetSession(ctx context.Context) error {
	if sr, ok := c.Conn.(driver.SessionResetter); ok {
		return sr.ResetSession(ctx)
	}
	return nil
}

func (c *errConn) IsValid() bool {
	if v, ok := c.Conn.(driver.Validator); ok {
		return v.IsValid()
	}
	return true
}

type errTx struct {
	driver.Tx
	hook *errHook
}

func (t errTx) Commit() error {
	err := t.Tx.Commit()
	t.hook.report("commit", err)
	return err
}
