package api

import (
	"net/http"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
)

type memberView struct {
	ID        string       `json:"id"`
	Email     string       `json:"email"`
	Subject   *string      `json:"subject"` // the OIDC sub once the invitation is bound
	Role      catalog.Role `json:"role"`
	CreatedAt time.Time    `json:"created_at"`
	CreatedBy string       `json:"created_by"`
}

func viewMember(m *catalog.Member) memberView {
	return memberView{ID: m.ID, Email: m.Email, Subject: nullable(m.Subject), Role: m.Role, CreatedAt: m.CreatedAt, CreatedBy: m.CreatedBy}
}

func (s *Server) listMembers(w http.ResponseWriter, r *http.Request) error {
	q := &queryReader{r: r}
	page := q.page()
	if err := q.err(); err != nil {
		return err
	}
	ms, next, err := s.store.ListMembers(r.Context(), page)
	if err != nil {
		return err
	}
	return respond(w, http.StatusOK, newList(mapList(ms, viewMember), next))
}

type memberRequest struct {
	Email string       `json:"email"`
	Role  catalog.Role `json:"role"`
}

// addMember invites a person by email; they join at their first sign-in
// with that address verified by the identity provider.
func (s *Server) addMember(w http.ResponseWriter, r *http.Request) error {
	req, body, err := decodeAll[memberRequest](r)
	if err != nil {
		return err
	}
	if req.Role == "" {
		req.Role = catalog.RoleMember
	}
	var problems []catalog.FieldError
	if !catalog.ValidEmail(catalog.NormalizeEmail(req.Email)) {
		problems = append(problems, catalog.FieldError{Field: "email", Message: "email must be an email address such as ana@acme.com."})
	}
	if !req.Role.Valid() {
		problems = append(problems, catalog.FieldError{Field: "role", Message: "role must be owner, admin, member or viewer."})
	}
	if problems = mergeProblems(body, problems); len(problems) > 0 {
		return catalog.Invalid(problems)
	}
	m, err := s.store.AddMember(r.Context(), req.Email, req.Role)
	if err != nil {
		return err
	}
	return respond(w, http.StatusCreated, viewMember(m))
}

type memberUpdate struct {
	Role catalog.Role `json:"role"`
}

func (s *Server) updateMember(w http.ResponseWriter, r *http.Request) error {
	req, problems, err := decodeAll[memberUpdate](r)
	if err != nil {
		return err
	}
	if !req.Role.Valid() {
		problems = mergeProblems(problems, []catalog.FieldError{{Field: "role", Message: "role must be owner, admin, member or viewer."}})
	}
	if len(problems) > 0 {
		return catalog.Invalid(problems)
	}
	m, err := s.store.UpdateMemberRole(r.Context(), r.PathValue("id"), req.Role)
	if err != nil {
		return err
	}
	return respond(w, http.StatusOK, viewMember(m))
}

func (s *Server) removeMember(w http.ResponseWriter, r *http.Request) error {
	if err := s.store.RemoveMember(r.Context(), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type signupRequest struct {
	Slug string `json:"slug"`
	Name string `json:"name"`
}

// signup lets a signed-in person create an organization they own.
func (s *Server) signup(w http.ResponseWriter, r *http.Request) error {
	req, err := decode[signupRequest](r)
	if err != nil {
		return err
	}
	p := catalog.PrincipalFromContext(r.Context())
	org := &catalog.Org{Slug: req.Slug, Name: req.Name}
	if err := s.store.Signup(r.Context(), &catalog.User{ID: p.UserID, Email: p.UserEmail}, org); err != nil {
		return err
	}
	return respond(w, http.StatusCreated, viewOrg(org))
}
