package auth

import "github.com/dataxpipe/catalog/internal/catalog"

// Scaffold keys exist only in development: fixed keys for the `dev`
// organization, so a fresh checkout can be tried with curl at once.
type scaffoldKey struct {
	role     catalog.Role
	platform bool
}

var scaffoldKeys = map[string]scaffoldKey{
	"platform-key": {role: catalog.RoleAdmin, platform: true},
	"admin-key":    {role: catalog.RoleAdmin},
	"dev-key":      {role: catalog.RoleMember},
}

// EnableScaffold turns the scaffold keys on for devOrg. Never called in
// production, where the keys are ordinary unknown keys.
func (a *Authenticator) EnableScaffold(devOrg *catalog.Org) {
	a.devOrg = devOrg
	a.scaffold = scaffoldKeys
}

// scaffoldPrincipal matches key against every scaffold key in constant time
// (all three are always compared, so timing says nothing about which).
func (a *Authenticator) scaffoldPrincipal(key string) (*catalog.Principal, bool) {
	if a.scaffold == nil {
		return nil, false
	}
	var found string
	for k := range a.scaffold {
		if equal(k, key) {
			found = k
		}
	}
	if found == "" {
		return nil, false
	}
	s := a.scaffold[found]
	return &catalog.Principal{OrgID: a.devOrg.ID, OrgSlug: a.devOrg.Slug, Plan: a.devOrg.Plan, Role: s.role,
		KeyID: "scaffold:" + found, PlatformAdmin: s.platform}, true
}
