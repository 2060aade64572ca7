package auth

import (
	"context"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
)

// CredentialWrites are the store's writes that change what a cached
// credential may do: a key revoked or given an end, a plan changed, a
// membership added, changed or removed, an organization signed up.
type CredentialWrites interface {
	RevokeAPIKey(ctx context.Context, id string) (*catalog.APIKey, error)
	RotateAPIKey(ctx context.Context, id string, next *catalog.APIKey, grace time.Duration) (*catalog.APIKey, error)
	UpdateOrg(ctx context.Context, slug string, upd catalog.OrgUpdate) (*catalog.Org, error)
	AddMember(ctx context.Context, email string, role catalog.Role) (*catalog.Member, error)
	UpdateMemberRole(ctx context.Context, id string, role catalog.Role) (*catalog.Member, error)
	RemoveMember(ctx context.Context, id string) error
	Signup(ctx context.Context, u *catalog.User, org *catalog.Org) error
}

// Watch returns w with every successful write followed by Invalidate of
// what it changed. Whoever writes through it (the API, the UI) needs no
// eviction of its own, so no handler can forget one. The writes act on the
// caller's organization (from ctx) except UpdateOrg and Signup, which say
// which organization or person they changed.
func (a *Authenticator) Watch(w CredentialWrites) CredentialWrites { return watched{w, a} }

type watched struct {
	w CredentialWrites
	a *Authenticator
}

func callerOrg(ctx context.Context) Change { return Change{OrgID: catalog.OrgIDFromContext(ctx)} }

func (s watched) RevokeAPIKey(ctx context.Context, id string) (*catalog.APIKey, error) {
	k, err := s.w.RevokeAPIKey(ctx, id)
	if err == nil {
		s.a.Invalidate(callerOrg(ctx))
	}
	return k, err
}

// RotateAPIKey invalidates because a cached entry of the old key does not
// know the end of its grace period yet.
func (s watched) RotateAPIKey(ctx context.Context, id string, next *catalog.APIKey, grace time.Duration) (*catalog.APIKey, error) {
	k, err := s.w.RotateAPIKey(ctx, id, next, grace)
	if err == nil {
		s.a.Invalidate(callerOrg(ctx))
	}
	return k, err
}

func (s watched) UpdateOrg(ctx context.Context, slug string, upd catalog.OrgUpdate) (*catalog.Org, error) {
	o, err := s.w.UpdateOrg(ctx, slug, upd)
	if err == nil {
		s.a.Invalidate(Change{OrgID: o.ID})
	}
	return o, err
}

func (s watched) AddMember(ctx context.Context, email string, role catalog.Role) (*catalog.Member, error) {
	m, err := s.w.AddMember(ctx, email, role)
	if err == nil {
		s.a.Invalidate(Change{OrgID: m.OrgID, Email: m.Email})
	}
	return m, err
}

func (s watched) UpdateMemberRole(ctx context.Context, id string, role catalog.Role) (*catalog.Member, error) {
	m, err := s.w.UpdateMemberRole(ctx, id, role)
	if err == nil {
		s.a.Invalidate(Change{OrgID: m.OrgID})
	}
	return m, err
}

func (s watched) RemoveMember(ctx context.Context, id string) error {
	err := s.w.RemoveMember(ctx, id)
	if err == nil {
		s.a.Invalidate(callerOrg(ctx))
	}
	return err
}

func (s watched) Signup(ctx context.Context, u *catalog.User, org *catalog.Org) error {
	err := s.w.Signup(ctx, u, org)
	if err == nil {
		s.a.Invalidate(Change{UserID: u.ID})
	}
	return err
}
