package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/schollz/progressbar/v3"

	"github.com/storydesk/storydesk/internal/export"
)

// runExport writes the staff export archive to --out: the same archive as the
// staff UI's, with a progress bar on a terminal and plain progress lines
// otherwise.
func runExport(ctx context.Context, env Env, args []string) error {
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
	f, err := export.ParseFilter(status, since, until, site, kind)
	var fe *export.FilterError
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
	w := export.New(a.Store, a.Blob, a.TempDir)
	bar := newProgress(env.Stderr, "export", "piece", "pieces")
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
	fmt.Fprintf(env.Stdout, "wrote %s to %s\n", count(n, "piece", "pieces"), out)
	return nil
}

// progress shows how far an export, a backup or a restore is: a bar redrawn in place on a
// terminal (schollz/progressbar), a plain line every few seconds elsewhere,
// where carriage returns would garble logs and CI output.
type progress struct {
	w         io.Writer
	verb      string                   // "export", names the plain lines
	one, many string                   // the unit counted: "piece", "pieces"
	bar       *progressbar.ProgressBar // nil when w is not a terminal
	last      time.Time
}

func newProgress(w io.Writer, verb, one, many string) *progress {
	p := &progress{w: w, verb: verb, one: one, many: many}
	if f, ok := w.(*os.File); ok && isatty.IsTerminal(f.Fd()) {
		p.bar = progressbar.NewOptions(-1, progressbar.OptionSetWriter(w), progressbar.OptionSetDescription(verb),
			progressbar.OptionShowCount(), progressbar.OptionSetItsString(many), progressbar.OptionShowIts(),
			progressbar.OptionSetWidth(30), progressbar.OptionThrottle(100*time.Millisecond), progressbar.OptionClearOnFinish())
	}
	return p
}

func (p *progress) update(done, total int) {
	if p.bar != nil {
		if p.bar.GetMax() != total {
			p.bar.ChangeMax(total)
		}
		p.bar.Set(done)
		return
	}
	if done != 0 && done != total && time.Since(p.last) < 2*time.Second {
		return
	}
	p.last = time.Now()
	pct := 100
	if total > 0 {
		pct = done * 100 / total
	}
	fmt.Fprintf(p.w, "%s: %d/%s (%d%%)\n", p.verb, done, count(total, p.one, p.many), pct)
}

func (p *progress) finish() {
	if p.bar != nil {
		p.bar.Finish()
	}
}
