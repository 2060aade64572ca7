package api

import (
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"strings"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/spec"
)

// registerPipeline registers pipeline.json, the YAML spec's shape, or YAML.
func (s *Server) registerPipeline(w http.ResponseWriter, r *http.Request) error {
	ct := r.Header.Get("Content-Type")
	if mt, _, _ := mime.ParseMediaType(ct); ct != "" && mt != "application/json" && !strings.Contains(mt, "yaml") {
		return catalog.Errorf(catalog.EMALFORMED, "Send the pipeline as application/json or application/yaml (got %q).", ct)
	}
	body, err := readBody(r, maxBody)
	if err != nil {
		return err
	}
	if err := storableJSON(body); err != nil { // JSON; YAML is checked once decoded, below
		return err
	}
	// The same verdict as dxp spec validate: errors refuse the definition,
	// unknown fields are warnings and it is registered (API.md ignores them).
	p, problems, err := spec.CheckDefinition(ct, body)
	if errors.Is(err, spec.ErrMalformed) {
		return catalog.Errorf(catalog.EMALFORMED, "%s", sentence(err.Error()))
	} else if err != nil {
		return err
	}
	if p != nil {
		if err := storablePipeline(p); err != nil {
			return err
		}
	}
	errs, unknown := spec.SplitWarnings(problems)
	if len(errs) > 0 {
		return catalog.Invalid(fieldErrors(errs))
	}
	warnings, err := s.connectionWarnings(r.Context(), p) // connection_warnings.go
	if err != nil {
		return err
	}
	warnings = append(warnings, fieldErrors(unknown)...)
	reg := catalog.PipelineRegistration{
		Name: p.Name, Version: p.Version, Description: p.Description, Owner: p.Owner, Environment: p.Environment,
		Schedule: p.Schedule, Tags: p.Tags, ContentHash: p.ContentHash(), SameContent: p.SameContent, NextVersion: spec.NextVersion,
		Definition: func(version string) json.RawMessage {
			p.Version = version
			b, _ := json.Marshal(p)
			return b
		},
	}
	reg.Datasets, reg.Edges = declaredLineage(p) // convert.go
	reg.OpenLineageJobs = openLineageJobs(p)
	pl, created, err := s.store.RegisterPipeline(r.Context(), reg)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	v := viewPipeline(pl)
	v.Created = &created
	return respond(w, status, registrationView{v, warnings})
}

func fieldErrors(problems []spec.Problem) []catalog.FieldError {
	out := make([]catalog.FieldError, len(problems))
	for i, p := range problems {
		out[i] = catalog.FieldError{Field: p.Field, Message: p.Message}
	}
	return out
}

// sentence makes an error string read as a sentence.
func sentence(s string) string {
	if s == "" {
		return s
	}
	s = strings.ToUpper(s[:1]) + s[1:]
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}

func (s *Server) listPipelines(w http.ResponseWriter, r *http.Request) error {
	q := &queryReader{r: r}
	f := catalog.PipelineFilter{Tags: q.strs("tag"), Owner: q.str("owner"), Query: q.str("q"), Page: q.page()}
	if err := q.err(); err != nil {
		return err
	}
	items, next, err := s.store.ListPipelines(r.Context(), f)
	if err != nil {
		return err
	}
	views := mapList(items, viewPipelineSummary)
	ptrs := make([]*pipelineSummary, len(views))
	for i := range views {
		ptrs[i] = &views[i]
	}
	if err := s.markLate(r.Context(), ptrs); err != nil {
		return err
	}
	return respond(w, http.StatusOK, newList(views, next))
}

func (s *Server) getPipeline(w http.ResponseWriter, r *http.Request) error {
	p, last, err := s.store.FindPipelineWithLastRun(r.Context(), r.PathValue("name"))
	if err != nil {
		return err
	}
	v := viewPipeline(p)
	if last != nil {
		summary := viewRunSummary(last)
		v.LastRun = &summary
	}
	if err := s.markLate(r.Context(), []*pipelineSummary{&v.pipelineSummary}); err != nil {
		return err
	}
	return respond(w, http.StatusOK, v)
}

func (s *Server) deletePipeline(w http.ResponseWriter, r *http.Request) error {
	if err := s.store.DeletePipeline(r.Context(), r.PathValue("name")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) listPipelineVersions(w http.ResponseWriter, r *http.Request) error {
	q := &queryReader{r: r}
	page := q.page()
	if err := q.err(); err != nil {
		return err
	}
	items, next, err := s.store.ListPipelineVersions(r.Context(), r.PathValue("name"), page)
	if err != nil {
		return err
	}
	return respond(w, http.StatusOK, newList(mapList(items, viewVersionSummary), next))
}

func (s *Server) getPipelineVersion(w http.ResponseWriter, r *http.Request) error {
	v, err := s.store.FindPipelineVersion(r.Context(), r.PathValue("name"), r.PathValue("version"))
	if err != nil {
		return err
	}
	return respond(w, http.StatusOK, viewVersion(v))
}
