package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/storydesk/storydesk/internal/app"
	"github.com/storydesk/storydesk/internal/backup"
	"github.com/storydesk/storydesk/internal/config"
	"github.com/storydesk/storydesk/internal/deletion"
)

// runBackup writes a backup (see package backup) to --out: a file, a
// directory to name one in, or "-" for standard output, so that it can be
// piped into an encryption tool.
func runBackup(ctx context.Context, env Env, args []string) error {
	var out string
	if err := flags("backup", args, func(fs *flag.FlagSet) {
		fs.StringVar(&out, "out", "", "the backup file (.tar) to write, a directory to write it in, or - for standard output")
	}); err != nil {
		return err
	}
	if out == "" {
		return usageErr("backup: --out FILE|DIR|- is required")
	}
	a, err := open(ctx, env)
	if err != nil {
		return err
	}
	defer a.Close()
	report := env.Stdout
	var w io.Writer = env.Stdout
	if out == "-" {
		report = env.Stderr
	} else {
		if st, err := os.Stat(out); err == nil && st.IsDir() {
			out = filepath.Join(out, "storydesk-backup-"+time.Now().UTC().Format("20060102T150405Z")+".tar")
		}
		// The data dir's folders are read by the embedded services and by
		// whoever can read the deployment's volume; a copy of every story
		// does not belong there.
		if backup.Inside(out, a.Config.DataDir) {
			return usageErr("backup: --out %s is inside the data directory %s: write backups elsewhere", out, a.Config.DataDir)
		}
		// Written next to --out and renamed at the end, mode 0600: it
		// holds every submitter's story and contact details.
		tmp, err := os.CreateTemp(filepath.Dir(out), ".storydesk-backup-*.tar")
		if err != nil {
			return fmt.Errorf("backup: %w", err)
		}
		defer os.Remove(tmp.Name())
		defer tmp.Close()
		if err := tmp.Chmod(0o600); err != nil {
			return fmt.Errorf("backup: %w", err)
		}
		w = tmp
	}
	bar := newProgress(env.Stderr, "backup", "item", "items")
	m, err := backup.Write(ctx, w, backup.Source{Store: a.Store, Blob: a.Blob, DatabaseURL: a.Config.DatabaseURL,
		TmpDir: a.TempDir, AppVersion: version(env.Version)}, bar.update)
	bar.finish()
	if err != nil {
		return err
	}
	if f, ok := w.(*os.File); ok && out != "-" {
		if err := f.Close(); err != nil {
			return fmt.Errorf("backup: %w", err)
		}
		if err := os.Rename(f.Name(), out); err != nil {
			return fmt.Errorf("backup: %w", err)
		}
	}
	fmt.Fprintf(report, "wrote a backup of the %s database (migration %d) and %s to %s\n", m.Dialect, m.Schema, count(m.Objects, "object", "objects"), out)
	return nil
}

// runRestore restores a backup into the configured database and bucket,
// which must be empty unless --force, and then deletes again whatever the
// deletion log says was deleted since the backup was taken.
func runRestore(ctx context.Context, env Env, args []string) error {
	var in string
	var force bool
	if err := flags("restore", args, func(fs *flag.FlagSet) {
		fs.StringVar(&in, "in", "", "the backup file to restore, or - for standard input")
		fs.BoolVar(&force, "force", false, "replace the database and the bucket's objects (the deletion log is kept)")
	}); err != nil {
		return err
	}
	if in == "" {
		return usageErr("restore: --in FILE|- is required")
	}
	cfg, err := config.Load(env.Getenv)
	if err != nil {
		return err
	}
	r := env.Stdin
	if in != "-" {
		f, err := os.Open(in)
		if err != nil {
			return fmt.Errorf("restore: %w", err)
		}
		defer f.Close()
		r = f
	}
	tmp := filepath.Join(cfg.DataDir, "tmp")
	if err := os.MkdirAll(tmp, 0o700); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	rd, err := backup.Open(r, tmp)
	if err != nil {
		return err
	}
	log := newLogger(env.Stderr, cfg.LogFormat)
	if err := restoreDatabase(ctx, cfg, log, rd, force); err != nil {
		return err
	}
	// Opening migrates an older backup and re-applies the deletion log to
	// the restored rows (app.New), before any object is written back.
	a, err := app.New(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer a.Close()
	erased, err := deletion.New(a.Blob).Read(ctx)
	if err != nil {
		return err
	}
	bar := newProgress(env.Stderr, "restore", "object", "objects")
	restored, skipped, err := rd.RestoreObjects(ctx, a.Blob, erased, bar.update)
	bar.finish()
	if err != nil {
		return err
	}
	// Again, now the objects are back: idempotent, and it catches a piece
	// deleted by another instance while this restore ran.
	if _, err := a.Retention().Reapply(ctx); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "restored the database (migration %d, taken %s) and %s; %s left out as the deletion log asks\n",
		rd.Manifest.Schema, rd.Manifest.CreatedAt.Format(time.RFC3339), count(restored, "object", "objects"), count(skipped, "object", "objects"))
	return nil
}

// restoreDatabase checks (or, with force, clears) the target and writes the
// backup's database into it. The bucket is opened alone: the database
// must not be open while it is replaced.
func restoreDatabase(ctx context.Context, cfg config.Config, log *slog.Logger, rd *backup.Reader, force bool) error {
	b, err := app.OpenBlob(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer b.Close()
	if force {
		err = backup.Clear(ctx, cfg.DatabaseURL, b.Blob)
	} else {
		err = backup.CheckEmpty(ctx, cfg.DatabaseURL, b.Blob)
		if errors.Is(err, backup.ErrNotEmpty) {
			return fmt.Errorf("%w; restore into an empty database and bucket, or pass --force to replace them", err)
		}
	}
	if err != nil {
		return err
	}
	return rd.RestoreDatabase(ctx, cfg.DatabaseURL)
}
