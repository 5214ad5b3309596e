// Package cli implements the storydesk command's subcommands.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/debug"
	"strings"

	"github.com/mattn/go-isatty"

	"github.com/storydesk/storydesk/internal/app"
	"github.com/storydesk/storydesk/internal/config"
	"github.com/storydesk/storydesk/internal/store"
)

// Env is the outside world of one run, passed in so tests can drive the CLI.
type Env struct {
	Args    []string
	Stdin   io.Reader
	Stdout  io.Writer
	Stderr  io.Writer
	Getenv  func(string) string
	Version string
	// Ready, if set, is called with the web server's address once it listens.
	Ready func(addr string)
}

// errUsage marks a usage error: exit status 2.
var errUsage = errors.New("usage")

const usage = `usage: storydesk <command> [flags]

commands:
  all        web server and workers in one process (embedded services when none are configured)
  serve      web server only
  worker     workers and the outbox reconciler only
  migrate    apply database migrations and exit
  user add   --email E --role editor|staff|admin|translator [--name N] [--site S]   (password on stdin)
  token create --email E [--name N] [--expires 90d]
  export     --out FILE.zip [--status approved,published] [--since YYYY-MM-DD] [--until YYYY-MM-DD] [--site S] [--kind story|oped]
  backup     --out FILE.tar|DIR|-   database and bucket, without the deletion log (see docs/operations.md)
  restore    --in FILE.tar|- [--force]   into an empty database and bucket; re-applies the deletion log
  bench      drive a running StoryDesk with load and measure baselines (see docs/benchmarks.md)
  healthcheck [--worker]   exit 0 if the web server (or this host's worker) is healthy, else 1
  version    print the version

Configuration comes from STORYDESK_* environment variables; see README.md.`

// Run executes one command and returns the exit status: 0 on success, 2 for
// bad usage, 1 for any other failure, with a one-line error on stderr.
func Run(ctx context.Context, env Env) int {
	err := dispatch(ctx, env)
	switch {
	case err == nil:
		return 0
	case errors.As(err, new(commandHelp)):
		fmt.Fprint(env.Stderr, err.Error())
		return 0
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprintln(env.Stderr, usage)
		return 0
	case errors.Is(err, errUsage):
		fmt.Fprintln(env.Stderr, "storydesk: "+oneLine(err.Error()))
		fmt.Fprintln(env.Stderr, "run 'storydesk help' for usage")
		return 2
	default:
		fmt.Fprintln(env.Stderr, "storydesk: "+oneLine(err.Error()))
		return 1
	}
}

func oneLine(s string) string { return strings.ReplaceAll(s, "\n", "; ") }

func usageErr(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errUsage, fmt.Sprintf(format, args...))
}

func dispatch(ctx context.Context, env Env) error {
	if len(env.Args) == 0 {
		return usageErr("no command given")
	}
	cmd, args := env.Args[0], env.Args[1:]
	switch cmd {
	case "help", "-h", "--help":
		return flag.ErrHelp
	case "version":
		fmt.Fprintln(env.Stdout, "storydesk "+version(env.Version))
		return nil
	case "all", "serve", "worker":
		return runServer(ctx, env, cmd, args)
	case "migrate":
		return migrate(ctx, env, args)
	case "user":
		if len(args) == 0 || args[0] != "add" {
			return usageErr("expected 'user add'")
		}
		return userAdd(ctx, env, args[1:])
	case "token":
		if len(args) == 0 || args[0] != "create" {
			return usageErr("expected 'token create'")
		}
		return tokenCreate(ctx, env, args[1:])
	case "export":
		return runExport(ctx, env, args)
	case "bench":
		return bench(ctx, env, args)
	case "healthcheck":
		return healthcheck(ctx, env, args)
	case "backup":
		return runBackup(ctx, env, args)
	case "restore":
		return runRestore(ctx, env, args)
	}
	return usageErr("unknown command %q", cmd)
}

func version(v string) string {
	if v != "" && v != "dev" {
		return v
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

// commandHelp is the answer to "storydesk COMMAND -h": that command's flags.
type commandHelp string

func (h commandHelp) Error() string { return string(h) }
func (h commandHelp) Unwrap() error { return flag.ErrHelp }

// flags parses args, turning every flag problem into a usage error.
func flags(name string, args []string, define func(*flag.FlagSet)) error {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	define(fs)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			var b strings.Builder
			fmt.Fprintf(&b, "usage: storydesk %s [flags]\n\nflags:\n", name)
			fs.SetOutput(&b)
			fs.PrintDefaults()
			return commandHelp(b.String())
		}
		return usageErr("%s: %v", name, err)
	}
	if fs.NArg() > 0 {
		return usageErr("%s: unexpected argument %q", name, fs.Arg(0))
	}
	return nil
}

// open loads the configuration and builds the App.
func open(ctx context.Context, env Env) (*app.App, error) {
	cfg, err := config.Load(env.Getenv)
	if err != nil {
		return nil, err
	}
	log := newLogger(env.Stderr, cfg.LogFormat)
	return app.New(ctx, cfg, log)
}

// newLogger writes text on a terminal and JSON elsewhere, unless told otherwise.
func newLogger(w io.Writer, format string) *slog.Logger {
	if format == "" {
		format = "json"
		if f, ok := w.(*os.File); ok && isatty.IsTerminal(f.Fd()) {
			format = "text"
		}
	}
	if format == "text" {
		return slog.New(slog.NewTextHandler(w, nil))
	}
	return slog.New(slog.NewJSONHandler(w, nil))
}

func runServer(ctx context.Context, env Env, cmd string, args []string) error {
	concurrency := 8
	if err := flags(cmd, args, func(fs *flag.FlagSet) {
		if cmd != "serve" {
			fs.IntVar(&concurrency, "concurrency", 8, "tasks processed at once")
		}
	}); err != nil {
		return err
	}
	a, err := open(ctx, env)
	if err != nil {
		return err
	}
	defer a.Close()
	opts := app.WorkerOptions{Concurrency: concurrency, ReviewPause: a.Config.TestReviewPause, JobPeriod: a.Config.TestJobPeriod}
	ready := func(addr string) {
		fmt.Fprintf(env.Stderr, "StoryDesk is listening on %s (public URL %s)\n", addr, a.Config.BaseURL)
		if a.Config.EmbeddedRedis() || a.Config.EmbeddedS3() {
			fmt.Fprintf(env.Stderr, "Embedded services in use; data is kept in %s\n", a.Config.DataDir)
		}
		fmt.Fprintln(env.Stderr, "Create the first editor with: storydesk user add --email you@example.org --role admin   (password on stdin)")
		if env.Ready != nil {
			env.Ready(addr)
		}
	}
	switch cmd {
	case "serve":
		return a.Serve(ctx, ready)
	case "worker":
		return a.Work(ctx, opts)
	}
	return a.All(ctx, opts, ready)
}

func migrate(ctx context.Context, env Env, args []string) error {
	if err := flags("migrate", args, func(*flag.FlagSet) {}); err != nil {
		return err
	}
	st, err := openStore(ctx, env) // opening migrates
	if err != nil {
		return err
	}
	defer st.Close()
	fmt.Fprintln(env.Stdout, "migrations applied")
	return nil
}

// openStore opens and migrates the database alone: the account commands need
// nothing else, and may run beside a running server.
func openStore(ctx context.Context, env Env) (*store.Store, error) {
	cfg, err := config.Load(env.Getenv)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("data dir %s: %w", cfg.DataDir, err)
	}
	st, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, err
	}
	if err := st.Migrate(ctx); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}
