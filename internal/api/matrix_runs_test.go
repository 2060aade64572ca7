package api_test

import (
	"fmt"
	"strings"
)

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

func init() {
	matrix["POST /api/v1/runs/"] = matrixCase{
		body: func(f *fixture) string {
			f.e.do("POST", "/api/v1/pipelines/", f.keys[4], pipelineJSON(matrixPipeline, "1"))
			return `{"pipeline_id":"` + matrixPipeline + `","status":"running"}`
		},
		want: [6]int{401, 422, 403, 201, 201, 422},
	}
	matrix["GET /api/v1/runs/"] = matrixCase{want: [6]int{401, 200, 200, 200, 200, 200}}
	matrix["GET /api/v1/runs/{run_id}"] = matrixCase{want: [6]int{401, 404, 200, 200, 200, 404}, fill: fillRun}
	matrix["PATCH /api/v1/runs/{run_id}"] = matrixCase{
		body: func(*fixture) string { return `{"status":"success"}` },
		want: [6]int{401, 404, 403, 200, 200, 404},
		fill: fillRun,
	}
	matrix["POST /api/v1/checks/results/"] = matrixCase{
		body: func(f *fixture) string {
			return fmt.Sprintf(`{"run_id":%q,"check_id":"pk_not_null","status":"passed"}`, matrixRun(f))
		},
		want: [6]int{401, 422, 403, 201, 201, 422},
	}
	matrix["GET /api/v1/checks/results/"] = matrixCase{want: [6]int{401, 200, 200, 200, 200, 200}}
}
