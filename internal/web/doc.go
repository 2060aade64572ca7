// Package web is the product UI: server-rendered HTML pages on the same
// origin as the JSON API, for people signed in with OIDC (or, in
// development, as one of the scaffold identities of the dev organization).
//
// Pages are html/template from the standard library, not a template
// generator such as templ: there is no generation step, so
// `go run ./cmd/dxp serve` keeps needing nothing but Go, and html/template's
// contextual escaping is what keeps a pipeline named
// <script>alert(1)</script> plain text. Templates, the one stylesheet and
// the little JavaScript (a copy button and a confirm step; every page
// works without it) are embedded with go:embed and served under
// content-hashed names with year-long cache headers.
//
// routes.go lists every page on one screen with who may open it, using the
// roles of catalog.Role exactly as the API does, and the handlers call the
// same store services as internal/api. The store's organization filter
// and Postgres row-level security apply unchanged because every handler
// runs with the signed-in person's principal in its context.
//
// Sessions are server-side (see session.go): a random id in an HttpOnly,
// SameSite=Lax cookie, stored as its SHA-256 in the sessions table, ending
// after IdleLifetime without requests or AbsoluteLifetime after sign-in,
// at sign-out, and as soon as the person is no longer a member of the
// organization the session acts in. Every state-changing request passes
// net/http's CrossOriginProtection (Sec-Fetch-Site / Origin checks).
package web
