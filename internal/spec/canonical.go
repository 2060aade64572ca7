package spec

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
)

// A content hash names its algorithm: "v1:" and the hex SHA-256 of that
// version's canonical form. Registrations store it, and a later one compares
// its content by recomputing with the stored hash's algorithm
// (SameContent), so a new algorithm (a field whose absence no longer
// encodes as nothing, a new normalisation) leaves every stored pipeline
// unchanged until its content really changes.
//
// Adding a field to the spec needs no new version when the field is
// omitempty and absent from older content: canonicalV1 then encodes older
// content exactly as before (TestCanonicalV1_FieldsAreFrozen holds the line).
// A new version goes at the end of hashAlgorithms, and an older version's
// form must never change: zero in it every field it did not know.
type hashAlgorithm struct {
	version   string
	canonical func(*Pipeline) []byte
}

// hashAlgorithms lists every algorithm this build can recompute, oldest
// first; the last is the one ContentHash uses.
var hashAlgorithms = []hashAlgorithm{
	{"v1", canonicalV1},
}

// legacyHashVersion is the algorithm of hashes stored before they carried a
// version: bare hex, the same form as v1.
const legacyHashVersion = "v1"

// Canonical returns the canonical form of the current algorithm:
// deterministic JSON of the definition without its version. See canonicalV1.
func (p *Pipeline) Canonical() []byte { return currentHash().canonical(p) }

// ContentHash identifies the content, whatever version label it carries,
// as the current algorithm's version and hash ("v1:9f86…").
func (p *Pipeline) ContentHash() string {
	h := currentHash()
	return h.version + ":" + digest(h.canonical(p))
}

// SameContent reports whether stored, a ContentHash kept from an earlier
// registration, names p's content. It recomputes p's hash with stored's
// algorithm, so content registered under an older algorithm (or before
// hashes were versioned) still compares equal. A hash of an algorithm this
// build does not know (written by a newer one) compares unequal: this build
// cannot judge it, and registering anew loses nothing.
func (p *Pipeline) SameContent(stored string) bool {
	version, sum, ok := strings.Cut(stored, ":")
	if !ok {
		version, sum = legacyHashVersion, stored
	}
	for _, h := range hashAlgorithms {
		if h.version == version {
			return sum == digest(h.canonical(p))
		}
	}
	return false
}

func currentHash() hashAlgorithm { return hashAlgorithms[len(hashAlgorithms)-1] }

func digest(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// canonicalV1 is deterministic JSON of the definition without its version:
// fields in a fixed order, no insignificant whitespace, empty lists as []
// whether nil or not. The same content decoded from any of the accepted
// shapes gives identical bytes. List order is kept: it is part of the
// content (problem paths and hence the author's intent refer to it).
func canonicalV1(p *Pipeline) []byte {
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
