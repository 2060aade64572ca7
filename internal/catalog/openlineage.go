package catalog

import (
	"context"
	"encoding/json"
	"time"
)

// The OpenLineage ingestion of POST /api/v1/lineage. The store method that
// applies an event takes an openlineage.Event; that package builds on this
// one (run statuses), so the method's interface lives beside the handler
// (internal/api, openLineageStore) and only the plain types live here.

// Lineage sources other than pipeline specs: an OpenLineage job declares
// the datasets and edges of its latest event that carries any, as
// ("job", "<job namespace>/<job name>"); a DatasetEvent declares its one
// dataset as ("dataset", "<namespace>/<name>").
const (
	LineageSourceJob     = "job"
	LineageSourceDataset = "dataset"
)

// IngestResult says what one OpenLineage event did.
type IngestResult struct {
	Fingerprint string // the event's identity (openlineage.Event.Fingerprint)
	// Duplicate is true when the same event was stored before; it then had
	// no effect at all.
	Duplicate bool
	// Pipeline and RunID name the catalog run the event was applied to,
	// "" when the job belongs to no registered pipeline.
	Pipeline, RunID string
	// RunNote explains why a registered pipeline's run did not take the
	// event (a late event for a finished run, a run of another pipeline);
	// the event and its lineage are kept all the same.
	RunNote string
	Checks  int // check results recorded from the event's facets
}

// OpenLineageRecord is one stored raw event.
type OpenLineageRecord struct {
	Fingerprint  string
	RunID        string // the event's run.runId, "" for Dataset and Job events
	JobNamespace string
	JobName      string
	EventType    string // START, COMPLETE, …; "" when the event has none
	EventTime    time.Time
	ReceivedAt   time.Time
	Body         json.RawMessage // the event exactly as received
}

// OpenLineageFilter narrows the raw event list: RunID matches an event's own
// runId or the DAG run its task rolls up to.
type OpenLineageFilter struct {
	RunID string
	Page
}

// OpenLineageEventService reads and retires the stored raw events.
type OpenLineageEventService interface {
	// ListOpenLineageEvents lists the organization's events newest first
	// (event_time, then fingerprint, descending). EINVALID for a cursor
	// this store did not make.
	ListOpenLineageEvents(ctx context.Context, f OpenLineageFilter) ([]*OpenLineageRecord, string, error)
}

// OpenLineageRetention deletes the raw events of every organization
// received before a time, and returns how many went. What the events did
// (runs, check results, lineage) stays.
type OpenLineageRetention interface {
	PurgeOpenLineageEvents(ctx context.Context, before time.Time) (int64, error)
}
