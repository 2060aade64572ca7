package api

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/openlineage"
)

// readLineageBody reads a possibly gzipped body of at most
// openlineage.MaxBodyBytes once decoded. The compressed stream gets the
// same cap, so a client cannot hold the connection with endless bytes.
func readLineageBody(r *http.Request) ([]byte, error) {
	raw := http.MaxBytesReader(nil, r.Body, openlineage.MaxBodyBytes+1)
	body, err := openlineage.Decompress(raw, r.Header.Get("Content-Encoding"), openlineage.MaxBodyBytes)
	var tooBig *http.MaxBytesError
	switch {
	case err == nil:
		return body, nil
	case errors.Is(err, openlineage.ErrTooLarge), errors.As(err, &tooBig):
		return nil, catalog.Errorf(catalog.ETOOLARGE, "The OpenLineage body is over %d MiB once decompressed; send smaller batches.", openlineage.MaxBodyBytes>>20)
	case errors.Is(err, openlineage.ErrUnsupportedEncoding):
		return nil, catalog.Errorf(catalog.EMALFORMED, "Content-Encoding %q is not supported; send gzip or no encoding.", r.Header.Get("Content-Encoding"))
	case errors.Is(err, openlineage.ErrBadGzip):
		return nil, catalog.Errorf(catalog.EMALFORMED, "The body says Content-Encoding: gzip but is not valid gzip.")
	}
	return nil, catalog.Errorf(catalog.EMALFORMED, "The request body could not be read.")
}

// parseError turns Parse's errors into 400 (not JSON) or 422 naming every
// bad field.
func parseError(err error) error {
	var invalid *openlineage.ValidationError
	if errors.As(err, &invalid) {
		return catalog.Invalid(problemFields(invalid.Problems))
	}
	msg, _ := strings.CutPrefix(err.Error(), openlineage.ErrNotJSON.Error()+": ")
	return catalog.Errorf(catalog.EMALFORMED, "The body is not JSON (%s); send one OpenLineage event as JSON.", msg)
}

// problemFields writes the JSON pointers of openlineage.Problem in the
// API's field style: /inputs/0/name → inputs[0].name; "" (the event
// itself) stays "".
func problemFields(ps []openlineage.Problem) []catalog.FieldError {
	out := make([]catalog.FieldError, len(ps))
	for i, p := range ps {
		var b strings.Builder
		for _, seg := range strings.Split(strings.TrimPrefix(p.Field, "/"), "/") {
			seg = strings.NewReplacer("~1", "/", "~0", "~").Replace(seg)
			if _, err := strconv.Atoi(seg); err == nil && b.Len() > 0 {
				b.WriteString("[" + seg + "]")
			} else if seg != "" {
				if b.Len() > 0 {
					b.WriteString(".")
				}
				b.WriteString(seg)
			}
		}
		out[i] = catalog.FieldError{Field: b.String(), Message: p.Message}
	}
	return out
}
