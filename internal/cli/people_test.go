package cli

import (
	"strings"
	"testing"
)

func TestOrgShow(t *testing.T) {
	tc := newTestCatalog(t, "free")
	tc.dxp(t, "pipelines", "apply", "-f", "../../examples/orders.yaml").must(t)
	r := tc.dxp(t, "org", "show").must(t)
	for _, want := range []string{"Organization:  Acme Corp (acme-corp, org_", "Plan:          free\n", "Pipelines:     1 of 3\n",
		"Connections:   0 of 2\n", "Requests:      100 a minute\n"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("org show lacks %q:\n%s", want, r.stdout)
		}
	}
	org := decodeJSON[struct {
		Plan  string
		Usage struct{ Pipelines int }
	}](t, tc.dxp(t, "org", "show", "--output", "json").must(t))
	if org.Plan != "free" || org.Usage.Pipelines != 1 {
		t.Fatalf("org show --output json: %+v", org)
	}
	business := newTestCatalog(t, "business")
	if r := business.dxp(t, "org", "show").must(t); !strings.Contains(r.stdout, "Pipelines:     0 (unlimited)\n") {
		t.Fatalf("business org show:\n%s", r.stdout)
	}
}

func TestMembersAndAudit(t *testing.T) {
	tc := newTestCatalog(t, "free")
	r := tc.dxp(t, "members", "invite", "Ana@Acme.com", "--role", "admin").must(t)
	ana := strings.TrimSpace(r.stdout)
	if !strings.HasPrefix(ana, "mem_") || !strings.Contains(r.stderr, "Invited ana@acme.com as admin.") {
		t.Fatalf("invite printed %q / %q", r.stdout, r.stderr)
	}
	tc.dxp(t, "members", "invite", "ben@acme.com").must(t)
	r = tc.dxp(t, "members", "list").must(t)
	if !strings.Contains(r.stdout, ana+"  ana@acme.com  admin   no ") || !strings.Contains(r.stdout, "ben@acme.com  member  no ") {
		t.Fatalf("members list:\n%s", r.stdout)
	}
	if r := tc.dxp(t, "members", "invite", "not-an-address"); r.err == nil || !strings.Contains(r.err.Error(), "email") {
		t.Fatalf("invite of a bad address: %v", r.err)
	}
	if r := tc.dxp(t, "members", "remove", ana).must(t); r.stdout != "Removed "+ana+".\n" {
		t.Fatalf("remove printed %q", r.stdout)
	}
	ms := decodeJSON[[]struct{ Email string }](t, tc.dxp(t, "members", "list", "--output", "json").must(t))
	if len(ms) != 1 || ms[0].Email != "ben@acme.com" {
		t.Fatalf("members after remove: %+v", ms)
	}

	r = tc.dxp(t, "audit", "list", "--since", "1h").must(t)
	if !strings.HasPrefix(r.stdout, "TIME ") || !strings.Contains(r.stdout, "member.removed") || !strings.Contains(r.stdout, "member.added") {
		t.Fatalf("audit list:\n%s", r.stdout)
	}
	events := decodeJSON[[]struct {
		Action string
		Actor  struct{ Type string }
	}](t, tc.dxp(t, "audit", "list", "--action", "member.added", "--output", "json").must(t))
	if len(events) != 2 || events[0].Action != "member.added" || events[0].Actor.Type != "api_key" {
		t.Fatalf("audit list --action: %+v", events)
	}
	if r := tc.dxp(t, "audit", "list", "--limit", "1", "--output", "json").must(t); len(decodeJSON[[]any](t, r)) != 1 {
		t.Fatal("audit list --limit 1")
	}
	// The audit log and the members are for admins.
	member := strings.TrimSpace(tc.dxp(t, "keys", "create", "ci").must(t).stdout)
	for _, args := range [][]string{{"audit", "list"}, {"members", "list"}} {
		if r := runDXP(t, tc.env(member), "", args...); r.err == nil || !strings.Contains(strings.ToLower(r.err.Error()), "admin") {
			t.Errorf("dxp %v as a member: %v", args, r.err)
		}
	}
}
