package spec

import "encoding/json"

// CheckTargets reads which dataset each check of a definition the server
// stored (the JSON of a Pipeline) guards: check id → its target
// (catalog.CheckTargets). A definition it cannot read names none.
func CheckTargets(definition json.RawMessage) map[string]string {
	var p Pipeline
	if json.Unmarshal(definition, &p) != nil {
		return nil
	}
	out := map[string]string{}
	for _, c := range p.Checks {
		if _, dup := out[c.ID]; !dup && c.Target != "" { // the first of duplicate ids wins, as for severities
			out[c.ID] = c.Target
		}
	}
	return out
}
