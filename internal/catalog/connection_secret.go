package catalog

import (
	"fmt"
	"strings"
)

// SecretMask is what a read shows in place of a plaintext secret.
const SecretMask = "********"

// plaintextSecretNames are config keys whose value is the secret itself.
// API.md names the first five; client_secret is on the list although it
// ends in _secret, because OAuth uses that name for the secret itself. The
// rest are common names of the same kind that carry neither "password"
// nor "secret".
var plaintextSecretNames = map[string]bool{
	"password": true, "private_key": true, "token": true, "credentials_json": true, "client_secret": true,
	"api_key": true, "access_token": true, "refresh_token": true, "passphrase": true,
}

// plaintextSecretSuffixes catch prefixed forms (auth_token, ssh_private_key).
var plaintextSecretSuffixes = []string{"_token", "_api_key", "_private_key", "_passphrase"}

// IsSecretKey reports whether a config key holds a plaintext secret, which
// is sealed at rest and masked on read. Keys ending in _secret (other than
// client_secret) are references to a secret store (vault/snowflake/pw) and
// are not secrets themselves. Case does not matter.
func IsSecretKey(key string) bool {
	k := strings.ToLower(key)
	switch {
	case plaintextSecretNames[k]:
		return true
	case strings.HasSuffix(k, "_secret"):
		return false
	case strings.Contains(k, "password"), strings.Contains(k, "secret"):
		return true
	}
	for _, s := range plaintextSecretSuffixes {
		if strings.HasSuffix(k, s) {
			return true
		}
	}
	return false
}

// MapSecrets returns a copy of config in which the value of every
// plaintext secret, in nested objects and arrays too, is replaced by
// fn(path, value); path reads like "config.auth.password" or
// "config.hosts[1].password". A secret's value is handed over whole, even
// an object (credentials_json), and is not walked into. A null secret has
// nothing to protect and stays null. The first error of fn is returned.
func MapSecrets(config map[string]any, fn func(path string, value any) (any, error)) (map[string]any, error) {
	out, err := mapSecrets("config", config, fn)
	if err != nil {
		return nil, err
	}
	m, _ := out.(map[string]any)
	return m, nil
}

func mapSecrets(path string, v any, fn func(string, any) (any, error)) (any, error) {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, child := range x {
			p := path + "." + k
			var err error
			switch {
			case IsSecretKey(k) && child != nil:
				out[k], err = fn(p, child)
			case strings.HasSuffix(strings.ToLower(k), "_secret"):
				out[k] = child // a reference is returned as given
			default:
				out[k], err = mapSecrets(p, child, fn)
			}
			if err != nil {
				return nil, err
			}
		}
		return out, nil
	case []any:
		out := make([]any, len(x))
		for i, child := range x {
			var err error
			if out[i], err = mapSecrets(fmt.Sprintf("%s[%d]", path, i), child, fn); err != nil {
				return nil, err
			}
		}
		return out, nil
	default:
		return v, nil
	}
}

// MaskSecrets returns a copy of config with every plaintext secret shown as
// SecretMask, for responses and anything else a person may read.
func MaskSecrets(config map[string]any) map[string]any {
	out, _ := MapSecrets(config, func(string, any) (any, error) { return SecretMask, nil })
	return out
}
