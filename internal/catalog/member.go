package catalog

import (
	"context"
	"regexp"
	"strings"
	"time"
)

// User is a person who signs in with OIDC, keyed by (Issuer, Subject).
type User struct {
	ID            string
	Issuer        string
	Subject       string
	Email         string
	Name          string
	EmailVerified bool
}

// Member is a person's place in an organization: invited by email, bound to
// a user at their first sign-in with that (verified) email.
type Member struct {
	OrgID     string
	ID        string
	Email     string
	UserID    string // "" until the invitation is bound
	Subject   string // the bound user's sub, for display
	Role      Role
	CreatedAt time.Time
	CreatedBy string
}

// Membership is one organization a user may act in.
type Membership struct {
	Org      *Org
	MemberID string
	Role     Role
}

var emailPattern = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)

// NormalizeEmail lower-cases an address so invitations match sign-ins.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// ValidEmail reports whether s looks like an email address.
func ValidEmail(s string) bool { return len(s) <= 254 && emailPattern.MatchString(s) }

// MemberService manages the caller's organization's members. Owners are
// protected: only an owner may grant, change or remove the owner role, and
// the last owner can be neither removed nor demoted (ECONFLICT).
type MemberService interface {
	// ListMembers lists members by email.
	ListMembers(ctx context.Context, page Page) ([]*Member, string, error)
	// AddMember invites email with role, audited as member.added.
	// ECONFLICT if the email is already a member; EFORBIDDEN for owner by a non-owner.
	AddMember(ctx context.Context, email string, role Role) (*Member, error)
	// UpdateMemberRole changes a role, audited as member.role_changed.
	// ENOTFOUND, EFORBIDDEN, ECONFLICT (last owner).
	UpdateMemberRole(ctx context.Context, id string, role Role) (*Member, error)
	// RemoveMember removes a member, audited as member.removed.
	// ENOTFOUND, EFORBIDDEN, ECONFLICT (last owner).
	RemoveMember(ctx context.Context, id string) error
}

// PeopleService is the platform path for people: it resolves a verified
// identity to a user and the organizations they belong to, across tenants.
type PeopleService interface {
	// SignIn records the user (creating it on first sign-in), binds pending
	// invitations to a verified email, and returns the user's memberships.
	SignIn(ctx context.Context, u *User) ([]Membership, error)
	// Signup creates org on the Free plan with the user as its owner.
	// ECONFLICT if the slug is taken; EINVALID for bad fields.
	Signup(ctx context.Context, u *User, org *Org) error
}
