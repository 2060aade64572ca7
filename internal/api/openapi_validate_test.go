package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	verrors "github.com/pb33f/libopenapi-validator/errors"

	"github.com/dataxpipe/catalog/internal/api"
)

// The API tests check every request they send and every answer they get
// against the OpenAPI document (env.serve, which env.do goes through).
//
// The validator is pb33f/libopenapi-validator: it reads OpenAPI 3.1 and its
// JSON Schema 2020-12 (type arrays, const, if/then), which kin-openapi's
// openapi3filter only partly does. The rules:
//   - every answer must match the document: its status is documented (or
//     falls to default, a problem+json), its body matches the status's
//     schema (closed objects, so an undocumented field fails), its
//     documented headers are well formed;
//   - a request the document refuses must be refused by the server (4xx):
//     the tests send bad requests on purpose, and those are fine as long as
//     the API and its document agree that they are bad. A request the
//     document refuses that the server accepts fails the test: the document
//     is stricter than the API, or the API laxer than its document.
//
// Paths the document does not have (an unknown route, a collection without
// its slash is mapped to the documented one) must answer problem+json.

var contract struct {
	once sync.Once
	v    validator.Validator
	mux  *http.ServeMux // documented path templates, to name a request's
	err  error
}

// openAPIValidator builds the validator once from srv's document.
func openAPIValidator(srv *api.Server) (validator.Validator, *http.ServeMux, error) {
	contract.once.Do(func() {
		b, err := json.Marshal(srv.OpenAPIDocument())
		if err != nil {
			contract.err = err
			return
		}
		doc, err := libopenapi.NewDocument(b)
		if err != nil {
			contract.err = err
			return
		}
		v, errs := validator.NewValidator(doc)
		if len(errs) > 0 {
			contract.err = fmt.Errorf("openapi validator: %v", errs)
			return
		}
		contract.v = v
		contract.mux = http.NewServeMux()
		var paths map[string]map[string]any
		var whole struct {
			Paths map[string]map[string]any `json:"paths"`
		}
		if err := json.Unmarshal(b, &whole); err != nil {
			contract.err = err
			return
		}
		paths = whole.Paths
		for p := range paths {
			pattern := p
			if strings.HasSuffix(p, "/") {
				pattern += "{$}"
			}
			contract.mux.Handle(pattern, http.NotFoundHandler())
		}
	})
	return contract.v, contract.mux, contract.err
}

// serve answers req with the env's server and checks both against the
// OpenAPI document, failing the test on a mismatch.
func (e *env) serve(rec *httptest.ResponseRecorder, req *http.Request) {
	e.t.Helper()
	var body []byte
	if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	vreq := req.Clone(req.Context())
	e.srv.ServeHTTP(rec, req)
	if msgs := checkContract(e.srv, vreq, body, rec); len(msgs) > 0 {
		e.t.Errorf("%s %s → %d does not match the OpenAPI document:\n  %s\nbody: %.600s",
			req.Method, req.URL.RequestURI(), rec.Code, strings.Join(msgs, "\n  "), rec.Body.String())
	}
}

// checkContract lists how req (with body) and its answer rec depart from
// the document.
func checkContract(srv *api.Server, req *http.Request, body []byte, rec *httptest.ResponseRecorder) []string {
	v, mux, err := openAPIValidator(srv)
	if err != nil {
		return []string{err.Error()}
	}
	if _, pattern := mux.Handler(req); pattern == "" && !strings.HasSuffix(req.URL.Path, "/") {
		// A collection asked for without its slash is the same operation.
		alt := req.Clone(req.Context())
		alt.URL.Path += "/"
		if _, pattern := mux.Handler(alt); pattern != "" {
			req = alt
		}
	}
	resp := &http.Response{StatusCode: rec.Code, Header: rec.Header().Clone(), Body: io.NopCloser(bytes.NewReader(rec.Body.Bytes())), Request: req}
	req.Body = io.NopCloser(bytes.NewReader(body))
	okReq, reqErrs := v.ValidateHttpRequestSync(req)
	if _, pattern := mux.Handler(req); pattern == "" || undocumented(reqErrs) {
		if rec.Code >= 400 && !isProblem(rec) {
			return []string{"an undocumented route must answer problem+json"}
		}
		return nil
	}
	var msgs []string
	if !okReq && rec.Code < 400 {
		msgs = append(msgs, "the server accepted a request the document refuses:")
		msgs = append(msgs, describe(reqErrs)...)
	}
	if ok, errs := v.ValidateHttpResponse(req, resp); !ok {
		msgs = append(msgs, "the answer:")
		msgs = append(msgs, describe(errs)...)
	}
	return msgs
}

// undocumented reports errors that say the document lacks the path or the
// method (a 405 is answered for the others, as problem+json).
func undocumented(errs []*verrors.ValidationError) bool {
	for _, e := range errs {
		if e.IsOperationMissingError() || e.IsPathMissingError() {
			return true
		}
	}
	return false
}

func isProblem(rec *httptest.ResponseRecorder) bool {
	var p struct {
		Code   string `json:"code"`
		Status int    `json:"status"`
	}
	return rec.Header().Get("Content-Type") == "application/problem+json" &&
		json.Unmarshal(rec.Body.Bytes(), &p) == nil && p.Code != "" && p.Status == rec.Code
}

func describe(errs []*verrors.ValidationError) []string {
	var out []string
	for _, e := range errs {
		line := e.Message
		if e.Reason != "" {
			line += ": " + e.Reason
		}
		for _, s := range e.SchemaValidationErrors {
			line += fmt.Sprintf("\n      at %s: %s", s.FieldPath, s.Reason)
		}
		out = append(out, line)
	}
	return out
}
