package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/dataxpipe/catalog/internal/client"
)

// readCheckResults reads a results file: one result, a list of results,
// or {"results": [...]}, the batch body of the API.
func readCheckResults(c *cli, path string) ([]client.CheckResult, error) {
	var (
		body []byte
		err  error
	)
	if path == "-" {
		body, err = io.ReadAll(c.stdin)
	} else {
		body, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, fmt.Errorf("read check results: %w", err)
	}
	body = bytes.TrimSpace(body)
	var results []client.CheckResult
	if bytes.HasPrefix(body, []byte("[")) {
		err = json.Unmarshal(body, &results)
	} else {
		// An object is the batch body when it has "results", else one result.
		var batch struct {
			Results []client.CheckResult `json:"results"`
		}
		if err = json.Unmarshal(body, &batch); err == nil && batch.Results != nil {
			results = batch.Results
		} else if err == nil {
			var one client.CheckResult
			err = json.Unmarshal(body, &one)
			results = []client.CheckResult{one}
		}
	}
	if err != nil {
		return nil, fmt.Errorf("read check results from %s: %w", path, err)
	}
	if len(results) == 0 {
		return nil, fmt.Errorf("%s holds no check results", path)
	}
	return results, nil
}
