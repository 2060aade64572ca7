package openlineage

import (
	"encoding/json"
	"time"
)

// Kind is which of the spec's three events a body is.
type Kind string

// The event kinds. A RunEvent reports a run's state; a JobEvent and a
// DatasetEvent carry static metadata with no run.
const (
	KindRun     Kind = "run"
	KindJob     Kind = "job"
	KindDataset Kind = "dataset"
)

// EventType is a RunEvent's transition.
type EventType string

// The spec's event types. A run sends one START and one of COMPLETE, ABORT
// or FAIL; RUNNING and OTHER may come in between or after.
const (
	Start    EventType = "START"
	Running  EventType = "RUNNING"
	Complete EventType = "COMPLETE"
	Abort    EventType = "ABORT"
	Fail     EventType = "FAIL"
	Other    EventType = "OTHER"
)

// Event is a parsed, valid OpenLineage event: the fields the mapping onto
// runs, checks and the lineage graph reads, plus the raw JSON to store.
// Fields that belong to another kind stay zero.
type Event struct {
	Kind      Kind
	EventType EventType // RunEvent only; "" when the producer sent none
	EventTime time.Time
	Producer  string
	SchemaURL string

	// RunEvent only.
	RunID     string          // a UUID, lower case
	RunFacets json.RawMessage // run.facets as canonical JSON, nil if none
	Parent    *RunRef         // the parent run facet, e.g. the DAG run of a task
	Root      *RunRef         // parent.root: the run at the top of the hierarchy
	Error     *ErrorMessage   // the errorMessage run facet
	Nominal   *NominalTime    // the nominalTime run facet (the schedule time)
	Tests     []TestResult    // the test run facet

	Job     Job       // RunEvent and JobEvent
	Inputs  []Dataset // RunEvent and JobEvent
	Outputs []Dataset // RunEvent and JobEvent
	Dataset *Dataset  // DatasetEvent only

	// Raw is the event exactly as received.
	Raw json.RawMessage

	fingerprint string // set by Parse; see Fingerprint
}

// RunRef names another run: the parent or root of a run.
type RunRef struct {
	RunID        string // a UUID, lower case
	JobNamespace string
	JobName      string
}

// Job is the job of a RunEvent or JobEvent with the job facets the catalog
// reads.
type Job struct {
	Namespace     string
	Name          string
	Type          *JobType        // the jobType facet
	Owners        []Owner         // the ownership facet
	Documentation string          // the documentation facet's description
	Facets        json.RawMessage // job.facets as canonical JSON, nil if none
}

// Dataset is an input, an output or a DatasetEvent's dataset, with the
// dataset facets the catalog reads.
type Dataset struct {
	Namespace    string
	Name         string
	Schema       []SchemaField     // the schema facet
	Assertions   []Assertion       // the dataQualityAssertions facet (facets or inputFacets)
	Symlinks     []Symlink         // the symlinks facet
	Statistics   *OutputStatistics // the outputStatistics output facet
	Facets       json.RawMessage   // facets as canonical JSON, nil if none
	InputFacets  json.RawMessage   // inputFacets (inputs only)
	OutputFacets json.RawMessage   // outputFacets (outputs only)
}
