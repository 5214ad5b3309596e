// Package intake is the one write that touches S3, SQL and the queue: it turns
// a validated submission into stored objects, rows and a review task, and
// leaves nothing behind when any step fails. It knows nothing of HTTP.
package intake

import (
	"context"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/storydesk/storydesk/internal/blob"
	"github.com/storydesk/storydesk/internal/media"
	"github.com/storydesk/storydesk/internal/receipt"
	"github.com/storydesk/storydesk/internal/sanitize"
	"github.com/storydesk/storydesk/internal/store"
	"github.com/storydesk/storydesk/internal/task"
)

// Service accepts submissions.
type Service struct {
	store    *store.Store
	blob     *blob.Store
	dispatch *task.Dispatcher
	san      *sanitize.Sanitizer
	hash     *receipt.Hasher
	limits   Limits
	tmpDir   string
	spool    *Spool
	log      *slog.Logger
	images   *media.Budget // the memory all requests' image decoding may hold at once
	// bodyWait is the total time requests waited for their body's HTML after
	// the attachments were stored (nanoseconds): sanitizing's share of
	// request time, read by the intake benchmark.
	bodyWait atomic.Int64
}

// New returns a Service. tmpDir must be private to StoryDesk (mode 0700):
// attachments rest there only while a request is processed. images is the
// decoding memory shared with every other user of the budget.
func New(st *store.Store, bl *blob.Store, d *task.Dispatcher, san *sanitize.Sanitizer, h *receipt.Hasher, lim Limits, tmpDir string, log *slog.Logger, images *media.Budget) *Service {
	return &Service{store: st, blob: bl, dispatch: d, san: san, hash: h, limits: lim, tmpDir: tmpDir,
		spool: NewSpool(tmpDir, DefaultMemFile, DefaultMemBudget), log: log, images: images}
}

// Limits returns the limits the service enforces.
func (s *Service) Limits() Limits { return s.limits }

// Spool is what ReadForm should hold attachments in.
func (s *Service) Spool() *Spool { return s.spool }

// Result is what the submitter is told.
type Result struct {
	ID      string
	Receipt receipt.Code
	Status  store.Status
	Replay  bool // the Idempotency-Key matched an earlier submission
}

// Idempotency is a retry key and the client it is bound to: the same key
// and content from another client is another submission, so a guessed key
// never hands out someone else's receipt.
type Idempotency struct {
	Key    string // the Idempotency-Key header; "" for none
	Client string // the client's daily-rotating keyed hash, never its address
}

// Submit validates, sanitizes and stores one submission.
func (s *Service) Submit(ctx context.Context, in *Input, idem Idempotency) (Result, error) {
	if verr := validate(in); verr != nil {
		return Result{}, verr
	}
	if in.Honeypot != "" {
		// A bot filled the field people cannot see: tell it all went well, keep nothing.
		code, err := receipt.New()
		if err != nil {
			return Result{}, fmt.Errorf("intake: receipt: %w", err)
		}
		return Result{ID: uuid.NewString(), Receipt: code, Status: store.StatusReceived}, nil
	}

	// Stored as source and later diffed line by line: one kind of line break.
	in.Body = sanitize.NormalizeNewlines(in.Body)
	// The body's HTML is rendered and sanitized while the attachments are
	// checked and streamed to S3: CPU work beside I/O, off the request's path.
	bodyHTML := s.renderBody(in.Body)
	sub := s.record(in)
	code, err := s.receiptFor(&sub, idem)
	if err != nil {
		return Result{}, err
	}
	if sub.IdempotencyHash != "" {
		if prev, err := s.store.SubmissionByIdempotency(ctx, sub.IdempotencyHash); err == nil {
			return Result{ID: prev.ID, Receipt: code, Status: prev.Status, Replay: true}, nil
		} else if !errors.Is(err, store.ErrNotFound) {
			return Result{}, wrapUnavailable("look up idempotency key", err)
		}
	}

	prepared, err := s.prepare(ctx, in)
	defer prepared.close()
	if err != nil {
		return Result{}, err
	}
	atts, err := s.upload(ctx, sub.ID, prepared)
	if err != nil {
		return Result{}, err
	}
	if sub.BodyHTML, err = bodyHTML(); err != nil {
		s.removeObjects(atts)
		return Result{}, bodyError(err)
	}
	review := task.Review(sub.ID)
	if err := s.store.CreateSubmission(ctx, &sub, atts, []store.OutboxTask{review}); err != nil {
		s.removeObjects(atts)
		if errors.Is(err, store.ErrDuplicate) && sub.IdempotencyHash != "" {
			// The same request raced itself; the other copy won.
			prev, perr := s.store.SubmissionByIdempotency(ctx, sub.IdempotencyHash)
			if perr == nil {
				return Result{ID: prev.ID, Receipt: code, Status: prev.Status, Replay: true}, nil
			}
		}
		return Result{}, wrapUnavailable("store submission", err)
	}
	s.dispatch.AfterCommit(ctx, review)
	s.log.Info("submission received", "submission", sub.ID, "kind", sub.Kind, "attachments", len(atts))
	return Result{ID: sub.ID, Receipt: code, Status: sub.Status}, nil
}

// renderBody starts sanitizing the body to HTML and returns the function
// that waits for the result. The goroutine only reads the (immutable) source
// string and always ends, whether or not anyone waits.
func (s *Service) renderBody(src string) func() (string, error) {
	var (
		html string
		err  error
		done = make(chan struct{})
	)
	go func() {
		defer close(done)
		html, err = s.san.Body(src)
	}()
	return func() (string, error) {
		t0 := time.Now()
		<-done
		s.bodyWait.Add(int64(time.Since(t0)))
		if err != nil {
			return "", fmt.Errorf("intake: sanitize body: %w", err)
		}
		return html, nil
	}
}

// record builds the row from validated input: short fields lose all markup;
// the body keeps its source (its sanitized HTML comes from renderBody).
func (s *Service) record(in *Input) store.Submission {
	lang := in.Language
	if lang == "" {
		lang = "en"
		if in.UILang == "es" {
			lang = "es"
		}
	}
	now := time.Now().UTC()
	return store.Submission{
		ID:             uuid.Must(uuid.NewV7()).String(),
		Kind:           in.Kind,
		Status:         store.StatusReceived,
		Title:          s.san.Line(in.Title),
		Body:           in.Body,
		Language:       lang,
		AuthorName:     s.san.Line(in.AuthorName),
		AuthorRole:     in.AuthorRole,
		Site:           s.san.Line(in.Site),
		ContactEmail:   s.san.Line(in.ContactEmail),
		ContactPhone:   s.san.Line(in.ContactPhone),
		ConsentPublish: in.ConsentPublish,
		Pseudonym:      s.san.Line(in.Pseudonym),
		ConsentPhotos:  consentPhotos(in.ConsentPhotos),
		CreatedAt:      now,
		UpdatedAt:      now,
		// The consent ledger records the wording in the form's language.
		ConsentLanguage: in.UILang,
	}
}

// receiptFor sets the receipt hash (and idempotency hash) on sub and returns
// the code to show. With an Idempotency-Key the code is derived from the
// client, the key and the content, so a retry gets the same receipt although
// only hashes are stored; someone reusing another person's key, from another
// client or with other content, gets a new submission, never theirs. The
// client hash rotates daily, so a retry across midnight UTC is a new
// submission: a duplicate for the desk, never a leak.
func (s *Service) receiptFor(sub *store.Submission, idem Idempotency) (receipt.Code, error) {
	if idem.Key == "" {
		code, err := receipt.New()
		if err != nil {
			return "", fmt.Errorf("intake: receipt: %w", err)
		}
		sub.ReceiptHash = s.hash.Hash(code)
		return code, nil
	}
	content := sha256.Sum256([]byte(sub.Kind + "\x00" + sub.Title + "\x00" + sub.Body))
	sub.IdempotencyHash = s.hash.HashString("idempotency", idem.Client+"\x00"+idem.Key+"\x00"+hex.EncodeToString(content[:]))
	seed, err := hex.DecodeString(s.hash.HashString("idempotent-receipt", sub.IdempotencyHash))
	if err != nil {
		return "", fmt.Errorf("intake: derive receipt: %w", err)
	}
	code, err := receipt.Parse(crockford.EncodeToString(seed[:10]))
	if err != nil {
		return "", fmt.Errorf("intake: derive receipt: %w", err)
	}
	sub.ReceiptHash = s.hash.Hash(code)
	return code, nil
}

var crockford = base32.NewEncoding("0123456789ABCDEFGHJKMNPQRSTVWXYZ").WithPadding(base32.NoPadding)

func (s *Service) removeObjects(atts []store.Attachment) {
	if len(atts) == 0 {
		return
	}
	keys := make([]string, len(atts))
	for i, a := range atts {
		keys[i] = a.ObjectKey
	}
	// Not the request's context: the cleanup must run even if the client left.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := s.blob.Delete(ctx, keys...); err != nil {
		s.log.Error("orphan objects left after a failed submission", "count", len(keys), "err", err)
	}
}
