package server

import (
	"fmt"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/storydesk/storydesk/internal/media"
	"github.com/storydesk/storydesk/internal/store"
)

// previewable reports whether an attachment may be shown inline. Intake
// stores every image as JPEG, PNG or WebP that Go decoded whole, rebuilt or
// cut down to the chunks decoding needs, so only those types are ever
// images we produced; everything else (PDF, DOCX) is download-only, where
// the browser will not render it.
func previewable(contentType string) bool {
	return contentType == "image/jpeg" || contentType == "image/png" || contentType == "image/webp"
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
	return serveObject(c, h.blob, object{key: att.ObjectKey, what: "preview of attachment " + att.ID, contentType: att.ContentType,
		disposition: disposition("inline", attachmentName(*att)), cache: "no-store", sandbox: true, sniff: true})
}
