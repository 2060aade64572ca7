package openlineage

import "strings"

// PipelineName returns the catalog pipeline a job belongs to: the job name
// up to its first dot. Airflow names a DAG's job after the dag_id and each
// task's job dag_id.task_id, so "orders_sync" and "orders_sync.load" both
// belong to the pipeline orders_sync. A name without a dot, or starting
// with one, is returned as it is.
func PipelineName(jobName string) string {
	if before, _, found := strings.Cut(jobName, "."); found && before != "" {
		return before
	}
	return jobName
}

// DAGRunID returns the run id that the event's run rolls up to. For a task
// whose parent facet names the DAG, that is the DAG's run: the parent job
// is the task's pipeline (orders_sync for orders_sync.load), or has no dot
// at all (an orchestrating job named differently, as dbt's). Otherwise it
// is the event's own run id: a job without a dot is a pipeline run itself
// (even if another DAG triggered it), and a parent that is itself a task
// is not a pipeline run.
func DAGRunID(e Event) string {
	p := e.Parent
	if p == nil || p.RunID == "" || !strings.Contains(e.Job.Name, ".") {
		return e.RunID
	}
	if p.JobName == PipelineName(e.Job.Name) || !strings.Contains(p.JobName, ".") {
		return p.RunID
	}
	return e.RunID
}
