package oidc

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"
)

// claims holds the payload fields that go-oidc does not check or map for us.
type claims struct {
	Email         string   `json:"email"`
	Name          string   `json:"name"`
	EmailVerified flexBool `json:"email_verified"`
	NotBefore     *numeric `json:"nbf"`
	IssuedAt      *numeric `json:"iat"`
}

// checkTimes applies our time rules. go-oidc already rejects exp < now, but
// accepts exp == now and gives nbf five minutes of leeway; we want exp strict
// (a token is valid only before exp, RFC 7519 4.1.4) and 30s of skew for nbf
// and iat, so those are checked here.
func (c claims) checkTimes(now, exp time.Time) error {
	if !now.Before(exp) {
		return fmt.Errorf("expired at %v (now %v)", exp, now)
	}
	latest := now.Add(clockSkew)
	if c.NotBefore != nil && time.Time(*c.NotBefore).After(latest) {
		return fmt.Errorf("not valid before %v (now %v)", time.Time(*c.NotBefore), now)
	}
	// A token issued in the future (beyond skew) comes from a broken or
	// forged issuer clock; refuse it rather than trust its exp.
	if c.IssuedAt != nil && time.Time(*c.IssuedAt).After(latest) {
		return fmt.Errorf("issued in the future at %v (now %v)", time.Time(*c.IssuedAt), now)
	}
	return nil
}

// numeric is a JWT NumericDate: seconds since the epoch, possibly fractional.
type numeric time.Time

func (n *numeric) UnmarshalJSON(b []byte) error {
	var f float64
	if err := json.Unmarshal(b, &f); err != nil {
		return fmt.Errorf("numeric date: %v", err)
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return errors.New("numeric date: not finite")
	}
	sec, frac := math.Modf(f)
	*n = numeric(time.Unix(int64(sec), int64(frac*1e9)))
	return nil
}

// flexBool accepts true/false and also "true"/"false": some providers
// (e.g. AWS Cognito) send email_verified as a string. Anything else is false
// rather than an error, since the claim is informational.
type flexBool bool

func (f *flexBool) UnmarshalJSON(b []byte) error {
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	switch t := v.(type) {
	case bool:
		*f = flexBool(t)
	case string:
		parsed, _ := strconv.ParseBool(t)
		*f = flexBool(parsed)
	default:
		*f = false
	}
	return nil
}
