package config

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// DecodeSecretKey reads a 32-byte AES-256 key written as base64 or hex.
func DecodeSecretKey(s string) ([]byte, error) {
	if b, err := hex.DecodeString(s); err == nil && len(b) == 32 {
		return b, nil
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil && len(b) == 32 {
			return b, nil
		}
	}
	return nil, errors.New("want 32 bytes written as base64 (44 characters) or hex (64 characters)")
}

// String renders the configuration with every secret masked, for logs and
// `dxp config`: passwords inside URLs too.
func (c Config) String() string {
	mask := func(s string) string {
		if s == "" {
			return ""
		}
		return "********"
	}
	lines := []string{
		"DATAXPIPE_ENV=" + c.Env,
		"DATAXPIPE_ADDR=" + c.Addr,
		"DATAXPIPE_DB=" + maskURL(c.DB),
		"DATAXPIPE_SECRET_KEY=" + mask(c.SecretKey),
		fmt.Sprintf("DATAXPIPE_PG_POOL_MIN=%d", c.PGPoolMin),
		fmt.Sprintf("DATAXPIPE_PG_POOL_MAX=%d", c.PGPoolMax),
		fmt.Sprintf("DATAXPIPE_RATE_LIMIT_ENABLED=%t", c.RateLimitEnabled),
		fmt.Sprintf("DATAXPIPE_RATE_LIMIT_ANON_PER_MINUTE=%d", c.RateLimitAnonPerMinute),
		fmt.Sprintf("DATAXPIPE_REPLICAS=%d", c.Replicas),
		"DATAXPIPE_REDIS_URL=" + maskURL(c.RedisURL),
		"DATAXPIPE_OIDC_ISSUER=" + c.OIDCIssuer,
		"DATAXPIPE_OIDC_AUDIENCE=" + c.OIDCAudience,
		"DATAXPIPE_OIDC_CLIENT_ID=" + c.OIDCClientID,
		"DATAXPIPE_OIDC_CLIENT_SECRET=" + mask(c.OIDCClientSecret),
		"DATAXPIPE_PLATFORM_ADMINS=" + strings.Join(c.PlatformAdmins, ","),
		"DATAXPIPE_TENANTS=" + c.TenantsFile,
		"DATAXPIPE_APP_URL=" + c.AppURL,
		"DATAXPIPE_LINEAGE_EVENT_RETENTION=" + c.LineageRetention.String(),
		"DATAXPIPE_PPROF_ADDR=" + c.PprofAddr,
		"STRIPE_SECRET_KEY=" + mask(c.Stripe.SecretKey),
		"STRIPE_WEBHOOK_SECRET=" + mask(c.Stripe.WebhookSecret),
		"STRIPE_PRICE_TEAM=" + c.Stripe.PriceTeam,
		"STRIPE_PRICE_BUSINESS=" + c.Stripe.PriceBusiness,
		"STRIPE_API_BASE=" + c.Stripe.APIBase,
	}
	return strings.Join(lines, "\n")
}

// maskURL hides the password of a connection URL and leaves paths alone.
func maskURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.User == nil {
		return s
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}
