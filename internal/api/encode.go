package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/dataxpipe/catalog/internal/catalog"
)

// maxBody is the request size limit of API.md.
const maxBody = 1 << 20

// writeJSON encodes v with status.
func writeJSON(w http.ResponseWriter, status int, contentType string, v any) {
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

// respond writes v as JSON with status.
func respond(w http.ResponseWriter, status int, v any) error {
	writeJSON(w, status, "application/json", v)
	return nil
}

// readBody reads at most limit bytes of the body; more is ETOOLARGE.
func readBody(r *http.Request, limit int64) ([]byte, error) {
	b, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, limit))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return nil, catalog.Errorf(catalog.ETOOLARGE, "The request body is over %d bytes; send less.", limit)
	}
	if err != nil {
		return nil, catalog.Errorf(catalog.EMALFORMED, "The request body could not be read.")
	}
	return b, nil
}

// decode reads a JSON body into T. Unknown fields are refused (422), because
// a misspelt field silently ignored is a lost write; organization fields get
// their own explanation. Every problem of the body is listed at once.
func decode[T any](r *http.Request) (T, error) {
	v, problems, err := decodeAll[T](r)
	if err == nil && len(problems) > 0 {
		err = catalog.Invalid(problems)
	}
	return v, err
}

// decodeAll is decode for handlers with rules of their own: it returns the
// body's field problems (decodeBody) for the handler to merge with its own
// (mergeProblems), so that one answer lists both. The error is for a body
// that cannot be read as JSON at all.
func decodeAll[T any](r *http.Request) (T, []catalog.FieldError, error) {
	var v T
	if ct := r.Header.Get("Content-Type"); ct != "" {
		if mt, _, _ := mime.ParseMediaType(ct); mt != "application/json" {
			return v, nil, catalog.Errorf(catalog.EMALFORMED, "Send the body as JSON with Content-Type: application/json (got %q).", ct)
		}
	}
	body, err := readBody(r, maxBody)
	if err != nil {
		return v, nil, err
	}
	if len(bytes.TrimSpace(body)) == 0 {
		body = []byte("{}")
	}
	if err := storableJSON(body); err != nil {
		return v, nil, err // unstorable text is refused before anything reads it
	}
	return decodeBody[T](body) // body_fields.go
}

// storableJSON refuses a JSON body holding a string that cannot be stored
// (see jsonTextProblems), naming each one. A body that is not JSON passes:
// the decoder explains its syntax error.
func storableJSON(body []byte) error {
	if !json.Valid(body) {
		return nil
	}
	if problems := jsonTextProblems(body); len(problems) > 0 {
		return catalog.Invalid(problems)
	}
	return nil
}

func decodeError(err error) error {
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &typeErr):
		return catalog.Invalid([]catalog.FieldError{{Field: typeErr.Field, Message: fmt.Sprintf("%s must be a JSON %s.", typeErr.Field, jsonKind(typeErr.Type.Kind().String()))}})
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		msg := fmt.Sprintf("%s is not a field of this request; remove it.", field)
		if field == "organization_id" || field == "organization" {
			msg = "The organization comes from the credential, never from the body; remove " + field + "."
		}
		return catalog.Invalid([]catalog.FieldError{{Field: field, Message: msg}})
	default:
		return catalog.Errorf(catalog.EMALFORMED, "The body is not valid JSON: %s.", strings.TrimPrefix(err.Error(), "json: "))
	}
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "string"
	case "slice", "array":
		return "array"
	case "struct", "map":
		return "object"
	case "bool":
		return "boolean"
	default:
		return "number"
	}
}
