package workers

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"strings"
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
// its sites since its last digest and, to those who pitch, how many
// pitches to outlets need a follow-up (sent when one became due in the
// window, so each is chased once, not every hour). It sends counts only: never a title, a
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
		var due, newly int
		if chases(r.Role) {
			if due, newly, err = d.store.DueCount(ctx, r.Site, since, now); err != nil {
				return sent, fmt.Errorf("digest: %w", err)
			}
		}
		if err := d.store.ClaimDigest(ctx, r.ID, r.SentAt, now); errors.Is(err, store.ErrConflict) {
			continue // another worker has it
		} else if err != nil {
			return sent, fmt.Errorf("digest: %w", err)
		}
		if n == 0 && newly == 0 {
			continue // nothing new to tell: the window is still used up
		}
		if err := d.send(ctx, r.Email, counts{ready: n, due: due}, since); err != nil {
			if rerr := d.store.ReleaseDigest(ctx, r.ID, r.SentAt, now); rerr != nil {
				d.log.Error("digest release", "user", r.ID, "err", rerr)
			}
			errs = append(errs, err)
			continue
		}
		sent++
		d.log.Info("digest sent", "user", r.ID, "ready", n, "follow_up", due)
	}
	if len(errs) > 0 {
		return sent, fmt.Errorf("digest: %w", errors.Join(errs...))
	}
	return sent, nil
}

// counts are what a digest tells: pieces that reached ready in the window
// and pitches that need a follow-up now.
type counts struct{ ready, due int }

// chases reports whether accounts of role are reminded of pitches to
// follow up: the roles that may pitch (not translators).
func chases(role string) bool { return role == "editor" || role == "staff" || role == "admin" }

// send mails one digest. The text is counts and links only.
func (d *Digest) send(ctx context.Context, to string, c counts, since time.Time) error {
	m := mail.NewMsg()
	if err := m.From(d.smtp.From); err != nil {
		return fmt.Errorf("from: %w", err)
	}
	if err := m.To(to); err != nil {
		return fmt.Errorf("to: %w", err)
	}
	m.Subject(digestSubject(c))
	m.SetDate()
	m.SetMessageID()
	m.SetBodyString(mail.TypeTextPlain, digestText(c, since, d.baseURL))
	cl, err := d.client()
	if err != nil {
		return err
	}
	if err := cl.DialAndSendWithContext(ctx, m); err != nil {
		return fmt.Errorf("send: %w", err)
	}
	return nil
}

// digestSubject names the counts, in English and Spanish.
func digestSubject(c counts) string {
	var en, es []string
	if c.ready > 0 {
		ready := "listos"
		if c.ready == 1 {
			ready = "listo"
		}
		en, es = append(en, fmt.Sprintf("%d ready for review", c.ready)), append(es, fmt.Sprintf("%d %s para revisar", c.ready, ready))
	}
	if c.due > 0 {
		en, es = append(en, fmt.Sprintf("%d to follow up", c.due)), append(es, fmt.Sprintf("%d por seguir", c.due))
	}
	return "StoryDesk: " + strings.Join(en, ", ") + " / " + strings.Join(es, ", ")
}

// digestText is the mail's body in English and Spanish, each count in its
// plural form ("1 submission reached", "2 envíos llegaron").
func digestText(c counts, since time.Time, baseURL string) string {
	at := since.UTC().Format("2006-01-02 15:04") + " UTC"
	var en, es string
	if c.ready > 0 {
		n := c.ready
		enN, esN := fmt.Sprintf("%d submissions reached", n), fmt.Sprintf("%d envíos llegaron", n)
		if n == 1 {
			enN, esN = "1 submission reached", "1 envío llegó"
		}
		en = fmt.Sprintf("%s the editors' queue in your sites since %s.\nOpen the queue: %s/desk\n", enN, at, baseURL)
		es = fmt.Sprintf("%s a la cola de edición de sus sitios desde %s.\nAbra la cola: %s/desk\n", esN, at, baseURL)
	}
	if c.due > 0 {
		n := c.due
		enN, esN := fmt.Sprintf("%d pitches to outlets need", n), fmt.Sprintf("%d propuestas a medios necesitan", n)
		if n == 1 {
			enN, esN = "1 pitch to an outlet needs", "1 propuesta a un medio necesita"
		}
		en += fmt.Sprintf("%s a follow-up: the outlet's exclusivity window ended without an answer.\nOpen the follow-up list: %s/desk/follow-up\n", enN, baseURL)
		es += fmt.Sprintf("%s seguimiento: el plazo de exclusividad del medio terminó sin respuesta.\nAbra la lista de seguimiento: %s/desk/follow-up\n", esN, baseURL)
	}
	return en + "\n" + es
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
