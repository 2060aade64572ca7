package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestKeys_CreateListRotateRevoke(t *testing.T) {
	tc := newTestCatalog(t, "free")
	r := tc.dxp(t, "keys", "create", "github-actions", "--expires-in", "720h").must(t)
	key := strings.TrimSpace(r.stdout)
	if !strings.HasPrefix(key, "dxp_") || len(key) != 42 || !strings.Contains(r.stderr, "role member") {
		t.Fatalf("keys create printed %q (stderr %q); want the key alone on stdout", r.stdout, r.stderr)
	}
	// The new key works, as a member: it reads and writes pipelines but not keys.
	runDXP(t, tc.env(key), "", "pipelines", "apply", "-f", "../../examples/orders.yaml").must(t)
	if r := runDXP(t, tc.env(key), "", "keys", "list"); r.err == nil {
		t.Fatalf("a member listed keys")
	}

	r = tc.dxp(t, "keys", "list", "--output", "json").must(t)
	var keys []struct{ ID, Name, Role, Prefix, Key string }
	if err := json.Unmarshal([]byte(r.stdout), &keys); err != nil || len(keys) != 2 {
		t.Fatalf("keys list: %v %s", err, r.stdout)
	}
	var id string
	for _, k := range keys {
		if k.Key != "" {
			t.Fatalf("keys list shows a key: %+v", k)
		}
		if k.Name == "github-actions" {
			id = k.ID
		}
	}
	r = tc.dxp(t, "keys", "list").must(t)
	if !strings.Contains(r.stdout, "github-actions") || !strings.Contains(r.stdout, key[:12]) {
		t.Fatalf("keys list table:\n%s", r.stdout)
	}

	r = tc.dxp(t, "keys", "rotate", id, "--grace", "1h").must(t)
	rotated := strings.TrimSpace(r.stdout)
	if !strings.HasPrefix(rotated, "dxp_") || rotated == key || !strings.Contains(r.stderr, "the old key works until") {
		t.Fatalf("keys rotate: %q %q", r.stdout, r.stderr)
	}
	runDXP(t, tc.env(key), "", "pipelines", "list").must(t) // still in its grace period
	runDXP(t, tc.env(rotated), "", "pipelines", "list").must(t)

	var newID string
	r = tc.dxp(t, "keys", "list", "--output", "json").must(t)
	json.Unmarshal([]byte(r.stdout), &keys)
	for _, k := range keys {
		if k.Prefix == rotated[:12] {
			newID = k.ID
		}
	}
	r = tc.dxp(t, "keys", "revoke", newID).must(t)
	if r.stdout != "Revoked "+newID+".\n" {
		t.Fatalf("keys revoke printed %q", r.stdout)
	}
	r = runDXP(t, tc.env(rotated), "", "pipelines", "list")
	if r.err == nil || !strings.Contains(strings.ToLower(r.err.Error()), "key") {
		t.Fatalf("a revoked key: err = %v, want the API's detail", r.err)
	}
}

func TestKeys_ValidationErrorsShowEveryField(t *testing.T) {
	tc := newTestCatalog(t, "free")
	r := tc.dxp(t, "keys", "create", "x", "--role", "owner")
	if r.err == nil {
		t.Fatal("keys create --role owner succeeded")
	}
	if _, usage := r.err.(usageError); usage {
		t.Fatalf("the API's 422 is a failure, not a usage error: %v", r.err)
	}
	lines := strings.Split(r.err.Error(), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], "1 problem") || lines[1] != "  role: role must be admin, member or viewer." {
		t.Fatalf("error = %q, want the detail then the errors list", r.err.Error())
	}
}
