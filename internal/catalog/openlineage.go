package catalog

import (
	"context"
	"encoding/json"
	"strings"
	"time"
	"unicode/utf8"
)

// The OpenLineage ingestion of POST /api/v1/lineage. internal/openlineage
// parses an event; its caller converts it into an OpenLineageEvent, and the
// rules below map that onto runs, check results and the lineage graph,
// which the store then persists.

// Lineage sources other than pipeline specs: an OpenLineage job declares
// the datasets and edges of its latest event that carries any, as
// ("job", "<job namespace>/<job name>"); a DatasetEvent declares its one
// dataset as ("dataset", "<namespace>/<name>").
const (
	LineageSourceJob     = "job"
	LineageSourceDataset = "dataset"
)

// The kinds of OpenLineage event. A RunEvent reports a run's state; a
// JobEvent and a DatasetEvent carry static metadata with no run.
const (
	OpenLineageRunEvent     = "run"
	OpenLineageJobEvent     = "job"
	OpenLineageDatasetEvent = "dataset"
)

// The OpenLineage event types the mapping tells apart beyond the run status
// they move a run to.
const (
	OpenLineageStart = "START"
	OpenLineageFail  = "FAIL"
)

// MaxOpenLineageEdges bounds the edges one event declares: every input
// times every output grows fast, and one hostile event must not write
// millions of rows. Real jobs are far below it.
const MaxOpenLineageEdges = 10000

// OpenLineageEvent is a parsed, valid OpenLineage event in plain types:
// the fields the mapping reads, with the parser's own rules (the pipeline
// of a job, the DAG run of a task, the status of an event type) already
// applied. Fields of another kind of event stay zero.
type OpenLineageEvent struct {
	Kind        string // OpenLineageRunEvent, OpenLineageJobEvent or OpenLineageDatasetEvent
	EventType   string // RunEvent only: START, RUNNING, COMPLETE, ABORT, FAIL, OTHER; "" when none
	EventTime   time.Time
	Fingerprint string          // the event's identity: equal events have equal fingerprints
	Raw         json.RawMessage // the event exactly as received

	// RunEvent only.
	RunID        string             // the event's run.runId
	Parent, Root *OpenLineageRunRef // the parent run facet and its root, nil when none
	JobType      string             // the jobType facet's jobType (DAG, TASK, APPLICATION, JOB, MODEL, …)
	// Set by WithHierarchy from Parent and Root: the run the event rolls up
	// to, its job, and how deep under it the event's run is.
	DAGRunID                    string
	PipelineNamespace, Pipeline string
	Depth                       int
	Status                      string // the run status the event type moves a run to; "" leaves the status
	Terminal                    bool   // the event type ends a run (COMPLETE, FAIL, ABORT)
	ErrorMessage                string // the errorMessage facet's message, "" when none
	Tests                       []OpenLineageTest

	JobNamespace, JobName string               // RunEvent and JobEvent
	Inputs, Outputs       []OpenLineageDataset // RunEvent and JobEvent
	Dataset               *OpenLineageDataset  // DatasetEvent only
}

// OpenLineageDataset is an input, an output or a DatasetEvent's dataset.
type OpenLineageDataset struct {
	Namespace, Name string
	Assertions      []OpenLineageAssertion // the dataQualityAssertions facet
	Symlinks        []OpenLineageSymlink   // the symlinks facet: other names of the same dataset
	Facets          json.RawMessage        // the dataset's facets object, nil when none
}

// OpenLineageSymlink is one identifier of the symlinks facet (Spark's Hive
// table of a warehouse path); Type is TABLE, LOCATION or the like.
type OpenLineageSymlink struct {
	Namespace, Name, Type string
}

// Table is the dataset's first symlink of type TABLE, else its first
// symlink; nil when it has none. A dataset reported by path and by table
// is one node, named as the table.
func (d OpenLineageDataset) Table() *OpenLineageSymlink {
	for i, s := range d.Symlinks {
		if strings.EqualFold(s.Type, "TABLE") {
			return &d.Symlinks[i]
		}
	}
	if len(d.Symlinks) > 0 {
		return &d.Symlinks[0]
	}
	return nil
}

// OpenLineageAssertion is one entry of the dataQualityAssertions facet.
type OpenLineageAssertion struct {
	Assertion string // the test, e.g. not_null
	Success   bool
	Column    string // "" when the assertion is about the whole dataset
	Severity  string
	Name      string
	Expected  string
	Actual    string
}

// OpenLineageTest is one test of the test run facet.
type OpenLineageTest struct {
	Name        string
	Status      string // pass, fail or skip by convention
	Severity    string
	Description string
	Expected    string
	Actual      string
}

// IngestResult says what one OpenLineage event did.
type IngestResult struct {
	Fingerprint string // the event's identity (OpenLineageEvent.Fingerprint)
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
	// Warnings name the caps the event met (edges beyond
	// MaxOpenLineageEdges, a facet over MaxDatasetFacetBytes): what was
	// kept is kept, and the rest is said, never dropped silently.
	Warnings []IngestWarning
}

// IngestWarning is one cap an event met: Cap names it (edges, facet_size),
// Message says what was kept and what not.
type IngestWarning struct {
	Cap, Message string
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

// OpenLineageIngestService applies OpenLineage events.
type OpenLineageIngestService interface {
	// IngestOpenLineage applies one event in one transaction: the raw event
	// is stored once per fingerprint (a repeat changes nothing and reports
	// Duplicate), its datasets become its job's part of the lineage graph,
	// and a RunEvent of a registered pipeline's job becomes, or updates,
	// that pipeline's run (OpenLineageEvent.ApplyToRun) with the check
	// results of its facets (OpenLineageEvent.CheckReports), whose severity
	// severities resolves as RecordCheckResults does. A run that cannot take
	// the event is no error: RunNote says why.
	IngestOpenLineage(ctx context.Context, ev OpenLineageEvent, severities CheckSeverities) (*IngestResult, error)
	// IngestOpenLineageBatch applies events in order in one transaction,
	// with the results IngestOpenLineage would give one after the other.
	// Any error stores none of them.
	IngestOpenLineageBatch(ctx context.Context, evs []OpenLineageEvent, severities CheckSeverities) ([]*IngestResult, error)
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

// CarriesLineage reports whether a run or job event names datasets: only
// such events replace their job's edges.
func (ev OpenLineageEvent) CarriesLineage() bool {
	return ev.Kind != OpenLineageDatasetEvent && len(ev.Inputs)+len(ev.Outputs) > 0
}

// LineageSource is who the event declares its part of the graph as: its
// job, or for a DatasetEvent its dataset.
func (ev OpenLineageEvent) LineageSource() (kind, name string) {
	if ev.Kind == OpenLineageDatasetEvent && ev.Dataset != nil {
		return LineageSourceDataset, ev.Dataset.Namespace + "/" + ev.Dataset.Name
	}
	return LineageSourceJob, ev.JobNamespace + "/" + ev.JobName
}

// OpenLineageLineage is what an event declares, given the graph nodes its
// inputs and outputs are (for a DatasetEvent: its dataset as the one
// input): each node once, and an edge from every input to every output but
// itself, each once, at most MaxOpenLineageEdges.
func OpenLineageLineage(inputs, outputs []Dataset) ([]Dataset, []LineageEdge) {
	var datasets []Dataset
	seenNode := map[string]bool{}
	for _, d := range append(append([]Dataset(nil), inputs...), outputs...) {
		if !seenNode[d.ID] {
			seenNode[d.ID], datasets = true, append(datasets, d)
		}
	}
	var edges []LineageEdge
	seen := map[LineageEdge]bool{}
	for _, from := range inputs {
		for _, to := range outputs {
			e := LineageEdge{From: from.ID, To: to.ID}
			if e.From != e.To && !seen[e] && len(edges) < MaxOpenLineageEdges {
				seen[e], edges = true, append(edges, e)
			}
		}
	}
	return datasets, edges
}

// ApplyToRun applies a RunEvent to the run it rolls up to (DAGRunID) as of
// cur, nil when that run does not exist yet, at now. It returns the run to
// store and whether there is anything to write. The errors are those of
// NewRun and Run.Apply (ECONFLICT, EINVALID); clients do not resend a 4xx,
// so the caller notes them instead of failing the event.
//
// Only the root's own events (Depth 0: the DAG run, the dbt invocation,
// the Spark application) decide the run's status; a task's events keep the
// run running (and never reopen a finished one) and are kept as attempts in
// the run's attributes (tasks, and failed_tasks for the tasks whose last
// attempt failed); deeper events (a task's child query job) only keep the
// run running. Events arrive out of
// order: a terminal event first (COMPLETE before START) starts the run at
// its own time, which the late START then corrects, also on a finished run.
func (ev OpenLineageEvent) ApplyToRun(orgID string, cur *Run, now time.Time) (*Run, bool, error) {
	own := ev.Depth == 0
	at := KeepTime(ev.EventTime)
	ch := ev.runChange(own, at)
	if cur == nil {
		ch.StartedAt = &at
		if ch.Status == nil {
			running := RunRunning // OTHER, or a task, before anything else of the run
			ch.Status = &running
		}
		if ev.Depth == 1 {
			ch.Attributes = ev.taskAttributes(nil)
		}
		run, err := NewRun(orgID, ev.DAGRunID, ch, now)
		return run, err == nil, err
	}
	early := at.Before(cur.StartedAt)
	switch {
	case RunFinished(cur.Status) && own && ev.EventType == OpenLineageStart && early:
		// The late START of a finished run: its status stays, but the
		// start it reports is the true one.
		next := *cur
		next.StartedAt, next.UpdatedAt = at, now
		return &next, true, nil
	case RunFinished(cur.Status) && !own:
		// A task's late event: the root's own event has decided the
		// status, but the task's attempt is still noted, so that the
		// attributes do not depend on the order events arrive in.
		return ev.noteLateTask(cur, now)
	case RunFinished(cur.Status) && !ev.Terminal:
		return cur, false, nil // a late START, RUNNING or OTHER
	case !own:
		if early {
			ch.StartedAt = &at
		}
		if ev.Depth == 1 {
			ch.Attributes = ev.taskAttributes(cur.Attributes)
		}
	}
	return cur.Apply(ch, now)
}

// noteLateTask records a task's attempt on a finished run, which takes no
// other change.
func (ev OpenLineageEvent) noteLateTask(cur *Run, now time.Time) (*Run, bool, error) {
	if ev.Depth != 1 {
		return cur, false, nil
	}
	merged, ok := mergeAttributes(cur.Attributes, ev.taskAttributes(cur.Attributes))
	if !ok || len(merged) > MaxRunAttributesBytes || string(merged) == string(cur.Attributes) {
		return cur, false, nil
	}
	next := *cur
	next.Attributes, next.UpdatedAt = merged, now
	return &next, true, nil
}

// runChange is what the event says of its run. A task's event only says
// the DAG run is running.
func (ev OpenLineageEvent) runChange(own bool, at time.Time) RunChange {
	ch := RunChange{Pipeline: ev.Pipeline}
	status := ev.Status
	switch {
	case !own || status == RunRunning:
		status = RunRunning
		if own && ev.EventType == OpenLineageStart {
			ch.StartedAt = &at
		}
	case ev.Terminal:
		ch.FinishedAt = &at
		if ev.ErrorMessage != "" {
			msg := clipBytes(ev.ErrorMessage, MaxRunErrorBytes)
			ch.Error = &msg
		}
	}
	if status != "" {
		ch.Status = &status
	}
	return ch
}

// OpenLineageCheck is a check result of an event's facets with the key
// that makes it one result per run: the dataset it tests and the test, or
// for the test run facet the test's name.
type OpenLineageCheck struct {
	Key    string
	Report CheckReport
}

// CheckReports are the reports of OpenLineageChecks.
func (ev OpenLineageEvent) CheckReports(runID string) []CheckReport {
	var out []CheckReport
	for _, c := range ev.OpenLineageChecks(runID) {
		out = append(out, c.Report)
	}
	return out
}

// OpenLineageChecks are the check results of the event's
// dataQualityAssertions facets (on inputs or outputs, in facets or
// inputFacets) and test run facet, for the run runID, executed at the
// event's time. The check id of an assertion is the assertion, with
// ".column" when it names one. A test of the test facet that an assertion
// already carries (same name) is left out. A severity other than error or
// warn (a producer's own words: critical, high) is left to the definition;
// a report that is not valid even so is left out, since one odd test must
// not cost the event its run and lineage; each key once, at most
// MaxCheckBatch.
func (ev OpenLineageEvent) OpenLineageChecks(runID string) []OpenLineageCheck {
	at := KeepTime(ev.EventTime)
	var all []OpenLineageCheck
	named := map[string]bool{}
	for _, in := range append(append([]OpenLineageDataset(nil), ev.Inputs...), ev.Outputs...) {
		for _, a := range in.Assertions {
			status := CheckFailed
			if a.Success {
				status = CheckPassed
			}
			id := strings.Trim(a.Assertion+"."+a.Column, ".")
			if a.Name != "" {
				named[a.Name] = true
			}
			tested := ObservedDatasetID(in.Namespace, in.Name)
			all = append(all, OpenLineageCheck{Key: tested + "/" + id + "/" + a.Name,
				Report: CheckReport{CheckID: id, Status: status, Severity: a.Severity, Message: a.Name, DatasetID: tested,
					Expected: jsonString(a.Expected), ObservedValue: jsonString(a.Actual)}})
		}
	}
	// The test run facet attributes its tests to no dataset; a dbt test's
	// event reads exactly the model it tests, so one input is that dataset.
	var tested string
	if len(ev.Inputs) == 1 {
		tested = ObservedDatasetID(ev.Inputs[0].Namespace, ev.Inputs[0].Name)
	}
	for _, t := range ev.Tests {
		if named[t.Name] {
			continue
		}
		all = append(all, OpenLineageCheck{Key: "test/" + t.Name, Report: CheckReport{CheckID: t.Name, Status: testStatus(t.Status),
			Severity: t.Severity, Message: t.Description, Expected: jsonString(t.Expected), ObservedValue: jsonString(t.Actual), DatasetID: tested}})
	}
	var out []OpenLineageCheck
	seen := map[string]bool{}
	for _, c := range all {
		rep := &c.Report
		rep.RunID, rep.ExecutedAt = runID, &at
		if !ValidSeverity(rep.Severity) {
			rep.Severity = ""
		}
		if !seen[c.Key] && len(rep.Validate()) == 0 && len(out) < MaxCheckBatch {
			seen[c.Key], out = true, append(out, c)
		}
	}
	return out
}

// testStatus maps the test facet's status (pass, fail, skip by convention;
// some producers write passed or success) onto a check status; anything
// else is error, since the test said neither.
func testStatus(s string) string {
	switch strings.ToLower(s) {
	case "pass", "passed", "success":
		return CheckPassed
	case "fail", "failed", "failure":
		return CheckFailed
	case "skip", "skipped":
		return CheckSkipped
	}
	return CheckError
}

// jsonString is s as a JSON string value of at most 1 KiB of text, nil
// for "".
func jsonString(s string) json.RawMessage {
	if s == "" {
		return nil
	}
	b, _ := json.Marshal(clipBytes(s, 1024)) // a string always encodes
	return b
}

// clipBytes cuts s to at most n bytes without splitting a character.
func clipBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
