package catalog

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// Runs follow the ParentRunFacet chain, not job names: the root of the
// chain is the pipeline run (an Airflow DAG run, a dbt invocation, a Spark
// application) and everything under it is a task of that run, never a run
// of its own. An Airflow task's parent is its DAG run; a SQL hook's child
// job (dag.task.query.1) has the task as its parent and the DAG run as its
// root; a dbt model's parent is the invocation; a Spark SQL execution's
// parent is its application.

// OpenLineageRunRef names another run: the parent or root of a run.
type OpenLineageRunRef struct {
	RunID, JobNamespace, JobName string
}

// rootJobTypes are the jobType facet values of jobs that are the top of
// their hierarchy even when a parent facet names who triggered them: an
// Airflow DAG triggered by another DAG's task is its own pipeline's run.
var rootJobTypes = map[string]bool{"DAG": true, "APPLICATION": true}

// WithHierarchy sets where the event sits in its run hierarchy: DAGRunID
// (the root run), PipelineNamespace and Pipeline (the root's job, which a
// registered pipeline may be) and Depth (0 the root itself, 1 a task of the
// root, 2 anything deeper). Without a root facet the parent is taken as the
// root; UnderRoot corrects that when the parent is known to be a task.
func (ev OpenLineageEvent) WithHierarchy() OpenLineageEvent {
	ev.DAGRunID, ev.PipelineNamespace, ev.Pipeline, ev.Depth = ev.RunID, ev.JobNamespace, ev.JobName, 0
	if ev.Kind != OpenLineageRunEvent || ev.Parent == nil || ev.Parent.RunID == "" || ev.Parent.RunID == ev.RunID || rootJobTypes[ev.JobType] {
		return ev
	}
	root := *ev.Parent
	ev.Depth = 1
	if ev.Root != nil && ev.Root.RunID != "" && ev.Root.RunID != ev.RunID {
		if ev.Root.RunID != ev.Parent.RunID {
			ev.Depth = 2
		}
		root = *ev.Root
	}
	ev.DAGRunID, ev.PipelineNamespace, ev.Pipeline = root.RunID, root.JobNamespace, root.JobName
	return ev
}

// UnderRoot moves an event whose parent (taken as its root for want of a
// root facet) is known to be a task of root one level down.
func (ev OpenLineageEvent) UnderRoot(root OpenLineageRunRef) OpenLineageEvent {
	if ev.Depth != 1 || root.RunID == "" || root.RunID == ev.DAGRunID || root.RunID == ev.RunID {
		return ev
	}
	ev.DAGRunID, ev.PipelineNamespace, ev.Pipeline, ev.Depth = root.RunID, root.JobNamespace, root.JobName, 2
	return ev
}

// MaxTaskAttempts bounds the attempts kept per task in a run's attributes
// (the newest are kept), so a task retried without end cannot grow the
// run past MaxRunAttributesBytes.
const MaxTaskAttempts = 10

// TaskAttemptsWarning is the warning of a task's event (Depth 1) that adds
// an attempt to a task already keeping MaxTaskAttempts in cur, the run's
// attributes before the event: the oldest attempt (possibly the event's
// own, if it is older than all) is then dropped, and the answer says so.
func (ev OpenLineageEvent) TaskAttemptsWarning(cur json.RawMessage) (IngestWarning, bool) {
	if ev.Depth != 1 {
		return IngestWarning{}, false
	}
	var attrs struct {
		Tasks map[string][]TaskAttempt `json:"tasks"`
	}
	_ = json.Unmarshal(cur, &attrs) // none or not an object: no attempts kept yet
	attempts := attrs.Tasks[ev.JobName]
	if len(attempts) < MaxTaskAttempts || slices.ContainsFunc(attempts, func(a TaskAttempt) bool { return a.RunID == ev.RunID }) {
		return IngestWarning{}, false
	}
	return IngestWarning{Cap: "task_attempts", Message: fmt.Sprintf(
		"Task %q already keeps its %d newest attempts in the run's attributes; attempt %s made one more, so the oldest was dropped.",
		ev.JobName, MaxTaskAttempts, ev.RunID)}, true
}

// TaskAttempt is one attempt of a task (one run id of the task's job), as
// kept in the run's attributes under tasks.
type TaskAttempt struct {
	RunID     string    `json:"run_id"`
	StartedAt time.Time `json:"started_at"`
	Status    string    `json:"status"` // running, success, failed or cancelled
	Error     string    `json:"error,omitempty"`
}

// taskAttributes is the attributes change of a task's event on its run:
// tasks maps each task's job name to its attempts, oldest first, and
// failed_tasks maps the tasks whose last attempt failed to its error. Both
// are recomputed whole from the stored tasks and the event, so any order
// of the same events gives the same attributes.
func (ev OpenLineageEvent) taskAttributes(cur json.RawMessage) json.RawMessage {
	var attrs struct {
		Tasks map[string][]TaskAttempt `json:"tasks"`
	}
	_ = json.Unmarshal(cur, &attrs) // not an object, or none: start anew
	if attrs.Tasks == nil {
		attrs.Tasks = map[string][]TaskAttempt{}
	}
	at := KeepTime(ev.EventTime)
	attempts := attrs.Tasks[ev.JobName]
	i := slices.IndexFunc(attempts, func(a TaskAttempt) bool { return a.RunID == ev.RunID })
	if i < 0 {
		attempts, i = append(attempts, TaskAttempt{RunID: ev.RunID, StartedAt: at, Status: RunRunning}), len(attempts)
	}
	a := &attempts[i]
	if at.Before(a.StartedAt) {
		a.StartedAt = at
	}
	if ev.Terminal && !RunFinished(a.Status) {
		a.Status = ev.Status
	}
	if ev.ErrorMessage != "" && a.Error == "" {
		a.Error = clipBytes(ev.ErrorMessage, 512)
	}
	slices.SortFunc(attempts, func(x, y TaskAttempt) int {
		return cmp.Or(x.StartedAt.Compare(y.StartedAt), cmp.Compare(x.RunID, y.RunID))
	})
	if len(attempts) > MaxTaskAttempts {
		attempts = attempts[len(attempts)-MaxTaskAttempts:]
	}
	attrs.Tasks[ev.JobName] = attempts
	failed := map[string]string{}
	for name, list := range attrs.Tasks {
		if last := list[len(list)-1]; last.Status == RunFailed {
			failed[name] = last.Error
		}
	}
	b, _ := json.Marshal(map[string]any{"tasks": attrs.Tasks, "failed_tasks": failed}) // plain values always encode
	return b
}

// OpenLineageJob names an OpenLineage job a registered pipeline is.
type OpenLineageJob struct {
	Namespace, Name string // Namespace "" matches the name in any namespace
}

// OpenLineageJobKey is the short key of a job (namespace, name) that
// pipelines are looked up by.
func OpenLineageJobKey(namespace, name string) string {
	return ObservedDatasetID(namespace, name)[len(datasetIDPrefix):]
}
