package oidc

import "strings"

// apiKeyPrefix marks DataXPipe API keys. Such keys never contain dots today,
// but excluding the prefix explicitly keeps the two credential kinds apart
// even if the key format changes.
const apiKeyPrefix = "dxp_"

// LooksLikeJWT reports whether a bearer credential is shaped like a JWT in
// JWS compact form: three dot-separated base64url (unpadded) parts. It only
// routes credentials between the JWT and API-key paths; it proves nothing.
//
// The header and payload must be non-empty; the signature may be empty so
// that an unsigned ("alg": "none") token is still routed to the JWT verifier,
// which rejects it with a precise reason for the logs.
func LooksLikeJWT(s string) bool {
	if strings.HasPrefix(s, apiKeyPrefix) {
		return false
	}
	parts := strings.Split(s, ".")
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" {
		return false
	}
	for _, p := range parts {
		if !isBase64URL(p) {
			return false
		}
	}
	return true
}

// isBase64URL reports whether p could be unpadded base64url: only the URL-safe
// alphabet, and not a length that no encoding produces (4n+1).
func isBase64URL(p string) bool {
	if len(p)%4 == 1 {
		return false
	}
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '-', c == '_':
		default:
			return false
		}
	}
	return true
}
