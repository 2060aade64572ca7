package catalog

import (
	"context"
	"time"
)

// Session is a person signed in to the web UI. The browser holds a random
// id; the store keeps only its SHA-256, so a leaked database row cannot be
// replayed as a cookie.
type Session struct {
	UserID string
	OrgID  string // the organization the person acts in; "" before they pick or create one
	// EmailVerified records whether the issuer verified the user's email at
	// sign-in; an unverified email proves nothing (platform admins).
	EmailVerified bool
	CreatedAt     time.Time
	SeenAt        time.Time // last request, for the idle lifetime
	ExpiresAt     time.Time // absolute end, however active the session is
}

// SessionService stores web sessions. It is a platform path: a session is
// resolved before any organization is known, like an API key.
type SessionService interface {
	// CreateSession stores s under hash.
	CreateSession(ctx context.Context, hash string, s *Session) error
	// FindSession returns the session under hash with its user and the user's
	// memberships, and marks it seen. ENOTFOUND when there is none, when it
	// passed ExpiresAt, or when it was not seen within idle.
	FindSession(ctx context.Context, hash string, idle time.Duration) (*Session, *User, []Membership, error)
	// SetSessionOrg changes the organization a session acts in. ENOTFOUND.
	SetSessionOrg(ctx context.Context, hash, orgID string) error
	// DeleteSession ends one session; ending an unknown one is no error.
	DeleteSession(ctx context.Context, hash string) error
	// DeleteUserSessions ends every session of a user.
	DeleteUserSessions(ctx context.Context, userID string) error
}
