package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/storydesk/storydesk/internal/loadgen"
)

// bench drives a running StoryDesk with the load tool and measures the
// baselines in the same run.
func bench(ctx context.Context, env Env, args []string) error {
	var (
		cfg                              loadgen.Config
		mix, text, files, fileSize, kind string
		s3                               loadgen.S3Target
		redisURL                         string
		asJSON                           bool
		asynqN                           int
	)
	if err := flags("bench", args, func(fs *flag.FlagSet) {
		fs.StringVar(&cfg.BaseURL, "url", "http://127.0.0.1:8080", "StoryDesk to drive")
		fs.StringVar(&cfg.Token, "token", "", "an editor's API token (queue reads, submit→ready sampling)")
		fs.IntVar(&cfg.Concurrency, "concurrency", 8, "clients at once")
		fs.DurationVar(&cfg.Duration, "duration", 30*time.Second, "how long to run")
		fs.IntVar(&cfg.MaxRequests, "requests", 0, "stop after this many operations (0 = only -duration)")
		fs.StringVar(&mix, "mix", "submit=8,queue=2", "operation weights")
		fs.StringVar(&text, "text", "1KiB-60KiB", "body size range")
		fs.StringVar(&files, "files", "0-5", "attachments per submission")
		fs.StringVar(&fileSize, "file-size", "200KiB-5MiB", "attachment size range")
		fs.StringVar(&kind, "file-kind", loadgen.KindPhoto, "attachments: photo (re-encoded by StoryDesk), pdf (stored as sent) or mixed")
		fs.IntVar(&cfg.ReadySample, "ready-sample", 10, "follow every Nth submission to ready (0 = off)")
		fs.StringVar(&s3.Endpoint, "s3-endpoint", "", "S3 server for the raw PUT baseline (host:port)")
		fs.StringVar(&s3.AccessKey, "s3-access-key", "", "")
		fs.StringVar(&s3.SecretKey, "s3-secret-key", "", "")
		fs.StringVar(&s3.Bucket, "s3-bucket", "storydesk", "")
		fs.StringVar(&s3.Region, "s3-region", "us-east-1", "")
		fs.StringVar(&redisURL, "redis-url", "", "Redis for the raw asynq baseline")
		fs.IntVar(&asynqN, "asynq-samples", 200, "asynq round trips to measure")
		fs.BoolVar(&asJSON, "json", false, "print the report as JSON")
		fs.BoolVar(&cfg.CPU, "cpu", false, "account the CPU of every process on this machine during the run and the S3 baseline (Linux; for StoryDesk and its services on this machine)")
		fs.StringVar(&cfg.ServerName, "cpu-server", "storydesk", "process name of StoryDesk's server, for -cpu")
	}); err != nil {
		return err
	}
	var err error
	if cfg.SubmitWeight, cfg.QueueWeight, err = parseMix(mix); err != nil {
		return usageErr("bench: -mix: %v", err)
	}
	if cfg.TextMin, cfg.TextMax, err = parseRange(text); err != nil {
		return usageErr("bench: -text: %v", err)
	}
	if cfg.FilesMin, cfg.FilesMax, err = parseRange(files); err != nil {
		return usageErr("bench: -files: %v", err)
	}
	pmin, pmax, err := parseRange(fileSize)
	if err != nil {
		return usageErr("bench: -file-size: %v", err)
	}
	if s3.Endpoint != "" {
		if err := s3.Check(ctx); err != nil {
			return err
		}
	}
	cfg.Seed = uint64(time.Now().UnixNano())
	fmt.Fprintln(env.Stderr, "preparing attachments…")
	if cfg.Corpus, err = loadgen.NewCorpus(rand.New(rand.NewPCG(cfg.Seed, 1)), 8, pmin, pmax, kind); err != nil {
		return usageErr("bench: -file-kind: %v", err)
	}
	cfg.Progress = env.Stderr
	rep, err := loadgen.Run(ctx, cfg)
	if err != nil {
		return err
	}
	rep.Baselines = map[string]loadgen.Summary{}
	if s3.Endpoint != "" && len(rep.Uploaded) > 0 {
		fmt.Fprintln(env.Stderr, "baseline: raw S3 PUT of the same files…")
		if rep.Baselines["s3_put"], err = loadgen.BaselineS3(ctx, s3, cfg.Corpus, rep.Uploaded, cfg.Concurrency, cfg.CPU); err != nil {
			return err
		}
	}
	if redisURL != "" {
		fmt.Fprintln(env.Stderr, "baseline: raw asynq round trip…")
		if rep.Baselines["asynq_round_trip"], err = loadgen.BaselineAsynq(ctx, redisURL, asynqN); err != nil {
			return err
		}
	}
	rep.Compare()
	if asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	rep.Print(env.Stdout)
	return nil
}

func parseMix(s string) (submit, queue int, err error) {
	for _, part := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		n, perr := strconv.Atoi(v)
		if !ok || perr != nil || n < 0 {
			return 0, 0, fmt.Errorf("%q is not name=weight", part)
		}
		switch k {
		case "submit":
			submit = n
		case "queue":
			queue = n
		default:
			return 0, 0, fmt.Errorf("unknown operation %q (submit, queue)", k)
		}
	}
	return submit, queue, nil
}

// parseRange reads "A-B" or "A" with optional KiB/MiB units.
func parseRange(s string) (lo, hi int, err error) {
	a, b, found := strings.Cut(s, "-")
	if !found {
		b = a
	}
	if lo, err = parseSize(a); err != nil {
		return 0, 0, err
	}
	if hi, err = parseSize(b); err != nil {
		return 0, 0, err
	}
	if lo > hi {
		return 0, 0, fmt.Errorf("%q: the low end is above the high end", s)
	}
	return lo, hi, nil
}

func parseSize(s string) (int, error) {
	mult := 1
	for suffix, m := range map[string]int{"KiB": 1 << 10, "MiB": 1 << 20} {
		if strings.HasSuffix(s, suffix) {
			s, mult = strings.TrimSuffix(s, suffix), m
		}
	}
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%q is not a size", s)
	}
	return n * mult, nil
}
