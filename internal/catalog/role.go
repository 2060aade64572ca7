package catalog

// Role is what a key or a member may do in its organization. Roles are
// ordered: each one may do everything the ones below it may.
type Role string

// The roles, lowest first. Owner is for people only.
const (
	RoleViewer Role = "viewer"
	RoleMember Role = "member"
	RoleAdmin  Role = "admin"
	RoleOwner  Role = "owner"
)

var roleRank = map[Role]int{RoleViewer: 1, RoleMember: 2, RoleAdmin: 3, RoleOwner: 4}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return roleRank[r] > 0 }

// ValidForKey reports whether an API key may carry r (owner is for people).
func (r Role) ValidForKey() bool { return r == RoleViewer || r == RoleMember || r == RoleAdmin }

// Allows reports whether r is at least need.
func (r Role) Allows(need Role) bool { return roleRank[r] > 0 && roleRank[r] >= roleRank[need] }
