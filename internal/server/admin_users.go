package server

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/storydesk/storydesk/internal/store"
)

// inviteLife is how long an invitation link works.
const inviteLife = 7 * 24 * time.Hour

// userAdmin is what admins do to accounts, shared by the admin page and
// the JSON API. Every change is audited with the account's e-mail at most.
type userAdmin struct {
	store   *store.Store
	tf      *twoFactor
	baseURL string
	log     *slog.Logger
}

// problem is a validation failure: the field, a message code for pages and
// a sentence for the API.
type problem struct{ field, code, msg string }

func (p *problem) Error() string { return p.field + " " + p.msg }

// status is 409 for a request that clashes with the state (someone's
// e-mail, the admin's own account) and 400 for one that is malformed; the
// API and the admin page answer alike.
func (p *problem) status() int {
	switch p.code {
	case "acct_self", "acct_email_taken", "acct_require_self":
		return http.StatusConflict
	case "acct_site_scope":
		return http.StatusForbidden
	}
	return http.StatusBadRequest
}

// apiErr turns a problem into the API's error naming the field.
func apiErr(err error) error {
	var p *problem
	if errors.As(err, &p) {
		return fieldErr(p.status(), p.field, p.msg)
	}
	return err
}

// errSiteScope answers an admin bound to a site who asked for a scope beyond
// it (store.Manages is the rule).
var errSiteScope = &problem{"site", "acct_site_scope", "is beyond your own site: an admin bound to a site manages only that site's accounts"}

// scoped turns the store's refusal into the problem that names the field.
func scoped(err error) error {
	if errors.Is(err, store.ErrOutOfScope) {
		return errSiteScope
	}
	return err
}

func checkAccess(r, site string) error {
	if !deskRoles.has(role(r)) { // deskRoles is every role
		return &problem{"role", "acct_role", "must be editor, staff, admin or translator"}
	}
	if utf8.RuneCountInString(site) > 100 || strings.ContainsAny(site, "\r\n\t") {
		return &problem{"site", "acct_site", "must be one line of at most 100 characters"}
	}
	return nil
}

// invitation creates an account and its one-time link, returned once.
func (a *userAdmin) invitation(ctx context.Context, actor store.User, email, name, role, site string) (store.User, string, time.Time, error) {
	email, name, site = strings.TrimSpace(email), strings.TrimSpace(name), strings.TrimSpace(site)
	if addr, err := mail.ParseAddress(email); err != nil || addr.Address != email || len(email) > 254 {
		return store.User{}, "", time.Time{}, &problem{"email", "acct_email", "must be an e-mail address"}
	}
	if utf8.RuneCountInString(name) > 200 || strings.ContainsAny(name, "\r\n\t") {
		return store.User{}, "", time.Time{}, &problem{"name", "acct_name", "must be one line of at most 200 characters"}
	}
	if err := checkAccess(role, site); err != nil {
		return store.User{}, "", time.Time{}, err
	}
	token, hash, err := newSessionID()
	if err != nil {
		return store.User{}, "", time.Time{}, err
	}
	exp := time.Now().Add(inviteLife)
	u, err := a.store.CreateUserWithInvite(ctx, actor, store.User{Email: email, Name: name, Role: role, Site: site},
		store.Invite{TokenHash: hash, CreatedBy: actor.ID, ExpiresAt: exp})
	if errors.Is(err, store.ErrDuplicate) {
		return store.User{}, "", time.Time{}, &problem{"email", "acct_email_taken", "is already in use"}
	}
	if err != nil {
		return store.User{}, "", time.Time{}, scoped(err)
	}
	a.audit(ctx, actor, "user_invited", u, "role "+role)
	return u, a.baseURL + "/invite/" + token, exp, nil
}

// reinvite resets an account with a new link (a forgotten password, an
// expired invitation, a suspected account): earlier links stop working, and
// the store clears the password and ends every session and token at once.
func (a *userAdmin) reinvite(ctx context.Context, actor store.User, id string) (store.User, string, time.Time, error) {
	u, err := a.store.ManagedUser(ctx, actor, id)
	if err != nil {
		return store.User{}, "", time.Time{}, err
	}
	token, hash, err := newSessionID()
	if err != nil {
		return store.User{}, "", time.Time{}, err
	}
	exp := time.Now().Add(inviteLife)
	if err := a.store.ReplaceInvite(ctx, store.Invite{TokenHash: hash, UserID: id, CreatedBy: actor.ID, ExpiresAt: exp}); err != nil {
		return store.User{}, "", time.Time{}, err
	}
	a.audit(ctx, actor, "user_reinvited", u, "")
	return u, a.baseURL + "/invite/" + token, exp, nil
}

// setAccess changes role and site. An admin cannot take away their own
// admin role: that is how the last admin locks everyone out.
func (a *userAdmin) setAccess(ctx context.Context, actor store.User, id, newRole, site string) (store.User, error) {
	site = strings.TrimSpace(site)
	if err := checkAccess(newRole, site); err != nil {
		return store.User{}, err
	}
	if id == actor.ID && role(newRole) != roleAdmin {
		return store.User{}, &problem{"role", "acct_self", "cannot be taken from your own account"}
	}
	u, err := a.store.ManagedUser(ctx, actor, id)
	if err != nil {
		return store.User{}, err
	}
	if err := a.store.UpdateUserAccess(ctx, actor, id, newRole, site); err != nil {
		return store.User{}, scoped(err)
	}
	a.audit(ctx, actor, "user_access_changed", u, "role "+u.Role+" -> "+newRole+"; site "+quoteSite(u.Site)+" -> "+quoteSite(site))
	u.Role, u.Site = newRole, site
	return u, nil
}

func quoteSite(s string) string {
	if s == "" {
		return "(all)"
	}
	return s
}

// setDisabled disables (ending every session and token) or enables an account.
func (a *userAdmin) setDisabled(ctx context.Context, actor store.User, id string, disabled bool) (store.User, error) {
	if id == actor.ID && disabled {
		return store.User{}, &problem{"disabled", "acct_self", "cannot be set on your own account"}
	}
	u, err := a.store.ManagedUser(ctx, actor, id)
	if err != nil {
		return store.User{}, err
	}
	if err := a.store.SetUserDisabled(ctx, id, disabled); err != nil {
		return store.User{}, err
	}
	action := "user_enabled"
	if disabled {
		action = "user_disabled"
	}
	a.audit(ctx, actor, action, u, "")
	u.Disabled = disabled
	return u, nil
}

// resetTwoFactor removes an account's second factor (a lost phone); the
// person enrolls again, at the next login when two-factor is required.
func (a *userAdmin) resetTwoFactor(ctx context.Context, actor store.User, id string) (store.User, error) {
	u, err := a.store.ManagedUser(ctx, actor, id)
	if err != nil {
		return store.User{}, err
	}
	if err := a.store.DeleteTOTP(ctx, id); err != nil && !errors.Is(err, store.ErrNotFound) {
		return store.User{}, err
	}
	a.audit(ctx, actor, "two_factor_reset", u, "")
	return u, nil
}

// setRequired turns the two-factor requirement on or off. Turning it on
// signs out everyone without a second factor; the admin must have one first,
// so the page that changes it is never the last thing they can reach.
func (a *userAdmin) setRequired(ctx context.Context, actor store.User, on bool) error {
	if !store.Manages(actor, "") { // it applies to every site
		return &problem{"require_two_factor", "acct_site_scope", "applies to every site: only an admin bound to no site may change it"}
	}
	if on {
		if tp, _, err := a.tf.state(ctx, actor.ID); err != nil {
			return err
		} else if !tp.Enabled() {
			return &problem{"require_two_factor", "acct_require_self", "needs two-factor on your own account first"}
		}
	}
	v := "false"
	if on {
		v = "true"
	}
	if err := a.store.PutSetting(ctx, store.SettingRequireTwoFactor, v); err != nil {
		return err
	}
	if on {
		if err := a.store.EndSessionsWithoutTwoFactor(ctx); err != nil {
			return err
		}
	}
	a.audit(ctx, actor, "setting_changed", store.User{}, store.SettingRequireTwoFactor+" = "+v)
	return nil
}

func (a *userAdmin) audit(ctx context.Context, actor store.User, action string, target store.User, detail string) {
	if target.Email != "" {
		detail = strings.TrimSpace(target.Email + " " + detail)
	}
	if err := a.store.Audit(ctx, store.AuditEntry{ActorID: actor.ID, Actor: actor.Email, Action: action, Target: target.ID, Detail: detail}); err != nil {
		a.log.Error("audit", "action", action, "err", err)
	}
}
