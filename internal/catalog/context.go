package catalog

import "context"

// Principal is who a request acts as, resolved by authentication. It never
// comes from a request body: the credential alone decides the organization.
type Principal struct {
	OrgID   string
	OrgSlug string
	Plan    string
	Role    Role
	// Exactly one of KeyID and UserID is set for an authenticated caller.
	KeyID     string
	UserID    string
	UserEmail string // a person's email, for signup
	// OrgProblem says why a person has no organization for this request
	// (not a member: ENOTFOUND; several and none named: EMALFORMED).
	OrgProblem error
	// PlatformAdmin may use the admin API (create organizations, change plans).
	PlatformAdmin bool
	// IP and RequestID are recorded in audit events.
	IP        string
	RequestID string
}

// Actor is how an audit event names who did something.
func (p *Principal) Actor() Actor {
	switch {
	case p == nil:
		return Actor{Type: "system", ID: "system"}
	case p.UserID != "":
		return Actor{Type: "user", ID: p.UserID}
	case p.KeyID != "":
		return Actor{Type: "api_key", ID: p.KeyID}
	default:
		return Actor{Type: "system", ID: "system"}
	}
}

type principalKey struct{}

// NewContextWithPrincipal returns ctx carrying p.
func NewContextWithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFromContext returns the principal of ctx, or nil.
func PrincipalFromContext(ctx context.Context) *Principal {
	p, _ := ctx.Value(principalKey{}).(*Principal)
	return p
}

// OrgIDFromContext returns the organization the request acts in, or "".
func OrgIDFromContext(ctx context.Context) string {
	if p := PrincipalFromContext(ctx); p != nil {
		return p.OrgID
	}
	return ""
}
