package web

import (
	"net/http"

	"github.com/dataxpipe/catalog/internal/catalog"
)

type membersPage struct {
	Members  []*catalog.Member
	NextURL  string
	Problems []catalog.FieldError
	Email    string
	Role     string
	Notice   string
	IsOwner  bool
	MyUserID string
}

func (u *UI) members(w http.ResponseWriter, r *http.Request, s *signedIn) error {
	notice := map[string]string{"invited": "Invitation saved: they join when they first sign in with that email.",
		"changed": "Role changed.", "removed": "Member removed; their sessions in this organization have ended."}[r.URL.Query().Get("done")]
	return u.renderMembers(w, r, s, http.StatusOK, membersPage{Notice: notice})
}

func (u *UI) renderMembers(w http.ResponseWriter, r *http.Request, s *signedIn, status int, data membersPage) error {
	list, next, err := u.store.ListMembers(r.Context(), pageOf(r.URL.Query(), 100))
	if err != nil {
		return err
	}
	data.Members, data.IsOwner, data.MyUserID = list, s.p.Role == catalog.RoleOwner, s.user.ID
	if next != "" {
		data.NextURL = "/settings/members?cursor=" + next
	}
	if data.Role == "" {
		data.Role = string(catalog.RoleMember)
	}
	u.render(w, r, s, status, "members", "Members", "members", data)
	return nil
}

// inviteMember invites by email; the store applies the owner rules.
func (u *UI) inviteMember(w http.ResponseWriter, r *http.Request, s *signedIn) error {
	email, role := r.PostFormValue("email"), catalog.Role(r.PostFormValue("role"))
	var problems []catalog.FieldError
	if !catalog.ValidEmail(catalog.NormalizeEmail(email)) {
		problems = append(problems, catalog.FieldError{Field: "email", Message: "Email must be an address such as ana@acme.com."})
	}
	if !role.Valid() {
		problems = append(problems, catalog.FieldError{Field: "role", Message: "Role must be owner, admin, member or viewer."})
	}
	if len(problems) == 0 {
		_, err := u.writes.AddMember(r.Context(), email, role)
		switch ce := asCatalogError(err); {
		case err == nil:
			return redirect(w, r, "/settings/members?done=invited")
		case ce != nil && (ce.Code == catalog.ECONFLICT || ce.Code == catalog.EFORBIDDEN || ce.Code == catalog.EINVALID):
			problems = append(append(problems, ce.Fields...), catalog.FieldError{Field: "email", Message: ce.Message})
		default:
			return err
		}
	}
	return u.renderMembers(w, r, s, http.StatusUnprocessableEntity, membersPage{Problems: problems, Email: email, Role: string(role)})
}

func (u *UI) changeMemberRole(w http.ResponseWriter, r *http.Request, s *signedIn) error {
	role := catalog.Role(r.PostFormValue("role"))
	if !role.Valid() {
		return catalog.Invalid([]catalog.FieldError{{Field: "role", Message: "Role must be owner, admin, member or viewer."}})
	}
	_, err := u.writes.UpdateMemberRole(r.Context(), r.PathValue("id"), role)
	if err != nil {
		return err
	}
	return redirect(w, r, "/settings/members?done=changed")
}

// removeMember removes a member. Their sessions acting in this
// organization end at their next request (session.go checks membership).
func (u *UI) removeMember(w http.ResponseWriter, r *http.Request, s *signedIn) error {
	if err := u.writes.RemoveMember(r.Context(), r.PathValue("id")); err != nil {
		return err
	}
	return redirect(w, r, "/settings/members?done=removed")
}
