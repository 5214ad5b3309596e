package server

import (
	"slices"

	"github.com/storydesk/storydesk/internal/store"
)

// role is an account's role, as store.User.Role holds it.
type role string

// The roles an account can have.
const (
	roleEditor role = "editor" // reads, edits, decides on and publishes submissions
	roleStaff  role = "staff"  // an editor who also exports
	roleAdmin  role = "admin"  // staff who also manage accounts and settings
	// roleTranslator reads the queue and the pieces and writes their
	// translations; it never edits the original, decides, publishes, sees
	// contact details or exports.
	roleTranslator role = "translator"
)

// roleSet is who may use a route or be given a piece of work.
type roleSet []role

// The role sets the route table guards with.
var (
	deskRoles   = roleSet{roleEditor, roleStaff, roleAdmin, roleTranslator} // every account: reading the desk, translations, one's own account page
	editorRoles = roleSet{roleEditor, roleStaff, roleAdmin}                 // the editors' work: edits, notes, messages, decisions, publishing
	staffRoles  = roleSet{roleStaff, roleAdmin}                             // exports
	adminRoles  = roleSet{roleAdmin}                                        // accounts and instance settings
)

// allows reports whether u has one of the roles in s.
func (s roleSet) allows(u store.User) bool { return s.has(role(u.Role)) }

// has reports whether r is one of the roles in s.
func (s roleSet) has(r role) bool { return slices.Contains(s, r) }

// names returns the roles as the store writes them.
func (s roleSet) names() []string {
	out := make([]string, len(s))
	for i, r := range s {
		out[i] = string(r)
	}
	return out
}
