package server

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/storydesk/storydesk/internal/blob"
	"github.com/storydesk/storydesk/internal/media"
	"github.com/storydesk/storydesk/internal/store"
)

// previewable reports whether an attachment may be shown inline. Intake
// re-encodes every image from its pixels to JPEG or PNG, so only those two
// types are ever images we produced; everything else (PDF, DOCX) is
// download-only, where the browser will not render it.
func previewable(contentType string) bool {
	return contentType == "image/jpeg" || contentType == "image/png"
}

// attachmentName is the name an attachment is shown and downloaded under:
// the submitter's cleaned name with the extension of the type it was
// stored as, whatever extension the submitter gave it.
func attachmentName(a store.Attachment) string {
	return media.TypeOf(a.ContentType).FileName(a.Filename)
}

// relative is url without the base URL, for links on the desk's own pages.
func (l *linkSigner) relative(path string, life time.Duration) string {
	exp := l.now().Add(life).Unix()
	return fmt.Sprintf("%s?exp=%d&sig=%s", path, exp, l.sign(path, exp))
}

// preview serves an image attachment inline for the desk page's <img>, after
// the session and site checks. The bytes are sniffed again, so a stored
// object that is not really the image its row claims is refused rather than
// served, and the sandbox policy keeps anything served here from running.
func (h *deskSubmission) preview(c *gin.Context) error {
	s, err := h.load(c)
	if err != nil {
		return err
	}
	var att *store.Attachment
	for i := range s.Attachments {
		if s.Attachments[i].ID == c.Param("aid") {
			att = &s.Attachments[i]
		}
	}
	if att == nil || !previewable(att.ContentType) {
		return fmt.Errorf("preview: %w", store.ErrNotFound)
	}
	obj, err := h.blob.Open(c.Request.Context(), att.ObjectKey)
	if errors.Is(err, blob.ErrNotFound) {
		return fmt.Errorf("attachment %s: %w", att.ID, store.ErrNotFound)
	}
	if err != nil {
		return err
	}
	defer obj.Close()
	br := bufio.NewReaderSize(obj, 512)
	head, err := br.Peek(512)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return fmt.Errorf("preview %s: %w", att.ID, err)
	}
	if http.DetectContentType(head) != att.ContentType {
		return fmt.Errorf("preview %s: stored bytes are not %s: %w", att.ID, att.ContentType, store.ErrNotFound)
	}
	hd := c.Writer.Header()
	hd.Set("Content-Type", att.ContentType)
	hd.Set("Content-Length", strconv.FormatInt(obj.Size, 10))
	hd.Set("Content-Disposition", mime.FormatMediaType("inline", map[string]string{"filename": attachmentName(*att)}))
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Cache-Control", "no-store")
	hd.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	c.Status(http.StatusOK)
	_, err = io.Copy(c.Writer, br)
	return err
}
