// Package export writes the staff export: one ZIP with manifest.csv,
// manifest.json and a folder per piece (piece.md, piece.html, piece.docx,
// piece.{lang}.md, .html and .docx per approved translation, consent.json,
// attachments/). The staff UI's job and `storydesk export`
// share it.
//
// Memory stays flat however many pieces there are: pieces are read in
// keyset-paginated batches, each file is streamed into the archive, and the
// two manifests and the archive's central directory are spooled to
// temporary files and appended at the end (see zipWriter).
package export

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/storydesk/storydesk/internal/blob"
	"github.com/storydesk/storydesk/internal/media"
	"github.com/storydesk/storydesk/internal/render"
	"github.com/storydesk/storydesk/internal/sanitize"
	"github.com/storydesk/storydesk/internal/store"
)

// batchSize is how many pieces are read from the database at once.
const batchSize = 100

// ArchiveLife is how long a finished archive is kept. It holds bylines and
// consented photos, so it goes after a week (a new export takes minutes):
// the download answers 410 from then on and the export-cleanup job deletes
// the object. A piece withdrawn or deleted after the export revokes the
// archive at once instead (store.ExportRevoked).
const ArchiveLife = 7 * 24 * time.Hour

// Expired reports whether an archive finished at finished is past its life.
func Expired(finished, now time.Time) bool {
	return !finished.IsZero() && !now.Before(finished.Add(ArchiveLife))
}

// Writer writes export archives.
type Writer struct {
	store  *store.Store
	blob   *blob.Store
	tmpDir string // where the manifests are spooled; "" = the system's
}

// New returns a Writer.
func New(st *store.Store, bl *blob.Store, tmpDir string) *Writer {
	return &Writer{store: st, blob: bl, tmpDir: tmpDir}
}

// Progress is told how many pieces are written, of how many.
type Progress func(done, total int)

// Write writes the archive of the pieces f selects to w and returns how
// many pieces it holds. progress may be nil.
func (x *Writer) Write(ctx context.Context, w io.Writer, f store.ExportFilter, progress Progress) (int, error) {
	return x.WriteFor(ctx, "", w, f, progress)
}

// WriteFor is Write for the staff export exportID: each batch of pieces is
// recorded as the export's before it is written (Store.ExportBatchFor), so
// that withdrawing or deleting one of them later revokes the archive.
func (x *Writer) WriteFor(ctx context.Context, exportID string, w io.Writer, f store.ExportFilter, progress Progress) (int, error) {
	if progress == nil {
		progress = func(int, int) {}
	}
	total, err := x.store.CountExport(ctx, f)
	if err != nil {
		return 0, fmt.Errorf("export: %w", err)
	}
	progress(0, total)
	m, err := newManifests(x.tmpDir)
	if err != nil {
		return 0, err
	}
	defer m.remove()
	zw, err := newZipWriter(w, x.tmpDir)
	if err != nil {
		return 0, err
	}
	defer zw.Discard()
	started := time.Now()
	var (
		after store.ExportCursor
		done  int
	)
	for {
		batch, err := x.store.ExportBatchFor(ctx, exportID, f, after, batchSize)
		if err != nil {
			return done, fmt.Errorf("export: %w", err)
		}
		for _, p := range batch {
			if err := ctx.Err(); err != nil {
				return done, err
			}
			row, err := x.piece(ctx, zw, p)
			if err != nil {
				return done, err
			}
			if err := m.add(row); err != nil {
				return done, err
			}
			done++
			progress(done, max(total, done))
		}
		// Only an empty batch ends the export: on PostgreSQL a piece withdrawn
		// while ExportBatchFor waits on its row lock drops out of a full
		// batch, and a short batch is then not the last one.
		if len(batch) == 0 {
			break
		}
		last := batch[len(batch)-1]
		after = store.ExportCursor{CreatedAt: last.CreatedAt, ID: last.ID}
	}
	if err := m.writeTo(zw, started); err != nil {
		return done, err
	}
	if err := zw.Close(); err != nil {
		return done, fmt.Errorf("export: close archive: %w", err)
	}
	return done, nil
}

// Row is one line of the manifests.
type Row struct {
	ID          string   `json:"id"`
	Kind        string   `json:"kind"`
	Title       string   `json:"title"`
	Byline      string   `json:"byline"`
	BylineKind  string   `json:"byline_kind"`
	Site        string   `json:"site"`
	Language    string   `json:"language"`
	Status      string   `json:"status"`
	SubmittedAt string   `json:"submitted_at"`
	PublishedAt string   `json:"published_at"`
	WordCount   int      `json:"word_count"`
	Folder      string   `json:"folder"`
	Attachments []string `json:"attachments"`
	// Languages are the original's and each approved translation's.
	Languages    []string   `json:"languages"`
	Translations []Approval `json:"translations"`
}

// piece writes one piece's folder and returns its manifest row.
func (x *Writer) piece(ctx context.Context, zw *zipWriter, p store.ExportPiece) (Row, error) {
	by := render.BylineOf(p.ConsentPublish, p.AuthorName, p.Pseudonym)
	photos := Photos(p.Submission)
	rp := render.Piece{
		ID: p.ID, Kind: p.Kind, Title: p.Title, BodyHTML: p.BodyHTML,
		BodyText: sanitize.Text(p.BodyHTML), Language: p.Language, Byline: by, PublishedAt: p.PublishedAt,
	}
	// The photos are read first: the DOCX embeds them, and piece.md and
	// piece.html link only to those the archive holds.
	var kept []Photo
	for _, ph := range photos {
		data, err := x.readBlob(ctx, ph.Key)
		if errors.Is(err, blob.ErrNotFound) {
			continue // deleted on the retention schedule meanwhile: leave it out
		}
		if err != nil {
			return Row{}, err
		}
		kept = append(kept, ph)
		rp.Images = append(rp.Images, render.Image{Path: PhotoPath(ph), Data: data})
	}
	dir := p.ID + "/"
	write := func(name string, fn func(io.Writer) error) error {
		fw, err := create(zw, dir+name, p.UpdatedAt, zipDeflate)
		if err != nil {
			return err
		}
		if err := fn(fw); err != nil {
			return fmt.Errorf("export: %s%s: %w", dir, name, err)
		}
		return nil
	}
	if err := writeFormats(write, "", rp); err != nil {
		return Row{}, err
	}
	approvals := make([]Approval, 0, len(p.Translations))
	for _, t := range p.Translations {
		if err := checkLanguage(t.Language); err != nil {
			return Row{}, err
		}
		if err := writeFormats(write, t.Language, translationPiece(rp, t)); err != nil {
			return Row{}, err
		}
		approvals = append(approvals, approvalOf(t))
	}
	if err := write("consent.json", func(w io.Writer) error {
		return consentJSON(w, rp, p.ConsentPublish, p.ConsentPhotos, approvals...)
	}); err != nil {
		return Row{}, err
	}
	names := []string{}
	for i, ph := range kept {
		// Photos are compressed already; storing them saves CPU for nothing lost.
		fw, err := create(zw, dir+PhotoPath(ph), p.UpdatedAt, zipStore)
		if err != nil {
			return Row{}, err
		}
		if _, err := fw.Write(rp.Images[i].Data); err != nil {
			return Row{}, fmt.Errorf("export: write %s%s: %w", dir, PhotoPath(ph), err)
		}
		names = append(names, ph.Name)
	}
	row := Row{
		ID: p.ID, Kind: p.Kind, Title: p.Title, Byline: by.Text(p.Language), BylineKind: by.Kind, Site: p.Site,
		Language: p.Language, Status: string(p.Status), SubmittedAt: p.CreatedAt.Format(time.RFC3339),
		WordCount: p.WordCount, Folder: dir, Attachments: names, Languages: languages(p.Language, approvals),
		Translations: make([]Approval, len(approvals)),
	}
	for i, a := range approvals {
		row.Translations[i] = manifestApproval(a)
	}
	if !p.PublishedAt.IsZero() {
		row.PublishedAt = p.PublishedAt.Format(time.RFC3339)
	}
	return row, nil
}

// writeFormats writes p's piece.md, piece.html and piece.docx, or with a
// lang their translation's piece.{lang}.md, … (see pieceFile).
func writeFormats(write func(string, func(io.Writer) error) error, lang string, p render.Piece) error {
	for _, f := range formats {
		if err := write(pieceFile(lang, f.ext), func(w io.Writer) error { return f.fn(w, p) }); err != nil {
			return err
		}
	}
	return nil
}

// PhotoPath is where a photo lies in the archive, relative to its piece's
// folder: the ZIP stores it there and piece.md and piece.html link to it.
func PhotoPath(ph Photo) string { return "attachments/" + ph.Name }

// readBlob reads a photo whole: the DOCX embeds it and the archive stores it,
// one piece's photos at a time.
func (x *Writer) readBlob(ctx context.Context, key string) ([]byte, error) {
	obj, err := x.blob.Open(ctx, key)
	if err != nil {
		if errors.Is(err, blob.ErrNotFound) {
			return nil, err
		}
		return nil, fmt.Errorf("export: %w", err)
	}
	defer obj.Close()
	data, err := io.ReadAll(obj)
	if err != nil {
		return nil, fmt.Errorf("export: read %s: %w", key, err)
	}
	return data, nil
}

func create(zw *zipWriter, name string, mod time.Time, method uint16) (io.Writer, error) {
	fw, err := zw.CreateHeader(zipHeader{Name: name, Method: method, Modified: mod})
	if err != nil {
		return nil, fmt.Errorf("export: add %s: %w", name, err)
	}
	return fw, nil
}

// Photo is an image attachment that may go out with a piece.
type Photo struct {
	Key         string // S3 object key
	Name        string // photo-1.jpg …: never the submitter's file name, which may hold a name
	ContentType string
}

// Photos lists the photos of s that its consent lets out: images only (a
// PDF or DOCX is supporting material for editors), and none at all without
// consent_photos.
func Photos(s store.Submission) []Photo {
	if !s.ConsentPhotos {
		return nil
	}
	var out []Photo
	for _, a := range s.Attachments {
		t := media.TypeOf(a.ContentType)
		if !t.IsImage() {
			continue
		}
		out = append(out, Photo{Key: a.ObjectKey, Name: t.FileName(fmt.Sprintf("photo-%d", len(out)+1)), ContentType: a.ContentType})
	}
	return out
}

// spoolFile is a temporary file removed when the export ends: it holds bylines.
func spoolFile(dir, pattern string) (*os.File, error) {
	f, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return nil, fmt.Errorf("export: temp file: %w", err)
	}
	return f, nil
}
