package api_test

import (
	"strings"
	"testing"

	"github.com/dataxpipe/catalog/internal/catalog"
)

func TestPeople_SignupInviteBindAndOwnerRules(t *testing.T) {
	e := sqliteEnv(t)
	e.enablePeople()
	ana := e.token("sub-ana", "Ana@Acme.com")
	// Before signup Ana has no organization: org routes are 404.
	e.asPerson("GET", "/api/v1/organizations/me", ana, "", "").expect(404)
	org := e.asPerson("POST", "/api/v1/organizations/", ana, "", `{"slug":"acme","name":"Acme"}`).expect(201).json()
	if org["plan"] != "free" {
		t.Fatalf("signup org = %v", org)
	}
	e.asPerson("POST", "/api/v1/organizations/", ana, "", `{"slug":"acme","name":"Again"}`).expect(409)
	e.do("POST", "/api/v1/organizations/", "admin-key", `{"slug":"keyorg","name":"K"}`).expect(403) // keys cannot sign up
	me := e.asPerson("GET", "/api/v1/organizations/me", ana, "", "").expect(200).json()
	if me["slug"] != "acme" {
		t.Fatalf("me = %v", me)
	}
	// Ana (owner) invites Bob; Bob binds at first sign-in with that verified email.
	inv := e.asPerson("POST", "/api/v1/members/", ana, "", `{"email":"bob@acme.com","role":"admin"}`).expect(201).json()
	if inv["subject"] != nil {
		t.Fatalf("invitation bound before sign-in: %v", inv)
	}
	unverified := e.tokenWith(map[string]any{"sub": "sub-bob", "email": "bob@acme.com", "email_verified": false})
	e.asPerson("GET", "/api/v1/organizations/me", unverified, "", "").expect(404)
	e.clock.Advance(6e9) // past the sign-in cache
	bob := e.token("sub-bob", "bob@acme.com")
	e.asPerson("GET", "/api/v1/organizations/me", bob, "", "").expect(200)
	members := e.asPerson("GET", "/api/v1/members/", bob, "", "").expect(200).json()["items"].([]any)
	if len(members) != 2 || members[1].(map[string]any)["subject"] != "sub-bob" {
		t.Fatalf("members = %v", members)
	}
	anaID := members[0].(map[string]any)["id"].(string)
	bobID := members[1].(map[string]any)["id"].(string)
	// Owner rules: an admin cannot touch the owner; the last owner stays.
	e.asPerson("DELETE", "/api/v1/members/"+anaID, bob, "", "").expect(403)
	e.asPerson("PATCH", "/api/v1/members/"+bobID, bob, "", `{"role":"owner"}`).expect(403)
	if d := e.asPerson("PATCH", "/api/v1/members/"+anaID, ana, "", `{"role":"admin"}`).expect(409).json()["detail"].(string); !strings.Contains(d, "last owner") {
		t.Fatalf("409 detail = %q", d)
	}
	e.asPerson("DELETE", "/api/v1/members/"+anaID, ana, "", "").expect(409)
	e.asPerson("PATCH", "/api/v1/members/"+bobID, ana, "", `{"role":"owner"}`).expect(200)
	e.asPerson("PATCH", "/api/v1/members/"+anaID, bob, "", `{"role":"viewer"}`).expect(200) // two owners now: allowed
	e.asPerson("POST", "/api/v1/api-keys/", ana, "", `{"name":"x"}`).expect(403)            // viewers manage no keys
	e.asPerson("DELETE", "/api/v1/members/"+anaID, bob, "", "").expect(204)
	e.asPerson("GET", "/api/v1/organizations/me", ana, "", "").expect(404) // removed: no longer a member
	audit := e.asPerson("GET", "/api/v1/audit-events/", bob, "", "").expect(200).Body.String()
	for _, action := range []string{"member.added", "member.role_changed", "member.removed", "organization.created"} {
		if !strings.Contains(audit, action) {
			t.Errorf("audit lacks %s", action)
		}
	}
	if !strings.Contains(audit, `"type":"user"`) {
		t.Errorf("audit does not record a person as actor: %s", audit)
	}
}

func TestPeople_OrganizationChoiceAndCrossOrg(t *testing.T) {
	e := sqliteEnv(t)
	e.enablePeople("root@platform.io")
	_, adminA := e.newOrg("org-a", catalog.PlanFree)
	_, adminB := e.newOrg("org-b", catalog.PlanFree)
	e.do("POST", "/api/v1/pipelines/", adminB, pipelineJSON("secret_b", "1")).expect(201)
	cy := e.person(t, adminA, "sub-cy", "cy@x.io", catalog.RoleMember)
	// Cy is cached as a member of org-a only; the invitation to org-b drops
	// that entry, so the sign-in in person binds it without waiting out
	// the cache.
	e.person(t, adminB, "sub-cy", "cy@x.io", catalog.RoleViewer)
	e.asPerson("GET", "/api/v1/pipelines/", cy, "", "").expect(400) // two organizations, none named
	e.asPerson("POST", "/api/v1/pipelines/", cy, "org-a", pipelineJSON("mine", "1")).expect(201)
	e.asPerson("POST", "/api/v1/pipelines/", cy, "org-b", pipelineJSON("nope", "1")).expect(403) // a viewer there
	e.asPerson("GET", "/api/v1/pipelines/secret_b", cy, "org-a", "").expect(404)
	e.asPerson("GET", "/api/v1/pipelines/secret_b", cy, "org-b", "").expect(200)
	e.asPerson("GET", "/api/v1/pipelines/", cy, "org-c", "").expect(404) // not a member: 404, never 403
	// A token claim never grants membership or admin by itself.
	forged := e.tokenWith(map[string]any{"sub": "sub-dan", "email": "dan@x.io", "email_verified": true,
		"org": "org-a", "role": "admin", "groups": []string{"org-a"}})
	e.asPerson("GET", "/api/v1/pipelines/", forged, "org-a", "").expect(404)
	e.asPerson("GET", "/api/v1/admin/organizations/", forged, "", "").expect(403)
	root := e.token("sub-root", "root@platform.io")
	e.asPerson("GET", "/api/v1/admin/organizations/", root, "", "").expect(200)
	e.asPerson("GET", "/api/v1/pipelines/", "not-a-jwt.abc.def", "", "").expect(401)
}
