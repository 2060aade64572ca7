package api_test

import (
	"fmt"
	"strings"
)

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

func init() {
	matrix["POST /api/v1/connections/"] = matrixCase{
		body: func(f *fixture) string { return fmt.Sprintf(`{"id":"c-%d","type":"s3","config":{}}`, f.next()) },
		want: [6]int{401, 201, 403, 201, 201, 201},
	}
	matrix["GET /api/v1/connections/"] = matrixCase{want: [6]int{401, 200, 200, 200, 200, 200}}
	matrix["GET /api/v1/connections/{id}"] = matrixCase{want: [6]int{401, 404, 200, 200, 200, 404}, fill: fillConnection}
	matrix["PUT /api/v1/connections/{id}"] = matrixCase{
		body: func(*fixture) string { return `{"type":"s3","config":{"bucket":"changed"}}` },
		want: [6]int{401, 404, 403, 200, 200, 404},
		fill: fillConnection,
	}
	matrix["DELETE /api/v1/connections/{id}"] = matrixCase{want: [6]int{401, 404, 403, 204, 204, 404}, fill: fillConnection}
	matrix["GET /api/v1/lineage/{dataset_id}"] = matrixCase{want: [6]int{401, 404, 200, 200, 200, 404}, fill: fillDataset}
	matrix["GET /api/v1/datasets/"] = matrixCase{want: [6]int{401, 200, 200, 200, 200, 200}}
	matrix["GET /api/v1/datasets/{dataset_id}"] = matrixCase{want: [6]int{401, 404, 200, 200, 200, 404}, fill: fillDataset}
}
