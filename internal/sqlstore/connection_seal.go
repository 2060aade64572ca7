package sqlstore

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/secretbox"
)

// sealConfig encodes config for storage with each plaintext secret sealed.
// A secret's additional data is its organization, connection and path, so
// a sealed value copied into another row or place does not open there.
// A secret sent as the mask takes the value stored at the same path of
// stored (the row being replaced); with nothing there it is EINVALID.
// Without a secret key a plaintext secret is EUNAVAILABLE: it is never
// stored in the clear.
func (tx *Tx) sealConfig(orgID, connID string, config, stored map[string]any) (string, error) {
	kept := map[string]any{}
	if stored != nil {
		catalog.MapSecrets(stored, func(path string, v any) (any, error) { kept[path] = v; return v, nil })
	}
	var problems []catalog.FieldError
	sealed, err := catalog.MapSecrets(config, func(path string, v any) (any, error) {
		if v == catalog.SecretMask {
			if prev, ok := kept[path]; ok {
				return prev, nil
			}
			problems = append(problems, catalog.FieldError{Field: path,
				Message: path + " is " + catalog.SecretMask + ", which stands for a stored secret, and none is stored there; send the secret itself."})
			return nil, nil
		}
		if tx.db.secretKey == nil {
			return nil, catalog.Errorf(catalog.EUNAVAILABLE,
				"This server has no DATAXPIPE_SECRET_KEY, so it cannot store %s encrypted and will not store it in the clear. "+
					"Ask the operator to set the key, or send a reference to your secret store in a key ending in _secret instead.", path)
		}
		plain, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("encode %s: %w", path, err)
		}
		return secretbox.Seal(tx.db.secretKey, plain, secretAD(orgID, connID, path))
	})
	if err != nil {
		return "", err
	}
	if len(problems) > 0 {
		slices.SortFunc(problems, func(a, b catalog.FieldError) int { return strings.Compare(a.Field, b.Field) })
		return "", catalog.Invalid(problems)
	}
	b, err := json.Marshal(sealed)
	if err != nil {
		return "", fmt.Errorf("encode config: %w", err)
	}
	return string(b), nil
}

// secretAD is the additional data that binds a sealed value to its place.
func secretAD(orgID, connID, path string) []byte { return []byte(orgID + "/" + connID + "/" + path) }
