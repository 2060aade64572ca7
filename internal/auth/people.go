package auth

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

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
}

// EnablePeople lets OIDC tokens authenticate people. platformAdmins lists
// the sub or (verified) email values of platform admins.
func (a *Authenticator) EnablePeople(v TokenVerifier, store PeopleStore, platformAdmins []string) {
	a.people = &people{verifier: v, store: store, admins: platformAdmins}
}

// PeopleEnabled reports whether OIDC sign-in is configured.
func (a *Authenticator) PeopleEnabled() bool { return a.people != nil }

// Credential is what a request presents, as read from its headers.
type Credential struct {
	APIKey string // X-API-KEY
	Bearer string // the token of Authorization: Bearer
	Org    string // X-DXP-Organization: which of a person's organizations
}

// Authenticate resolves a request's credential: an API key in APIKey or as
// the bearer token, or a person's OIDC token as the bearer token. Every
// refusal is ErrUnauthenticated, so the caller learns nothing about why. A
// person outside any (or any one) organization is still a principal, with
// OrgProblem saying why it has no organization.
func (a *Authenticator) Authenticate(ctx context.Context, c Credential) (*catalog.Principal, error) {
	switch {
	case c.APIKey == "" && c.Bearer != "" && oidc.LooksLikeJWT(c.Bearer):
		p, orgErr, err := a.Person(ctx, c.Bearer, c.Org)
		if p != nil {
			p.OrgProblem = orgErr
		}
		return p, err
	case c.APIKey == "" && c.Bearer == "":
		return nil, ErrUnauthenticated
	case c.APIKey == "":
		return a.APIKey(ctx, c.Bearer)
	default:
		return a.APIKey(ctx, c.APIKey)
	}
}

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
	c, cached, err := a.person(ctx, id, true)
	if err != nil {
		return nil, nil, err
	}
	m, orgErr := pickMembership(c.memberships, orgSlug)
	if cached && catalog.ErrorCode(orgErr) == catalog.ENOTFOUND {
		// A refusal is never answered from the cache: the person may have
		// been invited since, on another replica too, whose Invalidate this
		// instance never saw, and an invitation takes effect on their next
		// request. Only the accepting answer is reused for CacheTTL.
		if c, _, err = a.person(ctx, id, false); err != nil {
			return nil, nil, err
		}
		m, orgErr = pickMembership(c.memberships, orgSlug)
	}
	p = &catalog.Principal{UserID: c.user.ID, UserEmail: c.user.Email, PlatformAdmin: a.people.isAdmin(id)}
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

// person signs the identity in, at most once per CacheTTL per person (by
// issuer and subject, and only while the token's email is the one signed
// in: a changed address may bind other invitations).
// With reuse false it signs in anew. cached reports an answer from the cache.
func (a *Authenticator) person(ctx context.Context, id oidc.Identity, reuse bool) (c cachedPerson, cached bool, err error) {
	key := id.Issuer + "\x00" + id.Subject
	now := a.Now()
	if c, ok := a.cache.people.Get(key); reuse && ok && fresh(c.fetched, now) && c.user.Email == catalog.NormalizeEmail(id.Email) {
		return c, true, nil
	}
	c, err = fill(a.cache, a.cache.people, key, func() (cachedPerson, error) {
		u := &catalog.User{Issuer: id.Issuer, Subject: id.Subject, Email: id.Email, Name: id.Name, EmailVerified: id.EmailVerified}
		ms, err := a.people.store.SignIn(ctx, u)
		if err != nil {
			return cachedPerson{}, fmt.Errorf("sign in: %w", err)
		}
		return cachedPerson{user: u, memberships: ms, fetched: now}, nil
	})
	return c, false, err
}

// isAdmin matches DATAXPIPE_PLATFORM_ADMINS by sub, or by email when the
// issuer has verified it (an unverified email proves nothing).
func (pp *people) isAdmin(id oidc.Identity) bool {
	return slices.Contains(pp.admins, id.Subject) ||
		(id.EmailVerified && id.Email != "" && slices.ContainsFunc(pp.admins, func(s string) bool { return strings.EqualFold(s, id.Email) }))
}
