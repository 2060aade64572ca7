package api

// OpenAPI30 renders a 3.1 document (OpenAPIDocument) as OpenAPI 3.0.3, for
// tools that read only 3.0, such as most client generators (oapi-codegen
// v2 among them). The 3.1 document stays the one the API promises; this
// rendition is derived mechanically, and the client-generation test builds
// a working client from it. What 3.0 cannot say is dropped, not guessed:
//   - type [T, "null"] and anyOf [S, {type: null}] become nullable: true;
//   - const v becomes enum [v];
//   - if/then/else (the extra fields of validation_failed and
//     plan_limit_exceeded, the two shapes of a pipeline definition) and
//     patternProperties (x- extensions) are left out: 3.0 has neither.
func OpenAPI30(doc map[string]any) map[string]any {
	out := to30(doc).(map[string]any)
	out["openapi"] = "3.0.3"
	return out
}

func to30(v any) any {
	switch v := v.(type) {
	case map[string]any:
		return mapTo30(v)
	case []any:
		out := make([]any, 0, len(v))
		for _, x := range v {
			out = append(out, to30(x))
		}
		return out
	case []map[string]any:
		out := make([]any, 0, len(v))
		for _, x := range v {
			out = append(out, to30(x))
		}
		return out
	}
	return v
}

func mapTo30(m map[string]any) any {
	out := map[string]any{}
	for k, v := range m {
		switch k {
		case "if", "then", "else", "patternProperties": // no 3.0 equivalent
			continue
		}
		out[k] = to30(v)
	}
	if types := typeList(m["type"]); len(types) == 2 && types[1] == "null" {
		out["type"], out["nullable"] = types[0], true
	}
	if c, ok := m["const"]; ok {
		delete(out, "const")
		out["enum"] = []any{c}
	}
	if alts, ok := m["anyOf"].([]any); ok && len(alts) == 2 {
		if n, ok := alts[1].(map[string]any); ok && n["type"] == "null" && len(n) == 1 {
			delete(out, "anyOf")
			s := to30(alts[0]).(map[string]any)
			if _, isRef := s["$ref"]; isRef {
				out["allOf"] = []any{s}
			} else {
				for k, v := range s {
					out[k] = v
				}
			}
			out["nullable"] = true
		}
	}
	if all, ok := out["allOf"].([]any); ok {
		kept := all[:0]
		for _, x := range all {
			if x, ok := x.(map[string]any); !ok || len(x) > 0 {
				kept = append(kept, x)
			}
		}
		if len(kept) == 0 {
			delete(out, "allOf")
		} else {
			out["allOf"] = kept
		}
	}
	return out
}

// typeList reads a 3.1 type array, written by OpenAPIDocument or decoded.
func typeList(v any) []string {
	switch t := v.(type) {
	case []string:
		return t
	case []any:
		out := make([]string, 0, len(t))
		for _, x := range t {
			s, _ := x.(string)
			out = append(out, s)
		}
		return out
	}
	return nil
}
