package api

import (
	"net/http"
	"regexp"
	"strings"
)

// openAPI serves the OpenAPI 3.1 document of this API. It is built from the
// route table itself, so it cannot drift from the routes: every route, its
// method, its path parameters and who may call it.
func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) error {
	return respond(w, http.StatusOK, s.openAPIDocument())
}

var pathParam = regexp.MustCompile(`\{([a-z_]+)\}`)

func (s *Server) openAPIDocument() map[string]any {
	paths := map[string]map[string]any{}
	for _, rt := range s.routes {
		path := strings.TrimSuffix(rt.path, "{$}")
		if paths[path] == nil {
			paths[path] = map[string]any{}
		}
		op := map[string]any{
			"operationId": operationID(rt.method, path),
			"tags":        []string{tagOf(path)},
			"summary":     accessSummary(rt.need),
			"responses": map[string]any{
				"default": map[string]any{"description": "An error as application/problem+json (RFC 9457) with a stable code.",
					"content": map[string]any{"application/problem+json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Problem"}}}},
				"2XX": map[string]any{"description": "Success; see API.md for the body."},
			},
		}
		if !rt.need.public {
			op["security"] = []map[string][]string{{"apiKey": {}}, {"bearer": {}}}
		}
		var params []map[string]any
		for _, m := range pathParam.FindAllStringSubmatch(path, -1) {
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]string{"type": "string"}})
		}
		if params != nil {
			op["parameters"] = params
		}
		paths[path][strings.ToLower(rt.method)] = op
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info":    map[string]any{"title": "DataXPipe Catalog API", "version": "1"},
		"paths":   paths,
		"components": map[string]any{
			"securitySchemes": map[string]any{
				"apiKey": map[string]string{"type": "apiKey", "in": "header", "name": "X-API-KEY"},
				"bearer": map[string]string{"type": "http", "scheme": "bearer", "description": "dxp_ API key or an OIDC ID token"},
			},
			"schemas": map[string]any{"Problem": map[string]any{"type": "object", "required": []string{"type", "title", "status", "code", "detail"},
				"properties": map[string]any{"type": str, "title": str, "status": map[string]string{"type": "integer"}, "code": str, "detail": str,
					"request_id": str, "errors": map[string]any{"type": "array", "items": map[string]any{"type": "object",
						"properties": map[string]any{"field": str, "message": str}}}}}},
		},
	}
}

var str = map[string]string{"type": "string"}

func operationID(method, path string) string {
	parts := []string{strings.ToLower(method)}
	for _, p := range strings.Split(strings.Trim(path, "/"), "/") {
		p = strings.Trim(p, "{}")
		if p != "" && p != "api" && p != "v1" {
			parts = append(parts, strings.ReplaceAll(p, "-", "_"))
		}
	}
	return strings.Join(parts, "_")
}

func tagOf(path string) string {
	parts := strings.Split(strings.TrimPrefix(path, "/api/v1/"), "/")
	if parts[0] == "" || strings.HasPrefix(path, "/healthz") || strings.HasPrefix(path, "/readyz") || strings.HasPrefix(path, "/metrics") {
		return "operations"
	}
	return parts[0]
}

func accessSummary(n need) string {
	switch {
	case n.public:
		return "Public."
	case n.platform:
		return "Platform admins."
	case n.person:
		return "A person signed in with OIDC."
	default:
		return "Role " + string(n.role) + " or higher."
	}
}
