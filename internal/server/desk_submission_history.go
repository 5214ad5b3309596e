package server

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/storydesk/storydesk/internal/store"
)

// timeline merges the submission's history with the audit entries about it
// (contact views, decisions), oldest first, naming people as the desk does.
// A change of assignee is recorded twice, as an event and in the audit log;
// the history shows it once.
func (h *deskSubmission) timeline(c *gin.Context, id string, who people) ([]timelineEntry, error) {
	ctx := c.Request.Context()
	events, err := h.store.Events(ctx, id)
	if err != nil {
		return nil, err
	}
	audit, err := h.store.AuditLog(ctx, id, 200)
	if err != nil {
		return nil, err
	}
	assigns := assignAudits(audit)
	out := make([]timelineEntry, 0, len(events)+len(audit))
	for _, e := range events {
		entry := newTimelineEntry(e.CreatedAt, e.Actor, e.Action, e.FromStatus, e.ToStatus, e.Detail)
		entry.Actor = who.name(ctx, e.ActorID, e.Actor)
		if e.Action == "assigned" {
			a := assignmentOfEvent(e)
			if i := slices.IndexFunc(assigns, a.same); i >= 0 {
				a.prev, a.prevKnown = assigns[i].prev, true
				assigns = slices.Delete(assigns, i, i+1)
			}
			who.describe(ctx, &entry, a)
		}
		out = append(out, entry)
	}
	for _, a := range audit {
		// A decision is already in the history as its status move, and an
		// assignment as its event.
		if a.Action == "decision" || a.Action == "assign" {
			continue
		}
		entry := newTimelineEntry(a.At, a.Actor, a.Action, "", "", a.Detail)
		entry.Actor = who.name(ctx, a.ActorID, a.Actor)
		out = append(out, entry)
	}
	for _, a := range assigns { // audited without an event: older records
		entry := newTimelineEntry(a.at, "", "assign", "", "", "")
		entry.Actor = who.name(ctx, a.by, a.byEmail)
		who.describe(ctx, &entry, a)
		out = append(out, entry)
	}
	slices.SortStableFunc(out, func(a, b timelineEntry) int { return a.At.Compare(b.At) })
	return out, nil
}

// assignment is one change of assignee: by whom, from whom (when the audit
// log says) to whom ("" = nobody).
type assignment struct {
	at          time.Time
	by, byEmail string
	prev, next  string
	prevKnown   bool
}

// same reports whether a, from the audit log, records the change e records:
// the same person giving the piece to the same person within a few seconds
// (the audit entry is written just after the event's transaction).
func (e assignment) same(a assignment) bool {
	d := a.at.Sub(e.at)
	return a.by == e.by && a.next == e.next && d > -5*time.Second && d < 5*time.Second
}

// assignmentOfEvent reads an "assigned" event: "claimed", "unassigned" or
// "assigned to <user id>" (store.Assign).
func assignmentOfEvent(e store.Event) assignment {
	a := assignment{at: e.CreatedAt, by: e.ActorID, byEmail: e.Actor}
	switch {
	case e.Detail == "claimed":
		a.next = e.ActorID
	case strings.HasPrefix(e.Detail, "assigned to "):
		a.next = strings.TrimPrefix(e.Detail, "assigned to ")
	}
	return a
}

// assignAudits reads the "assign" audit entries: "from <id|nobody> to <id|nobody>".
func assignAudits(audit []store.AuditEntry) []assignment {
	var out []assignment
	for _, e := range audit {
		from, to, ok := strings.Cut(strings.TrimPrefix(e.Detail, "from "), " to ")
		if e.Action != "assign" || !ok {
			continue
		}
		nobody := func(s string) string {
			if s == "nobody" {
				return ""
			}
			return s
		}
		out = append(out, assignment{at: e.At, by: e.ActorID, byEmail: e.Actor, prev: nobody(from), next: nobody(to), prevKnown: true})
	}
	// Oldest first, as the events are read: a claim, release and claim
	// within seconds then pair up in order.
	slices.SortStableFunc(out, func(a, b assignment) int { return a.at.Compare(b.at) })
	return out
}

// people names accounts by id, reading each once per page.
type people struct {
	st    *store.Store
	names map[string]string
}

func newPeople(st *store.Store) people { return people{st: st, names: map[string]string{}} }

// name is the account's name as the desk shows it (its name, else its
// e-mail); fallback for no account ("submitter", "system") or one that no
// longer exists.
func (p people) name(ctx context.Context, id, fallback string) string {
	if id == "" {
		return fallback
	}
	if n, ok := p.names[id]; ok {
		return cmp.Or(n, fallback)
	}
	u, err := p.st.UserByID(ctx, id)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return fallback // the history still shows, with the recorded e-mail
	}
	p.names[id] = cmp.Or(u.Name, u.Email)
	return cmp.Or(p.names[id], fallback)
}

// describe words an assignment: taken on, taken over from someone, given
// to someone, or left to nobody.
func (p people) describe(ctx context.Context, e *timelineEntry, a assignment) {
	e.Detail = ""
	switch {
	case a.next == "":
		e.ActionKey = "desk.history.unassigned"
	case a.next == a.by && a.prevKnown && a.prev != "":
		e.ActionKey, e.Whom = "desk.history.took_over", p.name(ctx, a.prev, "")
	case a.next == a.by:
		e.ActionKey = "desk.history.claimed"
	default:
		e.ActionKey, e.Whom = "desk.history.assigned_to", p.name(ctx, a.next, "")
	}
	if e.Whom == "" && e.ActionKey != "desk.history.unassigned" && e.ActionKey != "desk.history.claimed" {
		e.ActionKey = "desk.history.assigned" // the person's account is gone: say only what changed
	}
}
