package api

import (
	"context"
	"fmt"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/spec"
)

// registrationView is the answer to a pipeline registration: the pipeline,
// created, and warnings. warnings is always an array, [] when there are
// none, so clients can range over it without a null check.
type registrationView struct {
	pipelineView
	Warnings []catalog.FieldError `json:"warnings"`
}

// connectionWarnings lists the connection_ref values of p that name no
// connection of the organization. They are warnings, not errors: a spec may
// be registered before its connections, and lineage does not need them.
func (s *Server) connectionWarnings(ctx context.Context, p *spec.Pipeline) ([]catalog.FieldError, error) {
	warnings := []catalog.FieldError{}
	missing, err := s.store.MissingConnections(ctx, p.ConnectionRefs())
	if err != nil || len(missing) == 0 {
		return warnings, err
	}
	unknown := map[string]bool{}
	for _, id := range missing {
		unknown[id] = true
	}
	warn := func(field, ref string) {
		if unknown[ref] {
			warnings = append(warnings, catalog.FieldError{Field: field, Message: fmt.Sprintf(
				"connection_ref %q names no connection in this organization yet; the pipeline is registered anyway, and POST /api/v1/connections/ creates it.", ref)})
		}
	}
	for i, src := range p.Sources {
		warn(fmt.Sprintf("sources[%d].connection_ref", i), src.ConnectionRef)
	}
	for i, t := range p.Targets {
		warn(fmt.Sprintf("targets[%d].connection_ref", i), t.ConnectionRef)
	}
	return warnings, nil
}
