package server

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/storydesk/storydesk/internal/desk"
	"github.com/storydesk/storydesk/internal/store"
)

// OutletsView is the data of the /desk/outlets pages: the list, and the
// outlet one of them opens (its edit form for staff, its details for
// editors).
type OutletsView struct {
	Outlets  []store.Outlet
	Current  *store.Outlet // /desk/outlets/{id}; nil on the list
	CanWrite bool          // staff and admins
}

// outletFields are the form's fields, named as the API names them with an
// "outlet_" prefix, so that the page's labels and errors are its own.
var outletFields = []string{"name", "language", "word_limit", "exclusive_days", "contact_email", "notes"}

func (h *outletsHandler) listPage(c *gin.Context) error {
	return h.renderPage(c, http.StatusOK, "", nil, nil)
}

func (h *outletsHandler) onePage(c *gin.Context) error {
	return h.renderPage(c, http.StatusOK, c.Param("id"), nil, nil)
}

// createPage and updatePage are the staff forms: a refused field re-shows
// the form with the values as typed and the field named.
func (h *outletsHandler) createPage(c *gin.Context) error {
	req, values, err := outletForm(c)
	if err == nil {
		var o store.Outlet
		if o, err = h.add(c.Request.Context(), currentUser(c), req); err == nil {
			return h.flash.redirect(c, outletURL(o.ID), flash{Notice: "outlet_saved"})
		}
	}
	return h.refused(c, "", values, err)
}

func (h *outletsHandler) updatePage(c *gin.Context) error {
	req, values, err := outletForm(c)
	if err == nil {
		var o store.Outlet
		if o, err = h.change(c.Request.Context(), currentUser(c), c.Param("id"), req); err == nil {
			return h.flash.redirect(c, outletURL(o.ID), flash{Notice: "outlet_saved"})
		}
	}
	return h.refused(c, c.Param("id"), values, err)
}

// refused re-renders the form after a field error; anything else is the
// error page.
func (h *outletsHandler) refused(c *gin.Context, id string, values map[string]string, err error) error {
	fe, ok := asFieldError(err)
	if !ok {
		return err
	}
	return h.renderPage(c, http.StatusBadRequest, id, values, map[string]string{"outlet_" + fe.Field: fe.Code})
}

// outletForm reads the form as an OutletChange, and the values as typed.
func outletForm(c *gin.Context) (desk.OutletChange, map[string]string, error) {
	values := map[string]string{}
	for _, f := range outletFields {
		values["outlet_"+f] = c.PostForm(f)
	}
	takes := c.PostFormArray("takes")
	markTakes(values, takes)
	name, lang, mail, notes := c.PostForm("name"), c.PostForm("language"), c.PostForm("contact_email"), c.PostForm("notes")
	req := desk.OutletChange{Name: &name, Language: &lang, ContactEmail: &mail, Notes: &notes, Takes: takes}
	if req.Takes == nil {
		req.Takes = []string{}
	}
	for _, n := range []struct {
		field string
		to    **int
	}{{"word_limit", &req.WordLimit}, {"exclusive_days", &req.ExclusiveDays}} {
		v := strings.TrimSpace(c.PostForm(n.field))
		if v == "" {
			v = "0"
		}
		i, err := strconv.Atoi(v)
		if err != nil {
			return req, values, desk.Invalid(n.field, "negative")
		}
		*n.to = &i
	}
	return req, values, nil
}

func (h *outletsHandler) renderPage(c *gin.Context, status int, id string, values, errs map[string]string) error {
	ctx := c.Request.Context()
	list, err := h.store.Outlets(ctx)
	if err != nil {
		return err
	}
	v := OutletsView{Outlets: list, CanWrite: staffRoles.allows(currentUser(c))}
	if id != "" {
		i := slices.IndexFunc(list, func(o store.Outlet) bool { return o.ID == id })
		if i < 0 {
			return store.ErrNotFound
		}
		v.Current = &list[i]
		if values == nil {
			values = outletValues(list[i])
		}
	}
	if values == nil {
		values = outletValues(desk.NewOutlet())
	}
	p := staffPage(c, h.render)
	p.Data, p.Values, p.Errors = v, values, errs
	return renderPage(c, h.render, status, "desk_outlets", p)
}

// outletValues is o as the form shows it.
func outletValues(o store.Outlet) map[string]string {
	v := map[string]string{"outlet_name": o.Name, "outlet_language": o.Language,
		"outlet_word_limit": strconv.Itoa(o.WordLimit), "outlet_exclusive_days": strconv.Itoa(o.ExclusiveDays),
		"outlet_contact_email": o.ContactEmail, "outlet_notes": o.Notes}
	markTakes(v, desk.Takes(o))
	return v
}

// markTakes ticks the form's checkbox of each kind in takes
// ("outlet_takes_oped" = "1").
func markTakes(values map[string]string, takes []string) {
	for _, k := range takes {
		values["outlet_takes_"+k] = "1"
	}
}

// outletURL is the page of outlet id.
func outletURL(id string) string { return "/desk/outlets/" + url.PathEscape(id) }

// asFieldError is err's desk field error, if it is one.
func asFieldError(err error) (*desk.FieldError, bool) {
	var fe *desk.FieldError
	return fe, errors.As(err, &fe)
}
