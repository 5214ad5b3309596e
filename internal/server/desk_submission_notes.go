package server

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/storydesk/storydesk/internal/desk"
	"github.com/storydesk/storydesk/internal/intake"
	"github.com/storydesk/storydesk/internal/store"
)

type noteRequest struct {
	Text string `json:"text"`
}

type messageRequest struct {
	Message string `json:"message"`
}

// noteAPI is POST /api/v1/submissions/{id}/notes {"text"}: an internal
// note, never shown to the submitter.
func (h *deskSubmission) noteAPI(c *gin.Context) error {
	var req noteRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	n, err := h.addNote(c, req.Text)
	if err != nil {
		return err
	}
	c.JSON(http.StatusCreated, gin.H{"id": n.ID, "author": n.Author, "text": n.Body, "created_at": n.CreatedAt})
	return nil
}

func (h *deskSubmission) addNote(c *gin.Context, text string) (store.Note, error) {
	s, err := h.load(c)
	if err != nil {
		return store.Note{}, err
	}
	text, err = desk.CheckText("text", text, intake.MaxMessageRunes)
	if err != nil {
		return store.Note{}, err
	}
	u := currentUser(c)
	return h.store.AddNote(c.Request.Context(), s.ID, store.Note{AuthorID: u.ID, Author: u.Email, Body: text})
}

// messageAPI is POST /api/v1/submissions/{id}/messages {"message"}: a message
// the submitter sees on the status page.
func (h *deskSubmission) messageAPI(c *gin.Context) error {
	var req messageRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	m, err := h.addMessage(c, req.Message)
	if err != nil {
		return err
	}
	c.JSON(http.StatusCreated, gin.H{"id": m.ID, "from": "editor", "body": m.Body, "at": m.CreatedAt})
	return nil
}

func (h *deskSubmission) addMessage(c *gin.Context, text string) (store.Message, error) {
	s, err := h.load(c)
	if err != nil {
		return store.Message{}, err
	}
	text, err = desk.CheckText("message", text, intake.MaxMessageRunes)
	if err != nil {
		return store.Message{}, err
	}
	return h.store.AddMessage(c.Request.Context(), s.ID, store.Message{FromEditor: true, AuthorID: currentUser(c).ID, Body: text})
}

func (h *deskSubmission) notePage(c *gin.Context) error {
	text := c.PostForm("text")
	_, err := h.addNote(c, text)
	return h.afterPost(c, err, "desk_note_added", map[string]string{"text": text})
}

func (h *deskSubmission) messagePage(c *gin.Context) error {
	text := c.PostForm("message")
	_, err := h.addMessage(c, text)
	return h.afterPost(c, err, "desk_message_sent", map[string]string{"message": text})
}

// afterPost answers a form post: 303 to the page with the notice on
// success; the page again with the field errors and the typed values
// otherwise.
func (h *deskSubmission) afterPost(c *gin.Context, err error, notice string, values map[string]string) error {
	errs, status, invalid := pageErrors(err)
	if err != nil && !invalid {
		return err
	}
	if !invalid {
		return h.flash.redirect(c, pieceURL(c.Param("id")), flash{Notice: notice})
	}
	s, lerr := h.load(c)
	if lerr != nil {
		return lerr
	}
	return h.show(c, s, viewState{status: status, errors: errs, values: values})
}
