package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"github.com/dataxpipe/catalog/internal/catalog"
)

type connectionForm struct {
	ID, Type, Description, Config string
}

type connectionsPage struct {
	List     []*catalog.Connection
	NextURL  string
	Form     connectionForm
	Problems []catalog.FieldError
	Notice   string
}

func (u *UI) connections(w http.ResponseWriter, r *http.Request, s *signedIn) error {
	notice := ""
	if id := r.URL.Query().Get("saved"); id != "" {
		notice = "Connection " + id + " saved. Secrets are stored sealed and never shown again."
	}
	return u.renderConnections(w, r, s, http.StatusOK, connectionsPage{Notice: notice, Form: connectionForm{Config: "{\n  \n}"}})
}

func (u *UI) renderConnections(w http.ResponseWriter, r *http.Request, s *signedIn, status int, data connectionsPage) error {
	list, next, err := u.store.ListConnections(r.Context(), pageOf(r.URL.Query(), 100))
	if err != nil {
		return err
	}
	data.List = list
	if next != "" {
		data.NextURL = "/settings/connections?cursor=" + url.QueryEscape(next)
	}
	u.render(w, r, s, status, "connections", "Connections", "connections", data)
	return nil
}

// formConnection reads the form; config is a JSON object.
func formConnection(r *http.Request, id string) (*catalog.Connection, connectionForm, []catalog.FieldError) {
	f := connectionForm{ID: id, Type: strings.TrimSpace(r.PostFormValue("type")), Description: r.PostFormValue("description"), Config: r.PostFormValue("config")}
	c := &catalog.Connection{ID: f.ID, Type: f.Type, Description: f.Description}
	var problems []catalog.FieldError
	if strings.TrimSpace(f.Config) == "" {
		c.Config = map[string]any{}
	} else if err := json.Unmarshal([]byte(f.Config), &c.Config); err != nil || c.Config == nil {
		problems = append(problems, catalog.FieldError{Field: "config", Message: "Config must be a JSON object, such as {\"host\": \"db.internal\", \"password\": \"…\"}."})
		c.Config = map[string]any{}
	}
	problems = append(problems, c.Validate()...)
	return c, f, problems
}

func (u *UI) createConnection(w http.ResponseWriter, r *http.Request, s *signedIn) error {
	c, f, problems := formConnection(r, strings.TrimSpace(r.PostFormValue("id")))
	if len(problems) == 0 {
		err := u.store.CreateConnection(r.Context(), c)
		if err == nil {
			return redirect(w, r, "/settings/connections?saved="+url.QueryEscape(c.ID))
		}
		ce := asCatalogError(err)
		if ce == nil || ce.Code == catalog.ELIMIT {
			return err
		}
		problems = append(ce.Fields, catalog.FieldError{Message: ce.Message})
	}
	f.Config = scrubSecrets(f.Config) // a refused form never echoes a secret back
	return u.renderConnections(w, r, s, http.StatusUnprocessableEntity, connectionsPage{Form: f, Problems: problems})
}

type connectionPage struct {
	C        *catalog.Connection
	Form     connectionForm
	Problems []catalog.FieldError
}

// connection shows one connection; members edit it. Secrets read back as
// the mask, and a masked value sent back keeps the stored secret.
func (u *UI) connection(w http.ResponseWriter, r *http.Request, s *signedIn) error {
	c, err := u.store.FindConnection(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	cfg, _ := json.MarshalIndent(c.Config, "", "  ") // a map read from JSON: cannot fail
	u.render(w, r, s, http.StatusOK, "connection", c.ID, "connections", connectionPage{C: c,
		Form: connectionForm{ID: c.ID, Type: c.Type, Description: c.Description, Config: string(cfg)}})
	return nil
}

func (u *UI) updateConnection(w http.ResponseWriter, r *http.Request, s *signedIn) error {
	old, err := u.store.FindConnection(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	c, f, problems := formConnection(r, old.ID)
	if len(problems) == 0 {
		err := u.store.ReplaceConnection(r.Context(), c)
		if err == nil {
			return redirect(w, r, "/settings/connections?saved="+url.QueryEscape(c.ID))
		}
		ce := asCatalogError(err)
		if ce == nil {
			return err
		}
		problems = append(ce.Fields, catalog.FieldError{Message: ce.Message})
	}
	f.Config = scrubSecrets(f.Config)
	u.render(w, r, s, http.StatusUnprocessableEntity, "connection", old.ID, "connections", connectionPage{C: old, Form: f, Problems: problems})
	return nil
}

// scrubSecrets masks the secret values of a config the person typed, so a
// refused form is re-shown without them (they type them again).
func scrubSecrets(config string) string {
	var m map[string]any
	if json.Unmarshal([]byte(config), &m) != nil {
		return "" // unreadable: it might hold anything, show nothing
	}
	b, _ := json.MarshalIndent(catalog.MaskSecrets(m), "", "  ")
	return string(b)
}
