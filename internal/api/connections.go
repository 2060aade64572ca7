package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
)

// connectionRequest is the body of POST and PUT. On PUT, id may be left out
// and must otherwise match the path: a connection is not renamed in place.
type connectionRequest struct {
	ID          string          `json:"id"`
	Type        string          `json:"type"`
	Config      json.RawMessage `json:"config"`
	Description string          `json:"description"`
}

// connection turns the request into a connection, listing every problem.
// body holds the problems decodeAll found in the body.
func (req connectionRequest) connection(pathID string, body []catalog.FieldError) (*catalog.Connection, error) {
	c := &catalog.Connection{ID: req.ID, Type: req.Type, Description: req.Description}
	var problems []catalog.FieldError
	if pathID != "" {
		if req.ID != "" && req.ID != pathID {
			problems = append(problems, catalog.FieldError{Field: "id", Message: "id must match the path; to rename a connection, create the new one and delete the old."})
		}
		c.ID = pathID
	}
	if trimmed := bytes.TrimSpace(req.Config); len(trimmed) > 0 && !bytes.Equal(trimmed, []byte("null")) {
		// Numbers stay as written: a large account id must not pass through float64.
		dec := json.NewDecoder(bytes.NewReader(trimmed))
		dec.UseNumber()
		if err := dec.Decode(&c.Config); err != nil || c.Config == nil {
			problems = append(problems, catalog.FieldError{Field: "config", Message: "config must be a JSON object of the connection's settings."})
			c.Config = map[string]any{} // reported; keep Validate from saying it again
		}
	}
	if problems = mergeProblems(body, append(problems, c.Validate()...)); len(problems) > 0 {
		return nil, catalog.Invalid(problems)
	}
	return c, nil
}

type connectionView struct {
	ID          string         `json:"id"`
	Type        string         `json:"type"`
	Description string         `json:"description"`
	Config      map[string]any `json:"config"` // plaintext secrets as "********"
	CreatedAt   time.Time      `json:"created_at"`
	UpdatedAt   time.Time      `json:"updated_at"`
}

func viewConnection(c *catalog.Connection) connectionView {
	config := c.Config
	if config == nil {
		config = map[string]any{}
	}
	return connectionView{ID: c.ID, Type: c.Type, Description: c.Description, Config: config, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt}
}

func (s *Server) createConnection(w http.ResponseWriter, r *http.Request) error {
	req, problems, err := decodeAll[connectionRequest](r)
	if err != nil {
		return err
	}
	c, err := req.connection("", problems)
	if err != nil {
		return err
	}
	if err := s.store.CreateConnection(r.Context(), c); err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/connections/"+c.ID)
	return respond(w, http.StatusCreated, viewConnection(c))
}

func (s *Server) listConnections(w http.ResponseWriter, r *http.Request) error {
	q := &queryReader{r: r}
	page := q.page()
	if err := q.err(); err != nil {
		return err
	}
	items, next, err := s.store.ListConnections(r.Context(), page)
	if err != nil {
		return err
	}
	return respond(w, http.StatusOK, newList(mapList(items, viewConnection), next))
}

func (s *Server) getConnection(w http.ResponseWriter, r *http.Request) error {
	c, err := s.store.FindConnection(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return respond(w, http.StatusOK, viewConnection(c))
}

// replaceConnection replaces type, config and description. A secret sent
// back as "********" keeps its stored value, so a client may PUT what it
// read after changing other fields.
func (s *Server) replaceConnection(w http.ResponseWriter, r *http.Request) error {
	req, problems, err := decodeAll[connectionRequest](r)
	if err != nil {
		return err
	}
	c, err := req.connection(r.PathValue("id"), problems)
	if err != nil {
		return err
	}
	if err := s.store.ReplaceConnection(r.Context(), c); err != nil {
		return err
	}
	return respond(w, http.StatusOK, viewConnection(c))
}

func (s *Server) deleteConnection(w http.ResponseWriter, r *http.Request) error {
	if err := s.store.DeleteConnection(r.Context(), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
