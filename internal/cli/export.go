package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mattn/go-isatty"

	archive "github.com/storydesk/storydesk/internal/export"
)

// export writes the staff export archive to --out: the same archive as the
// staff UI's, with a progress bar on a terminal and plain progress lines
// otherwise.
func export(ctx context.Context, env Env, args []string) error {
	var out, status, since, until, site, kind string
	if err := flags("export", args, func(fs *flag.FlagSet) {
		fs.StringVar(&out, "out", "", "the ZIP file to write")
		fs.StringVar(&status, "status", "approved,published", "comma-separated statuses")
		fs.StringVar(&since, "since", "", "first day submitted, YYYY-MM-DD")
		fs.StringVar(&until, "until", "", "last day submitted, YYYY-MM-DD")
		fs.StringVar(&site, "site", "", "only this site")
		fs.StringVar(&kind, "kind", "", "story or oped")
	}); err != nil {
		return err
	}
	if out == "" {
		return usageErr("export: --out FILE.zip is required")
	}
	f, err := archive.ParseFilter(status, since, until, site, kind)
	var fe *archive.FilterError
	if errors.As(err, &fe) {
		return usageErr("export: --%s %s", fe.Field, fe.Problem)
	}
	if err != nil {
		return err
	}
	a, err := open(ctx, env)
	if err != nil {
		return err
	}
	defer a.Close()
	// Written next to --out and renamed at the end: a failed export leaves
	// no half archive behind. 0600: it holds names and unpublished pieces.
	tmp, err := os.CreateTemp(filepath.Dir(out), ".storydesk-export-*.zip")
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	if err := tmp.Chmod(0o600); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	w := archive.New(a.Store, a.Blob, a.Sanitizer, filepath.Join(a.Config.DataDir, "tmp"))
	bar := newProgress(env.Stderr)
	n, err := w.Write(ctx, tmp, f, bar.update)
	bar.finish()
	if err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if err := os.Rename(tmp.Name(), out); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	fmt.Fprintf(env.Stdout, "wrote %d pieces to %s\n", n, out)
	return nil
}

// progress shows how far an export is: a bar redrawn in place on a
// terminal, a line every few seconds elsewhere (logs, CI).
//
// github.com/schollz/progressbar/v3 is not in go.mod yet, so this small
// bar stands in for it.
type progress struct {
	w        io.Writer
	terminal bool
	last     time.Time
	done     int
	total    int
}

func newProgress(w io.Writer) *progress {
	f, ok := w.(*os.File)
	return &progress{w: w, terminal: ok && isatty.IsTerminal(f.Fd())}
}

func (p *progress) update(done, total int) {
	p.done, p.total = done, total
	every := 2 * time.Second
	if p.terminal {
		every = 100 * time.Millisecond
	}
	if done != 0 && done != total && time.Since(p.last) < every {
		return
	}
	p.last = time.Now()
	p.draw()
}

func (p *progress) draw() {
	pct := 100
	if p.total > 0 {
		pct = p.done * 100 / p.total
	}
	if !p.terminal {
		fmt.Fprintf(p.w, "export: %d/%d pieces (%d%%)\n", p.done, p.total, pct)
		return
	}
	const width = 30
	fill := pct * width / 100
	fmt.Fprintf(p.w, "\rexporting [%s%s] %3d%% %d/%d", strings.Repeat("=", fill), strings.Repeat(" ", width-fill), pct, p.done, p.total)
}

func (p *progress) finish() {
	if p.terminal {
		fmt.Fprintln(p.w)
	}
}
