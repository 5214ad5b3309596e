package workers

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"time"

	"github.com/hibiken/asynq"
	mail "github.com/wneessen/go-mail"

	"github.com/storydesk/storydesk/internal/store"
)

// SMTP is where the digest is sent from; an empty Addr turns the digest off.
type SMTP struct {
	Addr     string // host:port
	User     string // "" = no authentication
	Password string
	From     string
}

// Digest tells each active account how many submissions reached ready in
// its sites since its last digest. It sends counts only: never a title, a
// name or a word of a story, since e-mail passes through servers StoryDesk
// does not control.
type Digest struct {
	store   *store.Store
	smtp    SMTP
	baseURL string
	log     *slog.Logger
}

// NewDigest returns the digest job.
func NewDigest(st *store.Store, smtp SMTP, baseURL string, log *slog.Logger) *Digest {
	return &Digest{store: st, smtp: smtp, baseURL: baseURL, log: log}
}

// firstWindow is what a first digest covers.
const firstWindow = time.Hour

// ProcessTask runs the job now.
func (d *Digest) ProcessTask(ctx context.Context, _ *asynq.Task) error {
	_, err := d.Run(ctx, time.Now())
	return err
}

// Run sends the digests due as of now and returns how many were sent.
// Each recipient's window is claimed with a compare-and-set before sending,
// so two workers never mail the same window; a failed send gives the
// window back for the next run.
func (d *Digest) Run(ctx context.Context, now time.Time) (int, error) {
	if d.smtp.Addr == "" {
		return 0, nil
	}
	now = now.UTC().Truncate(time.Microsecond)
	rs, err := d.store.DigestRecipients(ctx)
	if err != nil {
		return 0, fmt.Errorf("digest: %w", err)
	}
	sent := 0
	var errs []error
	for _, r := range rs {
		since := r.SentAt
		if since.IsZero() {
			since = now.Add(-firstWindow)
		}
		if !since.Before(now) {
			continue
		}
		n, err := d.store.ReadyCount(ctx, r.Site, since, now)
		if err != nil {
			return sent, fmt.Errorf("digest: %w", err)
		}
		if err := d.store.ClaimDigest(ctx, r.ID, r.SentAt, now); errors.Is(err, store.ErrConflict) {
			continue // another worker has it
		} else if err != nil {
			return sent, fmt.Errorf("digest: %w", err)
		}
		if n == 0 {
			continue // nothing to tell: the window is still used up
		}
		if err := d.send(ctx, r.Email, n, since); err != nil {
			if rerr := d.store.ReleaseDigest(ctx, r.ID, r.SentAt, now); rerr != nil {
				d.log.Error("digest release", "user", r.ID, "err", rerr)
			}
			errs = append(errs, err)
			continue
		}
		sent++
		d.log.Info("digest sent", "user", r.ID, "ready", n)
	}
	if len(errs) > 0 {
		return sent, fmt.Errorf("digest: %w", errors.Join(errs...))
	}
	return sent, nil
}

// send mails one digest. The text is counts and a link only.
func (d *Digest) send(ctx context.Context, to string, n int, since time.Time) error {
	m := mail.NewMsg()
	if err := m.From(d.smtp.From); err != nil {
		return fmt.Errorf("from: %w", err)
	}
	if err := m.To(to); err != nil {
		return fmt.Errorf("to: %w", err)
	}
	ready := "listos"
	if n == 1 {
		ready = "listo"
	}
	m.Subject(fmt.Sprintf("StoryDesk: %d ready for review / %d %s para revisar", n, n, ready))
	m.SetDate()
	m.SetMessageID()
	m.SetBodyString(mail.TypeTextPlain, digestText(n, since, d.baseURL))
	c, err := d.client()
	if err != nil {
		return err
	}
	if err := c.DialAndSendWithContext(ctx, m); err != nil {
		return fmt.Errorf("send: %w", err)
	}
	return nil
}

// digestText is the mail's body in English and Spanish, each count in its
// plural form ("1 submission reached", "2 envíos llegaron").
func digestText(n int, since time.Time, baseURL string) string {
	at := since.UTC().Format("2006-01-02 15:04") + " UTC"
	en, es := fmt.Sprintf("%d submissions reached", n), fmt.Sprintf("%d envíos llegaron", n)
	if n == 1 {
		en, es = "1 submission reached", "1 envío llegó"
	}
	return fmt.Sprintf("%s the editors' queue in your sites since %s.\nOpen the queue: %s/desk\n\n"+
		"%s a la cola de edición de sus sitios desde %s.\nAbra la cola: %s/desk\n", en, at, baseURL, es, at, baseURL)
}

// client connects with STARTTLS whenever the server offers it, and
// authenticates only when a user is configured (go-mail refuses to send a
// password unencrypted except to localhost).
func (d *Digest) client() (*mail.Client, error) {
	host, port, err := net.SplitHostPort(d.smtp.Addr)
	if err != nil {
		return nil, fmt.Errorf("smtp addr: %w", err)
	}
	p, err := strconv.Atoi(port)
	if err != nil {
		return nil, fmt.Errorf("smtp port: %w", err)
	}
	opts := []mail.Option{mail.WithPort(p), mail.WithTLSPolicy(mail.TLSOpportunistic), mail.WithTimeout(30 * time.Second)}
	if d.smtp.User != "" {
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthPlain), mail.WithUsername(d.smtp.User), mail.WithPassword(d.smtp.Password))
	}
	c, err := mail.NewClient(host, opts...)
	if err != nil {
		return nil, fmt.Errorf("smtp client: %w", err)
	}
	return c, nil
}
