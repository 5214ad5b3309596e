// Command storydesk runs StoryDesk: the web server, the workers, or both, and
// the administrative commands. See README.md.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/storydesk/storydesk/internal/cli"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, cli.Env{
		Args: os.Args[1:], Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr,
		Getenv: os.Getenv, Version: version,
	})
	stop()
	os.Exit(code)
}
