package api

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
)

// statusView is a probe's answer.
type statusView struct {
	Status string `json:"status"`
}

// healthz says the process is up.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) error {
	return respond(w, http.StatusOK, statusView{Status: "ok"})
}

// readyz says the database answers and its schema is current.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		s.logger.Warn("readyz: database ping failed", "err", err)
		return catalog.Errorf(catalog.EUNAVAILABLE, "The database does not answer.")
	}
	pending, err := s.store.Pending(ctx)
	if err != nil {
		s.logger.Warn("readyz: reading migrations failed", "err", err)
		return catalog.Errorf(catalog.EUNAVAILABLE, "The database schema could not be read.")
	}
	if len(pending) > 0 {
		return catalog.Errorf(catalog.EUNAVAILABLE, "The database schema is behind (%s pending); run dxp migrate.", strings.Join(pending, ", "))
	}
	return respond(w, http.StatusOK, statusView{Status: "ready"})
}
