package api_test

import (
	"fmt"
	"strings"
)

// The fills and bodies of the authorization matrix (matrix_test.go) for
// routes that name an object of organization A or need one to exist.

// fillConnection puts a fresh connection of organization A in the path and
// reports whether it is unchanged afterwards. The matrix store has no
// secret key, so the config holds only a reference.
func fillConnection(f *fixture, path string) (string, func() bool) {
	id := fmt.Sprintf("victim-%d", f.next())
	f.e.do("POST", "/api/v1/connections/", f.keys[4], `{"id":"`+id+`","type":"postgres","config":{"host":"h","password_secret":"vault/x"}}`).expect(201)
	still := func() bool {
		body := f.e.do("GET", "/api/v1/connections/"+id, f.keys[4], "").Body.String()
		return strings.Contains(body, `"type":"postgres"`) && strings.Contains(body, `"host":"h"`)
	}
	return strings.Replace(path, "{id}", id, 1), still
}

// fillDataset registers a pipeline of organization A with a dataset no
// other organization has, puts it in the path and reports whether it is
// still there afterwards.
func fillDataset(f *fixture, path string) (string, func() bool) {
	n := f.next()
	id := fmt.Sprintf("ds_%d", n)
	f.e.do("POST", "/api/v1/pipelines/", f.keys[4], fmt.Sprintf(`{"name":"lineage_%d","owner":"o@a.io","schedule":"@daily",
	  "sources":[{"id":"%s_src","type":"s3"}],"targets":[{"id":"%s","type":"s3","inputs":["%s_src"]}]}`, n, id, id, id)).expect(201)
	still := func() bool { return f.e.do("GET", "/api/v1/datasets/"+id, f.keys[4], "").Code == 200 }
	return strings.Replace(path, "{dataset_id}", id, 1), still
}

// matrixPipeline is organization A's pipeline for the run and check routes
// of the authorization matrix. Other organizations have no such pipeline,
// so their posts are refused as naming an unknown one (422).
const matrixPipeline = "matrix_runs"

// matrixRun makes a fresh running run in organization A and returns its id.
func matrixRun(f *fixture) string {
	f.e.do("POST", "/api/v1/pipelines/", f.keys[4], pipelineJSON(matrixPipeline, "1")) // 201 once, then 200
	return f.e.do("POST", "/api/v1/runs/", f.keys[4], `{"pipeline_id":"`+matrixPipeline+`","status":"running"}`).
		expect(201).json()["run_id"].(string)
}

// fillRun puts a fresh run of organization A in the path and reports
// whether it is still running afterwards.
func fillRun(f *fixture, path string) (string, func() bool) {
	id := matrixRun(f)
	still := func() bool {
		return f.e.do("GET", "/api/v1/runs/"+id, f.keys[4], "").expect(200).json()["status"] == "running"
	}
	return strings.Replace(path, "{run_id}", id, 1), still
}

// matrixRunBody makes sure organization A's pipeline exists and posts a run
// of it.
func matrixRunBody(f *fixture) string {
	f.e.do("POST", "/api/v1/pipelines/", f.keys[4], pipelineJSON(matrixPipeline, "1"))
	return `{"pipeline_id":"` + matrixPipeline + `","status":"running"}`
}

// olDatasetEvent is a fresh DatasetEvent: a new dataset node each time.
func olDatasetEvent(f *fixture) string {
	return fmt.Sprintf(`{"eventTime":"2024-05-01T04:00:00Z","producer":"https://example.com/matrix",
	 "schemaURL":"https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent",
	 "dataset":{"namespace":"s3://matrix","name":"matrix_%d"}}`, f.next())
}

func webhookBody(*fixture) string {
	return `{"url":"https://hooks.example.com/in","events":["run.failed"]}`
}

// matrixWebhooks is the webhook each matrix fixture filled in last,
// deleted at the next fill so the matrix stays under the per-organization
// limit of webhooks.
var matrixWebhooks = map[*fixture]string{}

// fillWebhook puts a fresh webhook of organization A in the path and
// reports whether it is still there, enabled and with its URL.
func fillWebhook(f *fixture, path string) (string, func() bool) {
	if last := matrixWebhooks[f]; last != "" {
		f.e.do("DELETE", "/api/v1/webhooks/"+last, f.keys[4], "")
	}
	id := f.e.do("POST", "/api/v1/webhooks/", f.keys[4], webhookBody(f)).expect(201).json()["id"].(string)
	matrixWebhooks[f] = id
	still := func() bool {
		body := f.e.do("GET", "/api/v1/webhooks/"+id, f.keys[4], "").Body.String()
		return strings.Contains(body, `"enabled":true`) && strings.Contains(body, `"url":"https://hooks.example.com/in"`)
	}
	return strings.Replace(path, "{id}", id, 1), still
}
