package web

import (
	"errors"

	"github.com/dataxpipe/catalog/internal/catalog"
)

// asCatalogError returns err's catalog error, or nil.
func asCatalogError(err error) *catalog.Error {
	var ce *catalog.Error
	if errors.As(err, &ce) {
		return ce
	}
	return nil
}

// fieldProblems returns the field problems of a validation error, so a
// form can show them beside its inputs; nil for any other error.
func fieldProblems(err error) []catalog.FieldError {
	if ce := asCatalogError(err); ce != nil && ce.Code == catalog.EINVALID {
		return ce.Fields
	}
	return nil
}
