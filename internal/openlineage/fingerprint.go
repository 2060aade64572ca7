package openlineage

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
)

// Fingerprint is the hex SHA-256 of the event's canonical JSON: Raw decoded
// and encoded again with object keys sorted and no insignificant
// whitespace. A client that retries, or re-serialises the same event with
// another key order, produces the same fingerprint, so the store can keep
// the event once. Numbers keep their literal text (1.0 and 1 differ).
func (e Event) Fingerprint() string {
	if e.fingerprint != "" {
		return e.fingerprint
	}
	tree, err := decodeTree(e.Raw)
	if err != nil {
		// Only an Event built by hand can get here; hashing the bytes is
		// still stable for it.
		return hashHex(e.Raw)
	}
	return hashHex(canonicalJSON(tree))
}

func hashHex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// canonicalJSON encodes a tree from decodeTree deterministically:
// encoding/json sorts map keys, and json.Number keeps each number's text.
func canonicalJSON(tree any) json.RawMessage {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	// Keep <, > and & as they are; escaping them is for embedding in HTML.
	enc.SetEscapeHTML(false)
	if err := enc.Encode(tree); err != nil {
		// Unreachable: a decoded tree holds only encodable values. Not a
		// panic, because nothing a client sends may crash the server.
		return nil
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}
