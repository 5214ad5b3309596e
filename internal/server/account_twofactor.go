package server

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/storydesk/storydesk/internal/auth"
	"github.com/storydesk/storydesk/internal/store"
)

// totpIssuer is the name authenticator apps show next to the account.
const totpIssuer = "StoryDesk"

// errBadCode is every failed second step: a wrong, reused or expired code
// or an unknown pending login all read the same.
var errBadCode = fieldErr(http.StatusUnauthorized, "code", "is wrong or has expired")

// twoFactor is TOTP for accounts: enrollment, checking codes (each code
// works once), and the instance-wide requirement.
type twoFactor struct {
	store  *store.Store
	sealer *auth.Sealer
}

func newTwoFactor(st *store.Store, secret []byte) *twoFactor {
	return &twoFactor{store: st, sealer: auth.NewSealer(secret)}
}

// required reports whether an admin made two-factor mandatory.
func (t *twoFactor) required(ctx context.Context) (bool, error) {
	return t.store.TwoFactorRequired(ctx)
}

// state returns a user's second factor and its secret in the clear; a zero
// TOTP and "" when there is none.
func (t *twoFactor) state(ctx context.Context, userID string) (store.TOTP, string, error) {
	tp, err := t.store.UserTOTP(ctx, userID)
	if errors.Is(err, store.ErrNotFound) {
		return store.TOTP{}, "", nil
	}
	if err != nil {
		return store.TOTP{}, "", err
	}
	secret, err := t.sealer.Open(tp.Secret, userID)
	if err != nil {
		return store.TOTP{}, "", err
	}
	return tp, secret, nil
}

// verify checks a code of a user whose two-factor is on and uses it up.
// A user without it is checked against a dummy, so the answer is the same.
func (t *twoFactor) verify(ctx context.Context, userID, code string) error {
	tp, secret, err := t.state(ctx, userID)
	if err != nil {
		return err
	}
	if !tp.Enabled() {
		secret = ""
	}
	step, ok := auth.CheckTOTP(secret, code, time.Now())
	if !ok {
		return errBadCode
	}
	if err := t.store.UseTOTPStep(ctx, userID, step); errors.Is(err, store.ErrConflict) {
		return errBadCode
	} else if err != nil {
		return err
	}
	return nil
}

// enrollment returns the unconfirmed secret of a user, starting one when
// there is none; ErrConflict when two-factor is already on.
func (t *twoFactor) enrollment(ctx context.Context, userID string) (string, error) {
	tp, secret, err := t.state(ctx, userID)
	if err != nil {
		return "", err
	}
	if tp.Enabled() {
		return "", store.ErrConflict
	}
	if secret != "" {
		return secret, nil
	}
	if secret, err = auth.NewTOTP(); err != nil {
		return "", err
	}
	sealed, err := t.sealer.Seal(secret, userID)
	if err != nil {
		return "", err
	}
	return secret, t.store.StartTOTP(ctx, userID, sealed)
}

// confirm turns two-factor on when code is right for the unconfirmed secret.
func (t *twoFactor) confirm(ctx context.Context, userID, code string) error {
	tp, secret, err := t.state(ctx, userID)
	if err != nil {
		return err
	}
	if tp.Enabled() {
		return store.ErrConflict
	}
	step, ok := auth.CheckTOTP(secret, code, time.Now())
	if !ok {
		return errBadCode
	}
	return t.store.EnableTOTP(ctx, userID, step)
}

// enrollView is what the enrollment page shows: the secret in groups of
// four for typing by hand, and the otpauth:// URI as text (no image or
// script is needed under the strict CSP).
type enrollView struct {
	Groups []string
	URI    string
	Action string // where the code is posted: /account/totp or /login/enroll
}

func newEnrollView(secret, email, action string) enrollView {
	var groups []string
	s := strings.ToUpper(secret)
	for len(s) > 4 {
		groups = append(groups, s[:4])
		s = s[4:]
	}
	if s != "" {
		groups = append(groups, s)
	}
	return enrollView{Groups: groups, URI: auth.TOTPURI(totpIssuer, email, secret), Action: action}
}
