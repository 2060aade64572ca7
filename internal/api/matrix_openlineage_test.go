package api_test

import "fmt"

// olDatasetEvent is a fresh DatasetEvent: a new dataset node each time.
func olDatasetEvent(f *fixture) string {
	return fmt.Sprintf(`{"eventTime":"2024-05-01T04:00:00Z","producer":"https://example.com/matrix",
	 "schemaURL":"https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent",
	 "dataset":{"namespace":"s3://matrix","name":"matrix_%d"}}`, f.next())
}

// The OpenLineage routes write into the caller's own organization (another
// organization's admin gets its own node), and name no object in the path.
func init() {
	matrix["POST /api/v1/lineage"] = matrixCase{body: olDatasetEvent, want: [6]int{401, 201, 403, 201, 201, 201}}
	matrix["POST /api/v1/lineage/batch"] = matrixCase{body: func(f *fixture) string { return "[" + olDatasetEvent(f) + "]" },
		want: [6]int{401, 200, 403, 200, 200, 200}}
	matrix["GET /api/v1/lineage/events"] = matrixCase{want: [6]int{401, 200, 200, 200, 200, 200}}
}
