package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/dataxpipe/catalog/internal/auth"
	"github.com/dataxpipe/catalog/internal/catalog"
)

// newKey is a key shown once: on the page that answers its creation or
// rotation, never again (the store keeps only its hash).
type newKey struct {
	Key                  *catalog.APIKey
	Secret               string
	Rotated              bool
	PreviousKeyExpiresAt *time.Time
}

type keysPage struct {
	Keys     []*catalog.APIKey
	NextURL  string
	New      *newKey
	Problems []catalog.FieldError
	Name     string
	Role     string
	Revoked  string
	APIURL   string
}

// Expiry and grace choices, as the forms offer them.
var (
	expiryDays   = []int{0, 30, 90, 365}
	graceChoices = []struct {
		Seconds int
		Label   string
	}{{0, "immediately"}, {3600, "in 1 hour"}, {86400, "in 24 hours"}, {604800, "in 7 days"}}
)

func (u *UI) keys(w http.ResponseWriter, r *http.Request, s *signedIn) error {
	return u.renderKeys(w, r, s, http.StatusOK, keysPage{Revoked: r.URL.Query().Get("revoked")})
}

func (u *UI) renderKeys(w http.ResponseWriter, r *http.Request, s *signedIn, status int, data keysPage) error {
	q := r.URL.Query()
	keys, next, err := u.store.ListAPIKeys(r.Context(), pageOf(q, 100))
	if err != nil {
		return err
	}
	data.Keys, data.APIURL = keys, u.cfg.AppURL
	if next != "" {
		data.NextURL = "/settings/keys?cursor=" + next
	}
	if data.Role == "" {
		data.Role = string(catalog.RoleMember)
	}
	u.render(w, r, s, status, "keys", "API keys", "keys", struct {
		keysPage
		ExpiryDays []int
		Grace      any
	}{data, expiryDays, graceChoices})
	return nil
}

// createKey makes a key with the API's rules and shows it once.
func (u *UI) createKey(w http.ResponseWriter, r *http.Request, s *signedIn) error {
	name, role := r.PostFormValue("name"), catalog.Role(r.PostFormValue("role"))
	var problems []catalog.FieldError
	if name == "" || len(name) > 100 {
		problems = append(problems, catalog.FieldError{Field: "name", Message: "Name is required, at most 100 characters."})
	}
	if !role.ValidForKey() {
		problems = append(problems, catalog.FieldError{Field: "role", Message: "Role must be admin, member or viewer."})
	}
	days, err := strconv.Atoi(r.PostFormValue("expires_in_days"))
	if err != nil || days < 0 || days > 3650 {
		problems = append(problems, catalog.FieldError{Field: "expires_in_days", Message: "Pick when the key expires."})
	}
	if len(problems) > 0 {
		return u.renderKeys(w, r, s, http.StatusUnprocessableEntity, keysPage{Problems: problems, Name: name, Role: string(role)})
	}
	secret := auth.GenerateKey()
	key := &catalog.APIKey{Name: name, Role: role, Prefix: auth.DisplayPrefix(secret), Hash: auth.HashKey(secret)}
	if days > 0 {
		t := u.now().UTC().Add(time.Duration(days) * 24 * time.Hour)
		key.ExpiresAt = &t
	}
	if err := u.store.CreateAPIKey(r.Context(), key); err != nil {
		if p := fieldProblems(err); p != nil {
			return u.renderKeys(w, r, s, http.StatusUnprocessableEntity, keysPage{Problems: p, Name: name, Role: string(role)})
		}
		return err
	}
	return u.renderKeys(w, r, s, http.StatusCreated, keysPage{New: &newKey{Key: key, Secret: secret}})
}

// rotateKey issues the successor of a key; the old one keeps working for
// the chosen grace period so Airflow can be updated without downtime.
func (u *UI) rotateKey(w http.ResponseWriter, r *http.Request, s *signedIn) error {
	grace, err := strconv.Atoi(r.PostFormValue("grace_period_seconds"))
	if err != nil || grace < 0 || grace > 604800 {
		return catalog.Invalid([]catalog.FieldError{{Field: "grace_period_seconds", Message: "Pick a grace period from none to 7 days."}})
	}
	secret := auth.GenerateKey()
	next := &catalog.APIKey{Prefix: auth.DisplayPrefix(secret), Hash: auth.HashKey(secret)}
	old, err := u.writes.RotateAPIKey(r.Context(), r.PathValue("id"), next, time.Duration(grace)*time.Second)
	if err != nil {
		return err
	}
	return u.renderKeys(w, r, s, http.StatusCreated, keysPage{New: &newKey{Key: next, Secret: secret, Rotated: true, PreviousKeyExpiresAt: old.RevokedAt}})
}

// confirmRevokeKey asks before revoking: a page, so it works without JS.
func (u *UI) confirmRevokeKey(w http.ResponseWriter, r *http.Request, s *signedIn) error {
	keys, err := u.allKeys(r)
	if err != nil {
		return err
	}
	for _, k := range keys {
		if k.ID == r.PathValue("id") {
			u.render(w, r, s, http.StatusOK, "revoke", "Revoke "+k.Name, "keys", k)
			return nil
		}
	}
	return catalog.Errorf(catalog.ENOTFOUND, "No such key; it may have been revoked already.")
}

func (u *UI) allKeys(r *http.Request) ([]*catalog.APIKey, error) {
	var all []*catalog.APIKey
	page := catalog.Page{Limit: catalog.MaxPageSize}
	for {
		keys, next, err := u.store.ListAPIKeys(r.Context(), page)
		if err != nil {
			return nil, err
		}
		all = append(all, keys...)
		if next == "" {
			return all, nil
		}
		page.Cursor = next
	}
}

func (u *UI) revokeKey(w http.ResponseWriter, r *http.Request, _ *signedIn) error {
	old, err := u.writes.RevokeAPIKey(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return redirect(w, r, "/settings/keys?revoked="+old.Prefix)
}
