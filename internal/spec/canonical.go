package spec

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
)

// canonicalPipeline is Pipeline without Version. The version is a label
// the caller may or may not send; leaving it out lets a re-registration of
// identical content compare equal whatever version it carries.
type canonicalPipeline struct {
	Name        string      `json:"name"`
	Description string      `json:"description,omitempty"`
	Owner       string      `json:"owner"`
	Environment string      `json:"environment,omitempty"`
	Schedule    string      `json:"schedule"`
	Tags        []string    `json:"tags"`
	Sources     []Source    `json:"sources"`
	Transforms  []Transform `json:"transforms"`
	Targets     []Target    `json:"targets"`
	Checks      []Check     `json:"checks"`
	Lineage     Lineage     `json:"lineage"`
}

// Canonical returns deterministic JSON of the definition without its
// version: fields in a fixed order, no insignificant whitespace, empty
// lists as [] whether nil or not. The same content decoded from any of the
// accepted shapes gives identical bytes. List order is kept: it is part of
// the content (problem paths and hence the author's intent refer to it).
func (p *Pipeline) Canonical() []byte {
	c := canonicalPipeline{
		Name:        p.Name,
		Description: p.Description,
		Owner:       p.Owner,
		Environment: p.Environment,
		Schedule:    p.Schedule,
		Tags:        orEmpty(p.Tags),
		Sources:     orEmpty(p.Sources),
		Transforms:  orEmpty(p.Transforms),
		Targets:     orEmpty(p.Targets),
		Checks:      orEmpty(p.Checks),
		Lineage:     Lineage{Edges: orEmpty(p.Lineage.Edges)},
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	// Keep <, > and & readable; escaping them is for embedding in HTML.
	enc.SetEscapeHTML(false)
	if err := enc.Encode(c); err != nil {
		// Only strings and slices of plain structs: encoding cannot fail.
		panic("spec: encoding canonical form: " + err.Error())
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// ContentHash is the hex SHA-256 of Canonical.
func (p *Pipeline) ContentHash() string {
	sum := sha256.Sum256(p.Canonical())
	return hex.EncodeToString(sum[:])
}
