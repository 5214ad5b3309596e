// Package config reads StoryDesk's settings from the environment.
//
// Load never touches the disk or the network: it validates what it is given
// and names the variable in every error, so a bad deployment stops at start-up
// with one clear line.
package config

import (
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/netip"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Config is the whole configuration of one StoryDesk process.
type Config struct {
	Addr        string
	BaseURL     string
	DataDir     string
	DatabaseURL string // postgres://… or sqlite://PATH; defaults to a SQLite file in DataDir

	RedisURL string // "" = embedded Redis-protocol server

	S3Endpoint  string // "" = embedded S3-protocol server
	S3AccessKey string
	S3SecretKey string
	S3Bucket    string
	S3Region    string
	S3TLS       bool

	Secret []byte // nil = generated and kept in DataDir

	MaxFileMB  int
	MaxFiles   int
	LogFormat  string // "text" | "json" | "" (= text on a terminal, else json)
	SubmitRate int    // per client per hour; 0 = unlimited

	TrustedProxies []netip.Prefix

	// SubmitGlobalRate caps submissions per minute from all clients
	// together, against a flood from many addresses; 0 = unlimited.
	SubmitGlobalRate int

	// ImageMemoryMB is the memory, in MiB, that decoding images may hold at
	// once, all requests together; an image needing more is refused (413).
	ImageMemoryMB int

	// Retention windows, in days (docs/privacy.md): contact details after a
	// final decision, rejected and withdrawn submissions, and submissions
	// nobody reviewed. 0 means at the next retention run.
	RetainContactDays    int
	RetainRejectedDays   int
	RetainUnreviewedDays int

	// SMTP, for the editors' e-mail digest; no digest without SMTPAddr.
	// STARTTLS is used whenever the server offers it.
	SMTPAddr     string // host:port
	SMTPUser     string // "" = no authentication
	SMTPPassword string
	SMTPFrom     string

	// WebhookURL, when set, is POSTed a signed JSON notice after each
	// publication; WebhookSecret keys the HMAC-SHA256 signature.
	WebhookURL    string
	WebhookSecret string

	// MetricsToken is the bearer token GET /metrics asks for; without it
	// there is no /metrics (request counts show when people act).
	MetricsToken string
	// MetricsAddr, when set, is where a worker process (worker, all)
	// serves GET /metrics, as it has no web server of its own.
	MetricsAddr string

	// TestReviewPause makes the review job sleep partway through a task
	// (STORYDESK_TEST_REVIEW_PAUSE), for the fault-injection tests only:
	// never set in production.
	TestReviewPause time.Duration

	// TestJobPeriod replaces the hour between runs of the periodic jobs
	// (STORYDESK_TEST_JOB_PERIOD), for the multi-instance test only: never
	// set in production.
	TestJobPeriod time.Duration
}

// EmbeddedRedis reports whether the in-process Redis-protocol server is used.
func (c Config) EmbeddedRedis() bool { return c.RedisURL == "" }

// EmbeddedS3 reports whether the in-process S3-protocol server is used.
func (c Config) EmbeddedS3() bool { return c.S3Endpoint == "" }

// MaxFileBytes is the per-attachment limit in bytes.
func (c Config) MaxFileBytes() int64 { return int64(c.MaxFileMB) << 20 }

// Load reads the configuration through getenv (os.Getenv in production).
func Load(getenv func(string) string) (Config, error) {
	r := reader{getenv: getenv}
	c := Config{
		Addr:        r.str("STORYDESK_ADDR", ":8080"),
		BaseURL:     strings.TrimRight(r.str("STORYDESK_BASE_URL", "http://localhost:8080"), "/"),
		DataDir:     r.str("STORYDESK_DATA_DIR", "./data"),
		RedisURL:    r.str("STORYDESK_REDIS_URL", ""),
		S3Endpoint:  r.str("STORYDESK_S3_ENDPOINT", ""),
		S3AccessKey: r.str("STORYDESK_S3_ACCESS_KEY", ""),
		S3SecretKey: r.str("STORYDESK_S3_SECRET_KEY", ""),
		S3Bucket:    r.str("STORYDESK_S3_BUCKET", "storydesk"),
		S3Region:    r.str("STORYDESK_S3_REGION", "us-east-1"),
		S3TLS:       r.boolean("STORYDESK_S3_TLS", false),
		MaxFileMB:   r.integer("STORYDESK_MAX_FILE_MB", 20, 1, 1024),
		MaxFiles:    r.integer("STORYDESK_MAX_FILES", 5, 0, 50),
		LogFormat:   r.oneOf("STORYDESK_LOG_FORMAT", "", "text", "json"),
		SubmitRate:  r.integer("STORYDESK_SUBMIT_RATE", 20, 0, 1_000_000),

		SubmitGlobalRate:     r.integer("STORYDESK_SUBMIT_GLOBAL_RATE", 300, 0, 1_000_000),
		RetainContactDays:    r.integer("STORYDESK_RETAIN_CONTACT_DAYS", 30, 0, 3650),
		RetainRejectedDays:   r.integer("STORYDESK_RETAIN_REJECTED_DAYS", 30, 0, 3650),
		RetainUnreviewedDays: r.integer("STORYDESK_RETAIN_UNREVIEWED_DAYS", 180, 0, 3650),
		ImageMemoryMB:        r.integer("STORYDESK_IMAGE_MEMORY_MB", 256, 16, 1<<20),

		TestReviewPause: r.duration("STORYDESK_TEST_REVIEW_PAUSE"),
		TestJobPeriod:   r.duration("STORYDESK_TEST_JOB_PERIOD"),
	}
	if s := r.str("STORYDESK_SECRET", ""); s != "" {
		if len(s) < 32 {
			r.fail("STORYDESK_SECRET", "must be at least 32 characters (try: openssl rand -hex 32)")
		}
		r.refusePlaceholder("STORYDESK_SECRET", s)
		c.Secret = []byte(s)
	}
	c.DatabaseURL = r.str("STORYDESK_DATABASE_URL", "sqlite://"+filepath.Join(c.DataDir, "storydesk.db"))
	c.TrustedProxies = r.prefixes("STORYDESK_TRUSTED_PROXIES")
	if c.MetricsToken = r.str("STORYDESK_METRICS_TOKEN", ""); c.MetricsToken != "" && len(c.MetricsToken) < 16 {
		r.fail("STORYDESK_METRICS_TOKEN", "must be at least 16 characters (try: openssl rand -hex 32)")
	}
	r.refusePlaceholder("STORYDESK_METRICS_TOKEN", c.MetricsToken)
	if c.MetricsAddr = r.str("STORYDESK_METRICS_ADDR", ""); c.MetricsAddr != "" {
		if _, _, err := net.SplitHostPort(c.MetricsAddr); err != nil {
			r.fail("STORYDESK_METRICS_ADDR", "must be host:port or :port")
		} else if c.MetricsToken == "" {
			r.fail("STORYDESK_METRICS_ADDR", "needs STORYDESK_METRICS_TOKEN: /metrics is served only to its bearer")
		}
	}
	c.WebhookURL, c.WebhookSecret = r.str("STORYDESK_WEBHOOK_URL", ""), r.str("STORYDESK_WEBHOOK_SECRET", "")
	c.SMTPAddr, c.SMTPUser, c.SMTPPassword = r.str("STORYDESK_SMTP_ADDR", ""), r.str("STORYDESK_SMTP_USER", ""), r.str("STORYDESK_SMTP_PASSWORD", "")
	c.SMTPFrom = r.str("STORYDESK_SMTP_FROM", "")
	if c.SMTPAddr != "" {
		if _, port, err := net.SplitHostPort(c.SMTPAddr); err != nil || port == "" {
			r.fail("STORYDESK_SMTP_ADDR", fmt.Sprintf("%q must be host:port", c.SMTPAddr))
		}
		if a, err := mail.ParseAddress(c.SMTPFrom); err != nil || a.Address == "" {
			r.fail("STORYDESK_SMTP_FROM", "must be an e-mail address when STORYDESK_SMTP_ADDR is set")
		}
		if c.SMTPUser != "" && c.SMTPPassword == "" {
			r.fail("STORYDESK_SMTP_PASSWORD", "is required when STORYDESK_SMTP_USER is set")
		}
	}
	if c.WebhookURL != "" {
		if u, err := url.Parse(c.WebhookURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			r.fail("STORYDESK_WEBHOOK_URL", "must be an http(s) URL")
		}
		if len(c.WebhookSecret) < 16 {
			r.fail("STORYDESK_WEBHOOK_SECRET", "must be at least 16 characters when STORYDESK_WEBHOOK_URL is set")
		}
		r.refusePlaceholder("STORYDESK_WEBHOOK_SECRET", c.WebhookSecret)
	}

	if c.Addr == "" {
		r.fail("STORYDESK_ADDR", "must not be empty")
	}
	if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		r.fail("STORYDESK_BASE_URL", fmt.Sprintf("%q is not an http(s) URL", c.BaseURL))
	}
	if !hasAnyPrefix(c.DatabaseURL, "postgres://", "postgresql://", "sqlite://") {
		r.fail("STORYDESK_DATABASE_URL", "must start with postgres:// or sqlite://")
	} else if !strings.HasPrefix(c.DatabaseURL, "sqlite://") {
		r.parseURL("STORYDESK_DATABASE_URL", c.DatabaseURL)
	}
	if c.RedisURL != "" {
		if u := r.parseURL("STORYDESK_REDIS_URL", c.RedisURL); u != nil {
			if _, err := ParseRedis(c.RedisURL); err != nil {
				r.fail("STORYDESK_REDIS_URL", err.Error())
			}
		}
	}
	if c.S3Endpoint != "" {
		if _, _, err := net.SplitHostPort(c.S3Endpoint); err != nil || strings.Contains(c.S3Endpoint, "/") {
			r.fail("STORYDESK_S3_ENDPOINT", fmt.Sprintf("%q must be host:port (no scheme; use STORYDESK_S3_TLS for https)", c.S3Endpoint))
		}
		if c.S3AccessKey == "" {
			r.fail("STORYDESK_S3_ACCESS_KEY", "is required when STORYDESK_S3_ENDPOINT is set")
		}
		if c.S3SecretKey == "" {
			r.fail("STORYDESK_S3_SECRET_KEY", "is required when STORYDESK_S3_ENDPOINT is set")
		}
	}
	if c.S3Bucket == "" || strings.ContainsAny(c.S3Bucket, "/ ") {
		r.fail("STORYDESK_S3_BUCKET", fmt.Sprintf("%q is not a bucket name", c.S3Bucket))
	}
	if r.err != nil {
		return Config{}, r.err
	}
	return c, nil
}

// InsecureRemote reports whether the public URL is plain HTTP on a host
// other than this machine: browsers there refuse the __Host- session cookie
// and send "Origin: null" with our no-referrer policy, so every form is
// refused as cross-origin. StoryDesk says so at start-up.
func (c Config) InsecureRemote() bool {
	u, err := url.Parse(c.BaseURL)
	if err != nil || u.Scheme != "http" {
		return false
	}
	h := u.Hostname()
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return false
	}
	ip := net.ParseIP(h)
	return ip == nil || !ip.IsLoopback()
}

func hasAnyPrefix(s string, prefixes ...string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// reader keeps the first error so Load reads top to bottom without a check per line.
type reader struct {
	getenv func(string) string
	err    error
}

func (r *reader) fail(name, problem string) {
	if r.err == nil {
		r.err = errors.New("config: " + name + ": " + problem)
	}
}

// placeholders are the example values of .env.example and their usual
// kin: a deployment that kept one signs its sessions with a public key.
var placeholders = []string{"replace", "change-me", "changeme", "example", "your-secret"}

// refusePlaceholder refuses a secret that is a placeholder left in place.
func (r *reader) refusePlaceholder(name, v string) {
	low := strings.ToLower(v)
	for _, p := range placeholders {
		if strings.Contains(low, p) {
			r.fail(name, "is still the placeholder of .env.example; set it to a random value (try: openssl rand -hex 32)")
			return
		}
	}
}

// parseURL parses a service URL. Its error never quotes the URL, which
// holds a password; the usual cause is a password with a character URLs
// reserve.
func (r *reader) parseURL(name, v string) *url.URL {
	u, err := url.Parse(v)
	if err != nil {
		r.fail(name, "is not a valid URL; if the password holds / @ : ? # % or a space, percent-encode it "+
			"(/ as %2F, @ as %40, : as %3A, ? as %3F, # as %23, % as %25, space as %20; "+
			`e.g. python3 -c 'import urllib.parse,sys; print(urllib.parse.quote(sys.argv[1], safe=""))' 'PASSWORD')`)
		return nil
	}
	return u
}

func (r *reader) str(name, def string) string {
	if v := strings.TrimSpace(r.getenv(name)); v != "" {
		return v
	}
	return def
}

func (r *reader) integer(name string, def, lo, hi int) int {
	v := r.str(name, "")
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		r.fail(name, fmt.Sprintf("%q must be a whole number from %d to %d", v, lo, hi))
		return def
	}
	return n
}

func (r *reader) boolean(name string, def bool) bool {
	v := r.str(name, "")
	if v == "" {
		return def
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		r.fail(name, fmt.Sprintf("%q must be true or false", v))
		return def
	}
	return b
}

// duration reads a Go duration ("5s"); 0 when the variable is not set.
func (r *reader) duration(name string) time.Duration {
	v := r.str(name, "")
	if v == "" {
		return 0
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		r.fail(name, fmt.Sprintf("%q must be a Go duration such as 5s", v))
	}
	return d
}

func (r *reader) oneOf(name, def string, allowed ...string) string {
	v := r.str(name, def)
	if v == def {
		return v
	}
	for _, a := range allowed {
		if v == a {
			return v
		}
	}
	r.fail(name, fmt.Sprintf("%q must be one of %s", v, strings.Join(allowed, ", ")))
	return def
}

func (r *reader) prefixes(name string) []netip.Prefix {
	var out []netip.Prefix
	for _, f := range strings.Split(r.str(name, ""), ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if p, err := netip.ParsePrefix(f); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			r.fail(name, fmt.Sprintf("%q is not an IP address or CIDR range", f))
			return nil
		}
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out
}
