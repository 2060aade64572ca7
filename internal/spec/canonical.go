package spec

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
)

// Canonical returns deterministic JSON of the definition without its
// version: fields in a fixed order, no insignificant whitespace, empty
// lists as [] whether nil or not. The same content decoded from any of the
// accepted shapes gives identical bytes. List order is kept: it is part of
// the content (problem paths and hence the author's intent refer to it).
func (p *Pipeline) Canonical() []byte {
	// The version is a label the caller may or may not send; dropping it
	// (it is omitempty) lets identical content compare equal whatever
	// version it carries.
	c := *p
	c.Version = ""
	c.Tags, c.Sources, c.Transforms = orEmpty(p.Tags), orEmpty(p.Sources), orEmpty(p.Transforms)
	c.Targets, c.Checks, c.Lineage = orEmpty(p.Targets), orEmpty(p.Checks), Lineage{Edges: orEmpty(p.Lineage.Edges)}
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
