package intake

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/storydesk/storydesk/internal/blob"
	"github.com/storydesk/storydesk/internal/media"
	"github.com/storydesk/storydesk/internal/sanitize"
	"github.com/storydesk/storydesk/internal/store"
)

// preparedFile is an attachment checked and cleaned, ready to upload.
type preparedFile struct {
	name        string // cleaned, for display
	typ         media.Type
	contentType string
	// body is what is uploaded: the cleaned copy in a temp file (temp),
	// which is ours to discard.
	body *Upload
	temp bool
}

type preparedFiles []preparedFile

func (p preparedFiles) close() {
	for _, f := range p {
		if f.temp {
			f.body.discard()
		}
	}
}

// prepare checks every attachment by its content and cleans it: images are
// stripped down to their pixels, documents lose their metadata and active
// content, so no EXIF, GPS, author or script is ever stored.
func (s *Service) prepare(ctx context.Context, in *Input) (preparedFiles, error) {
	var out preparedFiles
	for _, u := range in.Files {
		f, err := s.prepareOne(ctx, u)
		if err != nil {
			return out, err
		}
		out = append(out, f)
	}
	return out, nil
}

func (s *Service) prepareOne(ctx context.Context, u *Upload) (preparedFile, error) {
	src, err := u.open()
	if err != nil {
		return preparedFile{}, err
	}
	defer src.Close()
	name := sanitize.Filename(u.Filename)
	typ, err := media.Detect(src, u.Size)
	if err != nil {
		e := fieldError("attachments", CodeFileType)
		e.detail("attachments", name+": "+strings.TrimPrefix(err.Error(), "media: "))
		return preparedFile{}, e
	}
	return s.clean(ctx, src, u, name, typ)
}

// clean writes the attachment's cleaned copy to a temp file. Decoding an
// image or parsing a PDF holds it in memory: media.Clean reserves that from
// the budget all requests share.
func (s *Service) clean(ctx context.Context, src io.ReadSeeker, u *Upload, name string, typ media.Type) (preparedFile, error) {
	dst, err := os.CreateTemp(s.tmpDir, "clean-*")
	if err != nil {
		return preparedFile{}, fmt.Errorf("intake: temp file: %w", err)
	}
	h := sha256.New()
	w := bufio.NewWriterSize(io.MultiWriter(dst, h), spoolBuffer)
	out, err := media.Clean(ctx, w, src, u.Size, typ, s.limits.MaxPixels, s.images)
	if err == nil {
		err = w.Flush()
	}
	cerr := dst.Close()
	if err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(dst.Name())
		return preparedFile{}, cleanError(name, err)
	}
	st, err := os.Stat(dst.Name())
	if err != nil {
		os.Remove(dst.Name())
		return preparedFile{}, fmt.Errorf("intake: stat cleaned file: %w", err)
	}
	clean := &Upload{Filename: u.Filename, Size: st.Size(), path: dst.Name(), sha256: h.Sum(nil)}
	return preparedFile{name: name, typ: out, contentType: out.ContentType(), body: clean, temp: true}, nil
}

// upload streams each prepared file to S3 under a key the server generates.
// If any upload fails, the ones already stored are removed.
func (s *Service) upload(ctx context.Context, subID string, files preparedFiles) ([]store.Attachment, error) {
	var atts []store.Attachment
	for _, f := range files {
		a, err := s.uploadOne(ctx, subID, f)
		if err != nil {
			s.removeObjects(atts)
			return nil, err
		}
		atts = append(atts, a)
	}
	return atts, nil
}

func (s *Service) uploadOne(ctx context.Context, subID string, f preparedFile) (store.Attachment, error) {
	r, err := f.body.open()
	if err != nil {
		return store.Attachment{}, err
	}
	defer r.Close()
	id := uuid.Must(uuid.NewV7()).String()
	key := blob.AttachmentKey(subID, id, f.typ.Ext())
	// minio gets an io.ReaderAt (the file, or the bytes in memory): a large
	// file is uploaded in parts straight from disk, where any other reader
	// would make minio buffer a 16 MiB part in memory per upload.
	if err := s.blob.Put(ctx, key, r, f.body.Size, f.contentType); err != nil {
		f.body.failedPut = true
		// A failed multipart upload may leave parts behind; abort them now.
		cctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, _ = s.blob.AbortIncomplete(cctx, key)
		return store.Attachment{}, wrapUnavailable("upload attachment", err)
	}
	return store.Attachment{
		ID: id, SubmissionID: subID, ObjectKey: key, Filename: f.name,
		ContentType: f.contentType, Size: f.body.Size, SHA256: hex.EncodeToString(f.body.sha256),
		CreatedAt: time.Now().UTC(),
	}, nil
}
