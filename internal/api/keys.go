package api

import (
	"fmt"
	"net/http"
	"time"

	"github.com/dataxpipe/catalog/internal/auth"
	"github.com/dataxpipe/catalog/internal/catalog"
)

type keyView struct {
	ID         string       `json:"id"`
	Name       string       `json:"name"`
	Role       catalog.Role `json:"role"`
	Prefix     string       `json:"prefix"`
	Key        string       `json:"key,omitempty"` // only in the response that creates the key
	CreatedAt  time.Time    `json:"created_at"`
	CreatedBy  string       `json:"created_by"`
	LastUsedAt *time.Time   `json:"last_used_at"`
	ExpiresAt  *time.Time   `json:"expires_at"`
}

// viewKey shows when the key stops working as expires_at: for a rotated key
// in its grace period, the end of the grace period.
func viewKey(k *catalog.APIKey) keyView {
	return keyView{ID: k.ID, Name: k.Name, Role: k.Role, Prefix: k.Prefix, CreatedAt: k.CreatedAt, CreatedBy: k.CreatedBy,
		LastUsedAt: k.LastUsedAt, ExpiresAt: k.EffectiveExpiry()}
}

func viewNewKey(k *catalog.APIKey, secret string) keyView {
	v := viewKey(k)
	v.Key = secret
	return v
}

type createKeyRequest struct {
	Name      string       `json:"name"`
	Role      catalog.Role `json:"role"`
	ExpiresAt *time.Time   `json:"expires_at"`
}

func (s *Server) createKey(w http.ResponseWriter, r *http.Request) error {
	req, body, err := decodeAll[createKeyRequest](r)
	if err != nil {
		return err
	}
	if req.Role == "" {
		req.Role = catalog.RoleMember
	}
	var problems []catalog.FieldError
	if req.Name == "" || len(req.Name) > 100 {
		problems = append(problems, catalog.FieldError{Field: "name", Message: "name is required, at most 100 characters."})
	}
	if !req.Role.ValidForKey() {
		problems = append(problems, catalog.FieldError{Field: "role", Message: "role must be admin, member or viewer."})
	}
	if req.ExpiresAt != nil && !req.ExpiresAt.After(s.now()) {
		problems = append(problems, catalog.FieldError{Field: "expires_at", Message: "expires_at must be in the future."})
	}
	if problems = mergeProblems(body, problems); len(problems) > 0 {
		return catalog.Invalid(problems)
	}
	secret := auth.GenerateKey()
	key := &catalog.APIKey{Name: req.Name, Role: req.Role, Prefix: auth.DisplayPrefix(secret), Hash: auth.HashKey(secret), ExpiresAt: req.ExpiresAt}
	if key.ExpiresAt != nil {
		t := key.ExpiresAt.UTC()
		key.ExpiresAt = &t
	}
	if err := s.store.CreateAPIKey(r.Context(), key); err != nil {
		return err
	}
	return respond(w, http.StatusCreated, viewNewKey(key, secret))
}

func (s *Server) listKeys(w http.ResponseWriter, r *http.Request) error {
	q := &queryReader{r: r}
	page := q.page()
	if err := q.err(); err != nil {
		return err
	}
	keys, next, err := s.store.ListAPIKeys(r.Context(), page)
	if err != nil {
		return err
	}
	return respond(w, http.StatusOK, newList(mapList(keys, viewKey), next))
}

func (s *Server) revokeKey(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.store.RevokeAPIKey(r.Context(), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// rotatedKeyView is the new key and when the one it replaces stops working.
type rotatedKeyView struct {
	keyView
	PreviousKeyExpiresAt *time.Time `json:"previous_key_expires_at"`
}

type rotateKeyRequest struct {
	GracePeriodSeconds *int `json:"grace_period_seconds"`
}

// Grace periods of a rotation, as API.md fixes them.
const (
	defaultGrace = 3600
	maxGrace     = 604800
)

func (s *Server) rotateKey(w http.ResponseWriter, r *http.Request) error {
	req, problems, err := decodeAll[rotateKeyRequest](r)
	if err != nil {
		return err
	}
	grace := defaultGrace
	if req.GracePeriodSeconds != nil {
		grace = *req.GracePeriodSeconds
	}
	if grace < 0 || grace > maxGrace {
		problems = mergeProblems(problems, []catalog.FieldError{{Field: "grace_period_seconds",
			Message: fmt.Sprintf("grace_period_seconds must be from 0 to %d (7 days).", maxGrace)}})
	}
	if len(problems) > 0 {
		return catalog.Invalid(problems)
	}
	secret := auth.GenerateKey()
	next := &catalog.APIKey{Prefix: auth.DisplayPrefix(secret), Hash: auth.HashKey(secret)}
	old, err := s.store.RotateAPIKey(r.Context(), r.PathValue("id"), next, time.Duration(grace)*time.Second)
	if err != nil {
		return err
	}
	return respond(w, http.StatusCreated, rotatedKeyView{viewNewKey(next, secret), old.RevokedAt})
}
