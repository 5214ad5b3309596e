package e2e_test

import (
	"context"
	"testing"
	"time"

	"github.com/storydesk/storydesk/internal/store"
	"github.com/storydesk/storydesk/workers"
)

// TestPurgeExpired: the periodic job deletes expired sessions, pending
// logins and invitations, leaves live ones, and a second run finds nothing.
// (TestEveryJobHasAHandler checks the job table routes it.)
func TestPurgeExpired(t *testing.T) {
	t.Parallel()
	for _, db := range dbs() {
		t.Run(db, func(t *testing.T) {
			t.Parallel()
			b := setup(t, options{db: db})
			ctx := context.Background()
			st := b.app.Store
			_, admin := b.adminToken()
			u := b.acctUser("purge@example.org", "editor", "")
			past, future := time.Now().Add(-time.Minute), time.Now().Add(time.Hour)
			for i, exp := range []time.Time{past, future} {
				id := []string{"expired", "live"}[i]
				if err := st.CreateSession(ctx, store.Session{IDHash: "s-" + id, UserID: u.ID, CreatedAt: past, LastSeenAt: past, ExpiresAt: exp}); err != nil {
					t.Fatal(err)
				}
				if err := st.CreatePendingLogin(ctx, store.PendingLogin{IDHash: "p-" + id, UserID: u.ID, Stage: store.PendingTOTP, ExpiresAt: exp}); err != nil {
					t.Fatal(err)
				}
				invited := store.User{Email: id + "-invited@example.org", Name: "Invited", Role: "editor"}
				if _, err := st.CreateUserWithInvite(ctx, admin, invited, store.Invite{TokenHash: "i-" + id, CreatedBy: admin.ID, ExpiresAt: exp}); err != nil {
					t.Fatal(err)
				}
			}
			job := workers.NewPurgeExpired(st, b.app.Log)
			if err := job.ProcessTask(ctx, nil); err != nil {
				t.Fatal(err)
			}
			sql := b.openDB()
			for _, table := range []string{"sessions", "login_pending", "invites"} {
				col := "id_hash"
				if table == "invites" {
					col = "token_hash"
				}
				rows, err := sql.QueryContext(ctx, `SELECT `+col+` FROM `+table+` WHERE `+col+` LIKE '%-expired' OR `+col+` LIKE '%-live'`)
				if err != nil {
					t.Fatal(err)
				}
				var left []string
				for rows.Next() {
					var s string
					rows.Scan(&s)
					left = append(left, s)
				}
				rows.Close()
				if len(left) != 1 || left[0][2:] != "live" {
					t.Errorf("%s after the purge: %v, want only the live row", table, left)
				}
			}
			if n, err := st.DeleteExpired(ctx); err != nil || n != (store.Expired{}) {
				t.Errorf("second run: %+v %v, want nothing left to delete", n, err)
			}
		})
	}
}
