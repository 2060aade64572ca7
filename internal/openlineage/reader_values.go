package openlineage

import (
	"encoding/json"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// timestamp reads a date-time. RFC 3339 is what the spec asks for; an
// ISO 8601 time without an offset is read as UTC, because the Python client
// sends datetime.isoformat() of naive datetimes that way.
func (r *reader) timestamp(m map[string]any, path, key string, n need) time.Time {
	s := r.str(m, path, key, n)
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t, err = time.ParseInLocation("2006-01-02T15:04:05.999999999", s, time.UTC)
	}
	if err != nil {
		r.add(at(path, key), "%s must be an RFC 3339 date-time like 2024-05-01T12:00:00Z, but it is %q.", key, clip(s))
	}
	return t
}

// uuid reads a UUID in its 8-4-4-4-12 text form and returns it in lower
// case, so "ABC…" and "abc…" from two producers name the same run.
func (r *reader) uuid(m map[string]any, path, key string) string {
	s := r.str(m, path, key, nonEmpty)
	if s != "" && !isUUID(s) {
		r.add(at(path, key), "%s must be a UUID like 0190f1e4-5a6b-7c8d-9e0f-a1b2c3d4e5f6, but it is %q.", key, clip(s))
		return ""
	}
	return strings.ToLower(s)
}

func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case i == 8 || i == 13 || i == 18 || i == 23:
			if c != '-' {
				return false
			}
		case !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'):
			return false
		}
	}
	return true
}

// integer reads an optional whole number. Like JSON Schema's "integer" it
// accepts 2000.0 and 2e3; unlike it, the value must fit in an int64.
func (r *reader) integer(m map[string]any, path, key string) *int64 {
	v, ok := r.lookup(m, path, key, optional)
	if !ok {
		return nil
	}
	if num, isNum := v.(json.Number); isNum {
		if i, err := strconv.ParseInt(string(num), 10, 64); err == nil {
			return &i
		}
		f, err := strconv.ParseFloat(string(num), 64)
		if err == nil && f == math.Trunc(f) && math.Abs(f) < 1<<63 {
			i := int64(f)
			return &i
		}
	}
	r.add(at(path, key), "%s must be a whole number, but it is %s.", key, kindOf(v))
	return nil
}

// facets reads a facet map: an object whose values are objects. It returns
// the map and its canonical JSON, which the store keeps as is.
func (r *reader) facets(m map[string]any, path, key string) (map[string]any, json.RawMessage) {
	f := r.object(m, path, key, optional)
	if f == nil {
		return nil, nil
	}
	// Sorted so that the problems come in the same order every time.
	for _, name := range slices.Sorted(maps.Keys(f)) {
		r.asObject(f[name], at(at(path, key), name), name)
	}
	return f, canonicalJSON(f)
}

// facet returns the facet called name if it is an object. facets has
// already reported one that is not.
func facet(f map[string]any, name string) map[string]any {
	o, _ := f[name].(map[string]any)
	return o
}

// clip shortens a bad value quoted back in a message.
func clip(s string) string {
	const limit = 64
	if len(s) <= limit {
		return s
	}
	return strings.ToValidUTF8(s[:limit], "") + "…"
}
