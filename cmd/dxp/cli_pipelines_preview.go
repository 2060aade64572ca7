package main

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"

	"github.com/dataxpipe/catalog/internal/client"
	"github.com/dataxpipe/catalog/internal/spec"
)

// preview says what registering p would do, by asking the server what its
// registration asks: is there such a pipeline, is there such a version,
// and is its content the same. It returns the result and the version.
//
// When p has no version, a changed definition gets the next number after
// the current one; the server skips numbers that already exist, which a
// preview does not check, so the version shown may then be lower.
func preview(ctx context.Context, cl *client.Client, p *spec.Pipeline) (string, string, error) {
	raw, err := cl.GetPipelineRaw(ctx, p.Name)
	if client.IsNotFound(err) {
		return "created", cmp.Or(p.Version, spec.NextVersion("")), nil
	} else if err != nil {
		return "", "", err
	}
	cur, err := definition(raw)
	if err != nil {
		return "", "", err
	}
	if p.Version == "" {
		if cur.ContentHash() == p.ContentHash() {
			return "unchanged", cur.Version, nil
		}
		return "new_version", spec.NextVersion(cur.Version), nil
	}
	if p.Version != cur.Version {
		v, err := cl.GetPipelineVersion(ctx, p.Name, p.Version)
		if client.IsNotFound(err) {
			return "new_version", p.Version, nil
		} else if err != nil {
			return "", "", err
		}
		if cur, err = definition(v.Definition); err != nil {
			return "", "", err
		}
	}
	if cur.ContentHash() == p.ContentHash() {
		return "unchanged", p.Version, nil
	}
	return "conflict", p.Version, fmt.Errorf("version %s of pipeline %s is already registered with different content; give the changed spec a new version", p.Version, p.Name)
}

// definition reads a pipeline as the API shows it back. Its definition
// parts are pipeline.json's, and Decode ignores the other fields
// (versions_count, last_run, ...), so the content hash is comparable.
func definition(raw json.RawMessage) (*spec.Pipeline, error) {
	p, _, err := spec.Decode("application/json", raw)
	if err != nil {
		return nil, fmt.Errorf("read the registered pipeline: %w", err)
	}
	return p, nil
}
