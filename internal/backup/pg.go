package backup

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"strings"
)

// pgDump writes PostgreSQL's custom-format dump of the database to path
// with pg_dump, whose major version must be the server's or newer.
func pgDump(ctx context.Context, dbURL, path string) error {
	return pgTool(ctx, "pg_dump", dbURL, "--format=custom", "--no-owner", "--no-privileges", "--file="+path)
}

// pgRestore loads a dump written by pgDump into the (empty) database.
func pgRestore(ctx context.Context, dbURL, path string) error {
	return pgTool(ctx, "pg_restore", dbURL, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", path)
}

// pgTool runs a PostgreSQL client tool on the database. The password goes
// in PGPASSWORD, not on the command line, where ps would show it.
func pgTool(ctx context.Context, tool, dbURL string, args ...string) error {
	bin, err := exec.LookPath(tool)
	if err != nil {
		return fmt.Errorf("%s is not installed: install the PostgreSQL client tools of the server's major version (Debian: postgresql-client): %w", tool, err)
	}
	u, err := url.Parse(dbURL)
	if err != nil {
		return fmt.Errorf("%s: database URL: %w", tool, err)
	}
	env := os.Environ()
	if pw, ok := u.User.Password(); ok {
		env = append(env, "PGPASSWORD="+pw)
		u.User = url.User(u.User.Username())
	}
	cmd := exec.CommandContext(ctx, bin, append([]string{"--dbname=" + u.String()}, args...)...)
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return fmt.Errorf("%s: %s: %w", tool, strings.TrimSpace(stderr.String()), err)
		}
		return fmt.Errorf("%s: %w", tool, err)
	}
	return nil
}
