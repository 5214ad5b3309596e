package server

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/storydesk/storydesk/internal/blob"
	"github.com/storydesk/storydesk/internal/store"
)

// object says how an object from S3 goes out through the app: every
// download (attachments, previews, published photos, export archives) is
// streamed by serveObject with these headers and X-Content-Type-Options:
// nosniff, so the browser never guesses a type from the bytes.
type object struct {
	key         string
	what        string // names the object in errors: "attachment <id>"
	contentType string
	disposition string // the whole Content-Disposition value, see disposition
	cache       string // Cache-Control
	// sandbox adds a Content-Security-Policy that keeps anything served
	// from running, should a stored object not be what its row claims.
	sandbox bool
	// sniff refuses (404) an object whose first bytes are not contentType.
	sniff bool
	// before runs once the object is open, before any header is written:
	// its error is answered like any handler error.
	before func() error
}

// disposition is a Content-Disposition value: kind "inline" or
// "attachment", with the file name quoted as needed.
func disposition(kind, filename string) string {
	return mime.FormatMediaType(kind, map[string]string{"filename": filename})
}

// serveObject opens o.key and streams it with 200 and o's headers; a missing
// object is store.ErrNotFound (404).
func serveObject(c *gin.Context, bl *blob.Store, o object) error {
	obj, err := bl.Open(c.Request.Context(), o.key)
	if errors.Is(err, blob.ErrNotFound) {
		return fmt.Errorf("%s: %w", o.what, store.ErrNotFound)
	}
	if err != nil {
		return err
	}
	defer obj.Close()
	var body io.Reader = obj
	if o.sniff {
		br := bufio.NewReaderSize(obj, 512)
		head, err := br.Peek(512)
		if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
			return fmt.Errorf("%s: %w", o.what, err)
		}
		if http.DetectContentType(head) != o.contentType {
			return fmt.Errorf("%s: stored bytes are not %s: %w", o.what, o.contentType, store.ErrNotFound)
		}
		body = br
	}
	if o.before != nil {
		if err := o.before(); err != nil {
			return err
		}
	}
	hd := c.Writer.Header()
	hd.Set("Content-Type", o.contentType)
	hd.Set("Content-Length", strconv.FormatInt(obj.Size, 10))
	hd.Set("Content-Disposition", o.disposition)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Cache-Control", o.cache)
	if o.sandbox {
		hd.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	}
	c.Status(http.StatusOK)
	_, err = io.Copy(c.Writer, body)
	return err
}
