package sqlstore

import (
	"bytes"
	"encoding/json"
)

// mergeAttributes returns cur with the keys of add replacing its own and
// those set to null removed, as canonical JSON (sorted keys, compact) so
// that equal attributes are equal text; nil when none are left.
func mergeAttributes(cur, add json.RawMessage) (json.RawMessage, bool) {
	m := map[string]json.RawMessage{}
	if cur != nil && json.Unmarshal(cur, &m) != nil {
		return cur, false
	}
	var upd map[string]json.RawMessage
	if json.Unmarshal(add, &upd) != nil || upd == nil {
		return cur, false
	}
	for k, v := range upd {
		if string(v) == "null" {
			delete(m, k)
		} else {
			m[k] = v
		}
	}
	if len(m) == 0 {
		return nil, true
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // keep "<" as the client wrote it, not \u003c
	if err := enc.Encode(m); err != nil {
		return cur, false
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), true
}
