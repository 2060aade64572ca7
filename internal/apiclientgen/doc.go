// Package apiclientgen holds no code: its test proves that a client
// generated from the API's OpenAPI document works. It generates a Go client
// with oapi-codegen (pinned in go.mod) from GET /api/v1/openapi.json into a
// temporary module, builds it against the module cache (offline) and calls
// a few routes of a running server with it. It lives apart from
// internal/api so that the generator's dependencies stay out of the API's
// own test binary.
package apiclientgen
