package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"net/mail"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/storydesk/storydesk/internal/auth"
	"github.com/storydesk/storydesk/internal/store"
)

var roles = []string{"editor", "staff", "admin", "translator"}

func userAdd(ctx context.Context, env Env, args []string) error {
	var email, role, name, site string
	if err := flags("user add", args, func(fs *flag.FlagSet) {
		fs.StringVar(&email, "email", "", "e-mail address (the login)")
		fs.StringVar(&role, "role", "", "editor, staff, admin or translator")
		fs.StringVar(&name, "name", "", "display name")
		fs.StringVar(&site, "site", "", "limit the account to one site's submissions")
	}); err != nil {
		return err
	}
	if a, err := mail.ParseAddress(email); err != nil || a.Address != email {
		return usageErr("user add: --email must be an e-mail address")
	}
	if !slices.Contains(roles, role) {
		return usageErr("user add: --role must be one of %s", strings.Join(roles, ", "))
	}
	pw, err := readPassword(env)
	if err != nil {
		return err
	}
	hash, err := auth.HashPassword(pw)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, env)
	if err != nil {
		return err
	}
	defer st.Close()
	u, err := st.CreateUser(ctx, store.User{Email: email, Name: name, Role: role, Site: site, PasswordHash: hash})
	if errors.Is(err, store.ErrDuplicate) {
		return fmt.Errorf("user add: an account with e-mail %s already exists", email)
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, u.ID)
	return nil
}

// readPassword reads one line from stdin, so scripts can pipe it in and it
// never shows up in a process list or shell history.
func readPassword(env Env) (string, error) {
	sc := bufio.NewScanner(env.Stdin)
	if !sc.Scan() {
		if err := sc.Err(); err != nil {
			return "", fmt.Errorf("user add: read password: %w", err)
		}
		return "", usageErr("user add: give the password as one line on standard input")
	}
	pw := strings.TrimRight(sc.Text(), "\r")
	if len([]rune(pw)) < auth.MinPasswordLen {
		return "", usageErr("user add: the password must be at least %d characters", auth.MinPasswordLen)
	}
	return pw, nil
}

func tokenCreate(ctx context.Context, env Env, args []string) error {
	var email, name, expires string
	if err := flags("token create", args, func(fs *flag.FlagSet) {
		fs.StringVar(&email, "email", "", "the account the token acts for")
		fs.StringVar(&name, "name", "cli", "a label for the token")
		fs.StringVar(&expires, "expires", "", "the token stops working after this long: days as 90d, or a duration such as 36h (default: when revoked)")
	}); err != nil {
		return err
	}
	if email == "" {
		return usageErr("token create: --email is required")
	}
	life, err := tokenLife(expires)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, env)
	if err != nil {
		return err
	}
	defer st.Close()
	u, err := st.UserByEmail(ctx, strings.ToLower(email))
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("token create: no account with e-mail %s", email)
	}
	if err != nil {
		return err
	}
	tok, hash, err := auth.NewToken()
	if err != nil {
		return err
	}
	var exp time.Time
	if life > 0 {
		exp = time.Now().Add(life)
	}
	if _, err := st.CreateToken(ctx, store.Token{UserID: u.ID, Name: name, Hash: hash, ExpiresAt: exp}); err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, tok)
	return nil
}

// maxTokenLife bounds --expires: beyond ten years, leave it out.
const maxTokenLife = 10 * 365 * 24 * time.Hour

// tokenLife reads --expires: "" is no expiry, Nd is N days, anything else a
// Go duration; it must be between a minute and ten years.
func tokenLife(v string) (time.Duration, error) {
	if v == "" {
		return 0, nil
	}
	var d time.Duration
	var err error
	if days, ok := strings.CutSuffix(v, "d"); ok {
		var n int
		n, err = strconv.Atoi(days)
		d = time.Duration(n) * 24 * time.Hour
		if n > int(maxTokenLife/(24*time.Hour)) {
			d = maxTokenLife + 1
		}
	} else {
		d, err = time.ParseDuration(v)
	}
	if err != nil || d < time.Minute || d > maxTokenLife {
		return 0, usageErr("token create: --expires must be days as 90d or a duration such as 36h, from a minute to ten years")
	}
	return d, nil
}
