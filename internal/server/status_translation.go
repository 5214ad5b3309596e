package server

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/storydesk/storydesk/internal/intake"
	"github.com/storydesk/storydesk/internal/render"
	"github.com/storydesk/storydesk/internal/sanitize"
	"github.com/storydesk/storydesk/internal/store"
	"github.com/storydesk/storydesk/web"
)

// The author's side of a translation and of where the piece ran, on the
// status page (issues 14 and 15). The rules are intake.DecideTranslation's;
// this file only turns them into the page.

// decideTranslation is the status page's "translation" action: the author
// approves the translation into the form's language, or asks for changes
// with a message. A refusal keeps the message typed and names the field.
func (h *statusHandler) decideTranslation(c *gin.Context, p *web.Page, code string) (int, error) {
	lang, decision, message := c.PostForm("language"), c.PostForm("decision"), c.PostForm("translation_message")
	err := h.intake.DecideTranslation(c.Request.Context(), code, lang, decision, message)
	var ve *intake.ValidationError
	switch {
	case err == nil:
		p.Notice = "translation_" + decision
		return http.StatusOK, nil
	case errors.As(err, &ve):
		p.Values = map[string]string{"translation_message": message, "translation_language": lang}
		p.Errors = map[string]string{}
		for f, fc := range ve.Fields {
			switch {
			case f == "message" && fc == intake.CodeRequired:
				p.Errors["translation_message"] = "translation_message_required"
			case f == "message":
				p.Errors["translation_message"] = fc
			default: // language or decision: not typed by the author, the form was tampered with
				p.Errors[""] = "invalid"
			}
		}
		return validationStatus(ve), nil
	case errors.Is(err, intake.ErrUnknownReceipt):
		return 0, err
	case errors.Is(err, store.ErrNotFound):
		p.Errors = map[string]string{"": "translation_unknown"}
		return http.StatusNotFound, nil
	case errors.Is(err, intake.ErrNotAwaiting):
		p.Errors = map[string]string{"": "translation_not_awaiting"}
		return http.StatusConflict, nil
	case errors.Is(err, store.ErrConflict):
		p.Errors = map[string]string{"": "status_conflict"}
		return http.StatusConflict, nil
	}
	return 0, err
}

// authorView puts on st what the author reviews and where the piece ran.
func authorView(st *web.Status, v intake.View) {
	s := v.Submission
	st.Byline = bylineFor(s)
	original := splitParagraphs(sanitize.Text(s.BodyHTML))
	for _, t := range v.Translations {
		r := web.TranslationReview{Language: t.Language, Original: s.Language, State: string(t.Status),
			ByEditor:  t.Status == store.TranslationApproved && t.ApprovedBy != store.ApprovedByAuthor,
			CanDecide: t.Status == store.TranslationAwaitingAuthor, Title: t.Title, OriginalText: s.Title}
		// A draft is not the author's to read yet: only its state shows.
		if t.Status != store.TranslationDraft {
			r.Pairs = sideBySide(original, splitParagraphs(sanitize.Text(t.BodyHTML)), func(orig, trans string) web.Pair {
				return web.Pair{Original: orig, Translation: trans}
			})
		}
		st.Translations = append(st.Translations, r)
	}
	for _, pl := range publicPlacements(v.Placements) {
		day, _ := time.Parse(time.DateOnly, pl.PublishedOn)
		st.Placements = append(st.Placements, web.Placement{Outlet: pl.Outlet, URL: pl.URL, PublishedOn: day, Language: pl.Language})
	}
}

// webMessage is m as the conversation on the desk and the status page
// shows it: an author's message about a translation names the translation.
func webMessage(m store.Message) web.Message {
	return web.Message{FromEditor: m.FromEditor, Body: m.Body, Kind: m.Kind, Translation: store.TranslationOfMessage(m.Kind), At: m.CreatedAt}
}

// bylineFor is the byline the piece's consent gives, which its
// translations are published under too; "internal" for a piece never
// published.
func bylineFor(s store.Submission) web.Byline {
	if s.ConsentPublish == "internal" {
		return web.Byline{Kind: "internal"}
	}
	b := render.BylineOf(s.ConsentPublish, s.AuthorName, s.Pseudonym)
	return web.Byline{Kind: b.Kind, Name: b.Name}
}

// splitParagraphs splits sanitize.Text's blocks.
func splitParagraphs(text string) []string {
	var out []string
	for _, p := range strings.Split(text, "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// publicPlacements keeps the placements whose address is http(s): the
// desk checks that when it records one, and the author's page and API
// check again rather than link anything else.
func publicPlacements(ps []store.Placement) []store.Placement {
	var out []store.Placement
	for _, p := range ps {
		if u, err := url.Parse(p.URL); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
			out = append(out, p)
		}
	}
	return out
}

// placementsJSON is where the piece ran, as the status API shows it.
func placementsJSON(ps []store.Placement) []gin.H {
	out := []gin.H{}
	for _, p := range publicPlacements(ps) {
		out = append(out, gin.H{"outlet": p.Outlet, "url": p.URL, "published_on": p.PublishedOn, "language": p.Language})
	}
	return out
}
