package server

import (
	"cmp"
	"context"
	"errors"
	"html/template"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/storydesk/storydesk/internal/desk"
	"github.com/storydesk/storydesk/internal/finding"
	"github.com/storydesk/storydesk/internal/sanitize"
	"github.com/storydesk/storydesk/internal/store"
	"github.com/storydesk/storydesk/web"
)

// deskView is what desk_submission.html shows about one submission.
type deskView struct {
	ID, Status, Kind, Title, Language, Site string
	AuthorName, AuthorRole                  string
	Body                                    string        // source, for the edit form
	BodyHTML                                template.HTML // the stored, sanitized HTML only
	Marked                                  []segment     // the plain text, split around findings
	Findings                                []findingView
	Rechecked                               bool // findings were recomputed: the text changed after the review
	Reviewed                                bool
	Words, Minutes                          int
	ConsentPublish, Pseudonym               string
	ConsentPhotos                           bool
	Attachments                             []attachmentView
	HasContact                              bool
	Contact                                 *contactView // set only after the audited reveal
	Revisions                               []revisionView
	Notes                                   []store.Note
	Editor                                  bool          // may edit, decide, write and reveal (not a translator)
	Messages                                []web.Message // shown in the editor's language when automatic
	Timeline                                []timelineEntry
	Decisions                               []decisionButton
	Confirm                                 string // a Final decision asked for, to confirm (?confirm=NAME)
	// After a decision: the next piece of the queue, or "" to go back to it.
	Decided   bool
	Next      string
	CreatedAt time.Time
	// Who works on it: someone else's claim is shown, so two editors do
	// not edit the same piece unknowingly.
	AssigneeID, Assignee string
	Mine                 bool
	Final                bool // rejected or withdrawn: nobody can claim it
	// Publishing: the button for an approved piece whose consent allows it,
	// and once published its public page and the webhook's delivery.
	CanPublish, InternalOnly bool
	Publication              *store.Publication
	Webhook                  *store.WebhookDelivery
	// Translations of the piece, and the languages it can still be
	// translated into (desk_translation.go).
	Translations, TranslateInto []translationRow
	Placement                   *placementView // pitches to outlets; nil when there is nothing to show
}

type findingView struct{ Kind, Label, Text string }

type attachmentView struct {
	Name, ContentType string
	Size              int64
	DownloadURL       string
	PreviewURL        string // "" unless the file is an image we re-encoded
}

type contactView struct{ Email, Phone string }

type revisionView struct {
	Number int
	Author string
	At     time.Time
	// A named revision, made for a pitch (issue 15), has its outlet and
	// its pitch: it is listed, never the piece's text.
	Outlet, PitchID, Language string
}

// timelineEntry is one line of the history: a status move, an edit, a note
// (without its text) or an audited action such as a contact-details view.
type timelineEntry struct {
	At               time.Time
	Actor, Action    string // Actor: the person's name as the desk shows it, or "submitter" / "system"
	ActionKey        string // the message naming Action; "" for an action without one, shown as it is
	Whom             string // the person ActionKey names ({{.Name}}), for an assignment
	DetailKey        string // the message for Detail ({{.Name}} = DetailArg); "" to show Detail as it is
	DetailArg        string
	From, To, Detail string
}

// historyActions are the history actions the locales have words for
// (desk.history.ACTION in web/locales/desk.*.json).
var historyActions = []string{
	"submitted", "reviewed", "status", "edited", "note", "assigned", "assign", "published",
	"publish_requested", "contact_viewed", store.RecheckedAction, "pitch_text",
	"retention_deleted", "retention_contact_dropped", "retention_identity_dropped",
	"pitch_created", "pitch_updated",
	"translation_created", "translation_edited", "translation_sent", "translation_approved", "translation_changes_requested",
}

// newTimelineEntry labels one line of the history. A decision's name is
// dropped from a status move: the move itself says what was decided.
func newTimelineEntry(at time.Time, actor, action string, from, to store.Status, detail string) timelineEntry {
	e := timelineEntry{At: at, Actor: actor, Action: action, From: string(from), To: string(to), Detail: detail}
	if slices.Contains(historyActions, action) {
		e.ActionKey = "desk.history." + action
	}
	if action == "status" && desk.IsDecision(detail) {
		e.Detail = ""
	}
	if action == "retention_contact_dropped" || action == "retention_identity_dropped" {
		e.Detail = "" // the action's message says what was removed
	}
	e.DetailKey, e.DetailArg = historyDetail(e.Detail)
	return e
}

// historyDetail is the message for a detail the stores write in English
// ("consent withdrawn", "revision 3"), with its one argument; "" for a
// detail shown as it is (a path).
func historyDetail(detail string) (key, arg string) {
	switch {
	case detail == "consent withdrawn", detail == "revision sent", detail == "revision from the submitter":
		return "desk.history.detail." + strings.ReplaceAll(detail, " ", "_"), ""
	case strings.HasPrefix(detail, "revision "):
		return "desk.history.detail.revision", strings.TrimPrefix(detail, "revision ")
	}
	// A translation's events name its language, and who approved it.
	lang, by, _ := strings.Cut(detail, ": approved by ")
	if lang == "en" || lang == "es" {
		switch by {
		case "":
			return "desk.history.detail.translation_" + lang, ""
		case "the author", "an editor":
			return "desk.history.detail.translation_" + lang + "_by_" + strings.Fields(by)[1], ""
		}
	}
	return "", ""
}

// viewState is what a refused form post adds to the page it re-renders.
type viewState struct {
	status int
	errors map[string]string
	values map[string]string
	pitch  *pitchProblem // a refused pitch form, shown in the Placement section
}

// show renders the desk page for s.
func (h *deskSubmission) show(c *gin.Context, s store.Submission, st viewState) error {
	v, err := h.view(c, s)
	if err != nil {
		return err
	}
	if v.Placement != nil {
		v.Placement.Problem = st.pitch
	}
	f := flashOf(c)
	if f.Contact {
		v.Contact = &contactView{Email: s.ContactEmail, Phone: s.ContactPhone}
	}
	p := staffPage(c, h.render)
	p.Data, p.Errors, p.Values = v, st.errors, st.values
	if p.Values == nil {
		p.Values = f.Values
	}
	if err := h.afterDecision(c, s, v, p.Notice); err != nil {
		return err
	}
	if st.status == 0 {
		st.status = http.StatusOK
	}
	return renderPage(c, h.render, st.status, "desk_submission", p)
}

func (h *deskSubmission) viewPage(c *gin.Context) error {
	s, err := h.load(c)
	if err != nil {
		return err
	}
	return h.show(c, s, viewState{})
}

func (h *deskSubmission) view(c *gin.Context, s store.Submission) (*deskView, error) {
	ctx := c.Request.Context()
	revs, err := h.store.Revisions(ctx, s.ID)
	if err != nil {
		return nil, err
	}
	notes, err := h.store.Notes(ctx, s.ID)
	if err != nil {
		return nil, err
	}
	stored, err := h.store.Messages(ctx, s.ID)
	if err != nil {
		return nil, err
	}
	msgs := make([]web.Message, 0, len(stored))
	for _, m := range stored {
		msgs = append(msgs, webMessage(m))
	}
	names := newPeople(h.store)
	timeline, err := h.timeline(c, s.ID, names)
	if err != nil {
		return nil, err
	}
	who, err := h.store.Assignment(ctx, s.ID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	// The text of the stored HTML, what editors read: never a new rendering.
	text := sanitize.Text(s.BodyHTML)
	found, rechecked := reviewFindings(s, revs, text)
	marked, list := markFindings(text, found)
	words := finding.WordCount(text)
	v := &deskView{
		ID: s.ID, Status: string(s.Status), Kind: s.Kind, Title: s.Title, Language: s.Language, Site: s.Site,
		AuthorName: s.AuthorName, AuthorRole: s.AuthorRole, Body: s.Body,
		// Safe: BodyHTML is only ever written from sanitize.Body's output.
		BodyHTML: template.HTML(s.BodyHTML), Marked: marked, Findings: list, Rechecked: rechecked,
		Reviewed: !s.ReviewedAt.IsZero(), Words: words, Minutes: finding.ReadingMinutes(words),
		ConsentPublish: s.ConsentPublish, Pseudonym: s.Pseudonym, ConsentPhotos: s.ConsentPhotos,
		HasContact: s.ContactEmail != "" || s.ContactPhone != "",
		Notes:      notes, Messages: msgs, Timeline: timeline, CreatedAt: s.CreatedAt,
		AssigneeID: who.UserID, Assignee: cmp.Or(who.Name, who.Email), Mine: who.UserID != "" && who.UserID == currentUser(c).ID,
		Final: s.Status.Final(), Editor: editorRoles.allows(currentUser(c)),
	}
	for i, n := range v.Notes {
		v.Notes[i].Author = names.name(ctx, n.AuthorID, n.Author)
	}
	if err := h.publication(ctx, s, v); err != nil {
		return nil, err
	}
	if err := h.translations(ctx, s, v); err != nil {
		return nil, err
	}
	if v.Placement, err = h.placement(ctx, currentUser(c), s, words); err != nil {
		return nil, err
	}
	for _, r := range revs {
		v.Revisions = append(v.Revisions, revisionView{Number: r.Number, Author: r.AuthorName, At: r.CreatedAt})
	}
	named, err := h.store.NamedRevisions(ctx, s.ID)
	if err != nil {
		return nil, err
	}
	for _, r := range named {
		v.Revisions = append(v.Revisions, revisionView{Number: r.Number, Author: r.AuthorName, At: r.CreatedAt,
			Outlet: r.Outlet, PitchID: r.PitchID, Language: r.Language})
	}
	for _, a := range s.Attachments {
		path := "/api/v1/submissions/" + s.ID + "/attachments/" + a.ID
		av := attachmentView{Name: attachmentName(a), ContentType: a.ContentType, Size: a.Size, DownloadURL: h.links.relative(path, downloadLife)}
		if previewable(a.ContentType) {
			av.PreviewURL = "/desk/s/" + s.ID + "/attachments/" + a.ID + "/preview"
		}
		v.Attachments = append(v.Attachments, av)
	}
	v.Decisions = decisionButtons(s.Status)
	for _, d := range v.Decisions {
		if d.Confirm && d.Name == c.Query("confirm") {
			v.Confirm = d.Name
		}
	}
	return v, nil
}

// publication fills in what the page shows about publishing s.
func (h *deskSubmission) publication(ctx context.Context, s store.Submission, v *deskView) error {
	v.InternalOnly = s.ConsentPublish == "internal"
	v.CanPublish = s.Status == store.StatusApproved && !v.InternalOnly
	if s.Status != store.StatusPublished && s.Status != store.StatusWithdrawn {
		return nil
	}
	pub, err := h.store.PublicationOf(ctx, s.ID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	v.Publication = &pub
	wh, err := h.store.WebhookDeliveryOf(ctx, s.ID, "")
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	v.Webhook = &wh
	return nil
}
