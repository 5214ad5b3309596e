package workers

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"

	"github.com/hibiken/asynq"

	"github.com/storydesk/storydesk/internal/blob"
	"github.com/storydesk/storydesk/internal/export"
	"github.com/storydesk/storydesk/internal/media"
	"github.com/storydesk/storydesk/internal/render"
	"github.com/storydesk/storydesk/internal/sanitize"
	"github.com/storydesk/storydesk/internal/store"
	"github.com/storydesk/storydesk/internal/task"
)

// Publish renders an approved piece to HTML, Markdown, text and DOCX, stores
// them (and the photos its consent lets out) under published/<id>/ in S3,
// records the publication and moves the status to published.
type Publish struct {
	store    *store.Store
	blob     *blob.Store
	dispatch *task.Dispatcher
	webhook  bool          // a webhook is configured: queue its notice with the publication
	budget   *media.Budget // memory for scaling photos down
	log      *slog.Logger
}

// NewPublish returns the publish handler.
func NewPublish(st *store.Store, bl *blob.Store, d *task.Dispatcher, webhook bool, budget *media.Budget, log *slog.Logger) *Publish {
	return &Publish{store: st, blob: bl, dispatch: d, webhook: webhook, budget: budget, log: log}
}

// smallPhotoWidth is the width of the copy of each published photo that
// phones load instead of the original (the story page's srcset): about a
// phone's screen width in CSS pixels, with some room.
const smallPhotoWidth = 480

// ProcessTask publishes one piece. It is idempotent: the files have fixed
// keys and the status moves by compare-and-set, so a second run finds the
// piece published and records nothing.
func (h *Publish) ProcessTask(ctx context.Context, t *asynq.Task) error {
	p, err := task.ParsePayload(t.Payload())
	if err != nil {
		return fmt.Errorf("publish: %w: %w", err, asynq.SkipRetry)
	}
	id, taskID := p.SubmissionID, task.PublishID(p.SubmissionID)
	sub, err := h.store.Submission(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return markDone(ctx, h.store, taskID)
	}
	if err != nil {
		return fmt.Errorf("publish %s: %w", id, err)
	}
	if sub.Status != store.StatusApproved || sub.ConsentPublish == "internal" {
		// Published already (a redelivery), withdrawn, or never publishable.
		h.log.Info("publish: nothing to do", "submission", id, "status", sub.Status)
		return markDone(ctx, h.store, taskID)
	}
	piece := h.piece(sub)
	photos, err := h.photos(ctx, &piece, export.Photos(sub))
	if err != nil {
		return fmt.Errorf("publish %s: %w", id, err)
	}
	if err := h.putArtifacts(ctx, piece, photos); err != nil {
		return fmt.Errorf("publish %s: %w", id, err)
	}
	images, err := h.putSmallPhotos(ctx, piece, photos)
	if err != nil {
		return fmt.Errorf("publish %s: %w", id, err)
	}
	pub := store.Publication{
		SubmissionID: id, Slug: render.Slug(sub.Title), Title: sub.Title, BylineKind: piece.Byline.Kind,
		Byline: piece.Byline.Name, Language: sub.Language, Kind: sub.Kind, BodyHTML: sub.BodyHTML, Images: images,
	}
	var tasks []store.OutboxTask
	if h.webhook {
		tasks = append(tasks, task.Webhook(id))
	}
	pub, changed, err := h.store.Publish(ctx, pub, taskID, tasks...)
	if errors.Is(err, store.ErrConflict) || errors.Is(err, store.ErrNotFound) {
		// Withdrawn (or purged) while the files were being written: take them down again.
		if derr := h.blob.Delete(ctx, h.keys(ctx, id)...); derr != nil {
			return fmt.Errorf("publish %s: clean up: %w", id, derr)
		}
		return markDone(ctx, h.store, taskID)
	}
	if err != nil {
		return fmt.Errorf("publish %s: %w", id, err)
	}
	if changed && len(tasks) > 0 {
		if err := h.dispatch.Dispatch(ctx, tasks...); err != nil {
			h.log.Warn("publish: enqueue webhook; the reconciler will retry", "submission", id, "err", err)
		}
	}
	h.log.Info("published", "submission", id, "slug", pub.Slug, "applied", changed, "photos", len(photos))
	return nil
}

func (h *Publish) piece(sub store.Submission) render.Piece {
	p := render.Piece{
		ID: sub.ID, Kind: sub.Kind, Title: sub.Title, BodyHTML: sub.BodyHTML,
		BodyText: sanitize.Text(sub.BodyHTML), Language: sub.Language,
		Byline: render.BylineOf(sub.ConsentPublish, sub.AuthorName, sub.Pseudonym),
	}
	return p
}

// publishedPhotoPath is where a published photo lies, beside piece.html
// (blob.PublishedImageKey, relative to the piece).
func publishedPhotoPath(ph export.Photo) string { return "images/" + ph.Name }

// photos reads the photos that still exist (one removed on the retention
// schedule is published without) into p, for the files to link and the DOCX
// to embed.
func (h *Publish) photos(ctx context.Context, p *render.Piece, photos []export.Photo) ([]export.Photo, error) {
	var kept []export.Photo
	for _, ph := range photos {
		obj, err := h.blob.Open(ctx, ph.Key)
		if errors.Is(err, blob.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		data, err := io.ReadAll(obj)
		obj.Close()
		if err != nil {
			return nil, err
		}
		kept = append(kept, ph)
		p.Images = append(p.Images, render.Image{Path: publishedPhotoPath(ph), Data: data})
	}
	return kept, nil
}

// putArtifacts writes the four renderings and copies the photos.
func (h *Publish) putArtifacts(ctx context.Context, p render.Piece, photos []export.Photo) error {
	for _, f := range []struct {
		name, contentType string
		fn                func(io.Writer, render.Piece) error
	}{
		{"piece.html", "text/html; charset=utf-8", render.HTML},
		{"piece.md", "text/markdown; charset=utf-8", render.Markdown},
		{"piece.txt", "text/plain; charset=utf-8", render.Text},
		{"piece.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", render.DOCX},
	} {
		var buf bytes.Buffer
		if err := f.fn(&buf, p); err != nil {
			return err
		}
		if err := h.blob.Put(ctx, blob.PublishedKey(p.ID, f.name), &buf, int64(buf.Len()), f.contentType); err != nil {
			return err
		}
	}
	for i, ph := range photos {
		data := p.Images[i].Data
		if err := h.blob.Put(ctx, blob.PublishedImageKey(p.ID, ph.Name), bytes.NewReader(data), int64(len(data)), ph.ContentType); err != nil {
			return err
		}
	}
	return nil
}

// putSmallPhotos records each photo's size and writes, for a photo wider
// than smallPhotoWidth, its narrower copy beside it. The key is fixed, so a
// second run overwrites the same object.
func (h *Publish) putSmallPhotos(ctx context.Context, p render.Piece, photos []export.Photo) ([]store.PublishedImage, error) {
	var out []store.PublishedImage
	for i, ph := range photos {
		img := store.PublishedImage{Name: ph.Name, ContentType: ph.ContentType}
		data, t := p.Images[i].Data, media.TypeOf(ph.ContentType)
		size, err := media.SizeOf(bytes.NewReader(data), t)
		if err != nil {
			return nil, fmt.Errorf("size of %s: %w", ph.Name, err)
		}
		img.Width, img.Height = size.Width, size.Height
		// Go has no WebP encoder: a WebP (stored as sent, less its
		// metadata) is published at its one size.
		if size.Width > smallPhotoWidth && t != media.WebP {
			var buf bytes.Buffer
			if _, err := media.Shrink(ctx, &buf, bytes.NewReader(data), t, smallPhotoWidth, h.budget); err != nil {
				return nil, fmt.Errorf("shrink %s: %w", ph.Name, err)
			}
			key := blob.PublishedImageWidthKey(p.ID, ph.Name, smallPhotoWidth)
			if err := h.blob.Put(ctx, key, &buf, int64(buf.Len()), ph.ContentType); err != nil {
				return nil, err
			}
			img.SmallWidth = smallPhotoWidth
		}
		out = append(out, img)
	}
	return out, nil
}

// keys lists what is stored under published/<id>/ (nil if listing fails:
// the unpublish job will list again).
func (h *Publish) keys(ctx context.Context, id string) []string {
	keys, err := h.blob.Keys(ctx, blob.PublishedPrefix(id))
	if err != nil {
		h.log.Warn("publish: list artifacts", "submission", id, "err", err)
	}
	return keys
}

// Unpublish takes a withdrawn piece down: its files under published/<id>/
// are deleted and its publication loses title, byline and body (the slug
// stays, answering 410). Safe to run twice, and after the submission is purged.
type Unpublish struct {
	store *store.Store
	blob  *blob.Store
	log   *slog.Logger
}

// NewUnpublish returns the unpublish handler.
func NewUnpublish(st *store.Store, bl *blob.Store, log *slog.Logger) *Unpublish {
	return &Unpublish{store: st, blob: bl, log: log}
}

// ProcessTask unpublishes one piece.
func (h *Unpublish) ProcessTask(ctx context.Context, t *asynq.Task) error {
	p, err := task.ParsePayload(t.Payload())
	if err != nil {
		return fmt.Errorf("unpublish: %w: %w", err, asynq.SkipRetry)
	}
	id, taskID := p.SubmissionID, task.UnpublishID(p.SubmissionID)
	keys, err := h.blob.Keys(ctx, blob.PublishedPrefix(id))
	if err != nil {
		return fmt.Errorf("unpublish %s: %w", id, err)
	}
	if err := h.blob.Delete(ctx, keys...); err != nil {
		return fmt.Errorf("unpublish %s: %w", id, err)
	}
	err = h.store.Unpublish(ctx, id, taskID)
	if errors.Is(err, store.ErrNotFound) {
		// Never published, or purged with its publication: the files were all that was left.
		if err := markDone(ctx, h.store, taskID); err != nil {
			return err
		}
		err = nil
	}
	if err != nil {
		return fmt.Errorf("unpublish %s: %w", id, err)
	}
	h.log.Info("unpublished", "submission", id, "files", len(keys))
	return nil
}
