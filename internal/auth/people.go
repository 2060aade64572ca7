package auth

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/oidc"
)

// TokenVerifier checks an OIDC bearer token (internal/oidc.Verifier).
type TokenVerifier interface {
	Verify(ctx context.Context, rawJWT string) (oidc.Identity, error)
}

// PeopleStore resolves a verified person to a user and their memberships.
type PeopleStore interface {
	SignIn(ctx context.Context, u *catalog.User) ([]catalog.Membership, error)
}

// people is the state behind Person, set by EnablePeople.
type people struct {
	verifier TokenVerifier
	store    PeopleStore
	admins   []string // sub or email values of platform admins

	mu    sync.Mutex
	cache map[string]cachedPerson // by issuer + "\x00" + subject
}

type cachedPerson struct {
	user        *catalog.User
	memberships []catalog.Membership
	fetched     time.Time
}

// EnablePeople lets OIDC tokens authenticate people. platformAdmins lists
// the sub or (verified) email values of platform admins.
func (a *Authenticator) EnablePeople(v TokenVerifier, store PeopleStore, platformAdmins []string) {
	a.people = &people{verifier: v, store: store, admins: platformAdmins, cache: map[string]cachedPerson{}}
}

// PeopleEnabled reports whether OIDC sign-in is configured.
func (a *Authenticator) PeopleEnabled() bool { return a.people != nil }

// Person authenticates a JWT. The organization comes from our membership
// table only: orgSlug (X-DXP-Organization) picks one of the user's
// memberships, or the single one is implied. When none applies the
// principal has no organization and orgErr says why (404 for an org the
// user is not in, 400 when several are possible and none was named).
func (a *Authenticator) Person(ctx context.Context, rawJWT, orgSlug string) (p *catalog.Principal, orgErr, err error) {
	if a.people == nil {
		return nil, nil, ErrUnauthenticated
	}
	id, err := a.people.verifier.Verify(ctx, rawJWT)
	if errors.Is(err, oidc.ErrInvalidToken) {
		a.logger.InfoContext(ctx, "token refused", "reason", err.Error())
		return nil, nil, ErrUnauthenticated
	} else if err != nil {
		return nil, nil, err
	}
	c, err := a.person(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	p = &catalog.Principal{UserID: c.user.ID, UserEmail: c.user.Email, PlatformAdmin: a.people.isAdmin(id)}
	m, orgErr := pickMembership(c.memberships, orgSlug)
	if m != nil {
		p.OrgID, p.OrgSlug, p.Plan, p.Role = m.Org.ID, m.Org.Slug, m.Org.Plan, m.Role
	}
	return p, orgErr, nil
}

func pickMembership(ms []catalog.Membership, slug string) (*catalog.Membership, error) {
	for i := range ms {
		if slug != "" && ms[i].Org.Slug == slug {
			return &ms[i], nil
		}
	}
	switch {
	case slug != "":
		return nil, catalog.Errorf(catalog.ENOTFOUND, "You are not a member of an organization %q.", slug)
	case len(ms) == 1:
		return &ms[0], nil
	case len(ms) == 0:
		return nil, catalog.Errorf(catalog.ENOTFOUND, "You are not a member of any organization yet; sign up one with POST /api/v1/organizations/ or ask an admin to invite you.")
	default:
		slugs := make([]string, len(ms))
		for i, m := range ms {
			slugs[i] = m.Org.Slug
		}
		return nil, catalog.Errorf(catalog.EMALFORMED, "You belong to several organizations; name one with the X-DXP-Organization header (%s).", strings.Join(slugs, ", "))
	}
}

// person signs the identity in, at most once per CacheTTL per person.
func (a *Authenticator) person(ctx context.Context, id oidc.Identity) (cachedPerson, error) {
	key := id.Issuer + "\x00" + id.Subject
	now := a.Now()
	pp := a.people
	pp.mu.Lock()
	c, ok := pp.cache[key]
	pp.mu.Unlock()
	if ok && now.Sub(c.fetched) < CacheTTL && c.user.Email == catalog.NormalizeEmail(id.Email) {
		return c, nil
	}
	u := &catalog.User{Issuer: id.Issuer, Subject: id.Subject, Email: id.Email, Name: id.Name, EmailVerified: id.EmailVerified}
	ms, err := pp.store.SignIn(ctx, u)
	if err != nil {
		return cachedPerson{}, fmt.Errorf("sign in: %w", err)
	}
	c = cachedPerson{user: u, memberships: ms, fetched: now}
	pp.mu.Lock()
	if len(pp.cache) > 10000 {
		clear(pp.cache)
	}
	pp.cache[key] = c
	pp.mu.Unlock()
	return c, nil
}

// isAdmin matches DATAXPIPE_PLATFORM_ADMINS by sub, or by email when the
// issuer has verified it (an unverified email proves nothing).
func (pp *people) isAdmin(id oidc.Identity) bool {
	return slices.Contains(pp.admins, id.Subject) ||
		(id.EmailVerified && id.Email != "" && slices.ContainsFunc(pp.admins, func(s string) bool { return strings.EqualFold(s, id.Email) }))
}

// forgetPeopleIn drops cached people with a membership in orgID.
func (pp *people) forgetIn(orgID string) {
	pp.mu.Lock()
	defer pp.mu.Unlock()
	for k, c := range pp.cache {
		if c.memberships == nil || slices.ContainsFunc(c.memberships, func(m catalog.Membership) bool { return m.Org.ID == orgID }) {
			delete(pp.cache, k)
		}
	}
}

// ForgetUser drops a person's cached memberships (after signup).
func (a *Authenticator) ForgetUser(userID string) {
	if a.people == nil {
		return
	}
	a.people.mu.Lock()
	defer a.people.mu.Unlock()
	for k, c := range a.people.cache {
		if c.user.ID == userID {
			delete(a.people.cache, k)
		}
	}
}
