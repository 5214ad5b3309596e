package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestUsersAndTokens(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		u, err := s.CreateUser(ctx, User{Email: "  Editor@Example.ORG ", Name: "Ed", Role: "editor", PasswordHash: "h"})
		if err != nil {
			t.Fatal(err)
		}
		if u.Email != "editor@example.org" || u.ID == "" || u.CreatedAt.IsZero() {
			t.Errorf("CreateUser = %+v", u)
		}
		if _, err := s.CreateUser(ctx, User{Email: "EDITOR@example.org", Role: "admin"}); !errors.Is(err, ErrDuplicate) {
			t.Errorf("duplicate e-mail: err = %v, want ErrDuplicate", err)
		}
		for name, get := range map[string]func() (User, error){
			"UserByEmail": func() (User, error) { return s.UserByEmail(ctx, "EDITOR@EXAMPLE.org") },
			"UserByID":    func() (User, error) { return s.UserByID(ctx, u.ID) },
		} {
			got, err := get()
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if diff := cmp.Diff(u, got, approxTime); diff != "" {
				t.Errorf("%s (-want +got):\n%s", name, diff)
			}
		}
		if _, err := s.UserByEmail(ctx, "nobody@example.org"); !errors.Is(err, ErrNotFound) {
			t.Errorf("UserByEmail unknown: err = %v, want ErrNotFound", err)
		}
		if _, err := s.UserByID(ctx, newID()); !errors.Is(err, ErrNotFound) {
			t.Errorf("UserByID unknown: err = %v, want ErrNotFound", err)
		}

		tok, err := s.CreateToken(ctx, Token{UserID: u.ID, Name: "cli", Hash: "hash-1"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateToken(ctx, Token{UserID: u.ID, Hash: "hash-1"}); !errors.Is(err, ErrDuplicate) {
			t.Errorf("duplicate token hash: err = %v, want ErrDuplicate", err)
		}
		if _, err := s.CreateToken(ctx, Token{UserID: newID(), Hash: "hash-x"}); !errors.Is(err, ErrNotFound) {
			t.Errorf("token for unknown user: err = %v, want ErrNotFound", err)
		}
		gotU, gotT, err := s.UserByToken(ctx, "hash-1")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(u, gotU, approxTime); diff != "" {
			t.Errorf("UserByToken user (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(tok, gotT, approxTime); diff != "" {
			t.Errorf("UserByToken token (-want +got):\n%s", diff)
		}
		if err := s.TouchToken(ctx, tok, time.Now()); err != nil {
			t.Fatal(err)
		}
		if _, gotT, _ := s.UserByToken(ctx, "hash-1"); gotT.LastUsedAt.IsZero() {
			t.Error("TouchToken did not set LastUsedAt")
		}

		if err := s.RevokeToken(ctx, tok.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.UserByToken(ctx, "hash-1"); !errors.Is(err, ErrNotFound) {
			t.Errorf("revoked token: err = %v, want ErrNotFound", err)
		}
		if _, _, err := s.UserByToken(ctx, "no-such-hash"); !errors.Is(err, ErrNotFound) {
			t.Errorf("unknown token: err = %v, want ErrNotFound", err)
		}

		off, err := s.CreateUser(ctx, User{Email: "gone@example.org", Role: "staff", Disabled: true})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateToken(ctx, Token{UserID: off.ID, Hash: "hash-2"}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.UserByToken(ctx, "hash-2"); !errors.Is(err, ErrNotFound) {
			t.Errorf("disabled user's token: err = %v, want ErrNotFound", err)
		}
	})
}
