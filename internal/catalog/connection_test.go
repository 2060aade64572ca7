package catalog_test

import (
	"encoding/json"
	"testing"

	"github.com/dataxpipe/catalog/internal/catalog"
)

func TestIsSecretKey(t *testing.T) {
	cases := map[string]bool{
		"password": true, "PASSWORD": true, "db_password": true, "private_key": true, "token": true,
		"credentials_json": true, "client_secret": true, "secret": true, "secret_access_key": true,
		"access_token": true, "auth_token": true, "ssh_private_key": true, "api_key": true,
		// References to a secret store, and ordinary settings.
		"password_secret": false, "snowflake_secret": false, "token_secret": false,
		"host": false, "user": false, "token_uri": false, "primary_key": false, "private_key_path_secret": false,
	}
	for key, want := range cases {
		if got := catalog.IsSecretKey(key); got != want {
			t.Errorf("IsSecretKey(%q) = %v, want %v", key, got, want)
		}
	}
}

func TestMaskSecrets_NestedAndReferences(t *testing.T) {
	config := map[string]any{
		"host": "h", "password": "p", "password_secret": "vault/x", "empty_password": nil,
		"credentials_json": map[string]any{"type": "service_account", "private_key": "k"},
		"auth":             map[string]any{"token": "t", "user": "u"},
		"hosts":            []any{map[string]any{"password": "p2"}, "plain", []any{map[string]any{"api_key": "k2"}}},
		"vault_secret":     map[string]any{"password": "stays as given"},
	}
	got, _ := json.Marshal(catalog.MaskSecrets(config))
	want := `{"auth":{"token":"********","user":"u"},"credentials_json":"********","empty_password":null,` +
		`"host":"h","hosts":[{"password":"********"},"plain",[{"api_key":"********"}]],"password":"********",` +
		`"password_secret":"vault/x","vault_secret":{"password":"stays as given"}}`
	if string(got) != want {
		t.Fatalf("masked\n%s\nwant\n%s", got, want)
	}
	if config["password"] != "p" {
		t.Fatal("MaskSecrets changed its input")
	}
	var paths []string
	catalog.MapSecrets(config, func(p string, v any) (any, error) { paths = append(paths, p); return v, nil })
	if len(paths) != 5 {
		t.Fatalf("secret paths = %v, want 5", paths)
	}
}
