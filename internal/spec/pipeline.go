package spec

// Pipeline is a normalised pipeline definition. Whatever shape it was
// decoded from, the pipeline-level fields live here at the top, flat.
type Pipeline struct {
	Name        string      `json:"name"`
	Version     string      `json:"version,omitempty"`
	Description string      `json:"description,omitempty"`
	Owner       string      `json:"owner"`
	Environment string      `json:"environment,omitempty"`
	Schedule    string      `json:"schedule"`
	Tags        []string    `json:"tags"`
	Sources     []Source    `json:"sources"`
	Transforms  []Transform `json:"transforms"`
	Targets     []Target    `json:"targets"`
	Checks      []Check     `json:"checks"`
	Lineage     Lineage     `json:"lineage"`
	// External lists datasets the pipeline reads but does not declare
	// (another pipeline's target, a table outside the catalog). It is
	// optional: an undeclared input is external anyway, unless it is a
	// near-miss of a declared id (a typo). Once the list is there, every
	// undeclared input must be in it. See catalog.refProblem.
	External []string `json:"external,omitempty"`
	// OpenLineage names the OpenLineage jobs whose runs are this
	// pipeline's runs (an Airflow DAG whose dag_id differs, a dbt
	// invocation dbt-run-<project>); none: the job named as the pipeline.
	OpenLineage []OpenLineageJob `json:"openlineage,omitempty"`
	// Freshness says how late a scheduled run may start before the
	// pipeline is late (pipeline.late); nil: DefaultGrace.
	Freshness *Freshness `json:"freshness,omitempty"`

	// meta remembers where things came from in the input, so that Validate
	// can attach YAML line numbers and skip fields Decode could not read.
	// It is nil for a Pipeline built in code.
	meta *meta
}

// Freshness is the pipeline's lateness rule: a scheduled run that has not
// started Grace (a duration such as "30m") after its time is late.
type Freshness struct {
	Grace string `json:"grace,omitempty"`
}

// OpenLineageJob is an OpenLineage job (namespace, name); Namespace ""
// matches the name in any namespace.
type OpenLineageJob struct {
	Namespace string `json:"namespace,omitempty"`
	Name      string `json:"name,omitempty"`
}

// Source is a dataset the pipeline reads from an external system.
type Source struct {
	ID              string `json:"id"`
	Type            string `json:"type"`
	ConnectionRef   string `json:"connection_ref,omitempty"`
	Object          string `json:"object,omitempty"`
	LoadMode        string `json:"load_mode,omitempty"`
	WatermarkColumn string `json:"watermark_column,omitempty"`
}

// Transform is a processing step. Its id names the step; its Outputs are
// the datasets it produces, and only those can be consumed downstream.
type Transform struct {
	ID      string   `json:"id"`
	Type    string   `json:"type"`
	CodeRef string   `json:"code_ref,omitempty"`
	Inputs  []string `json:"inputs,omitempty"`
	Outputs []string `json:"outputs,omitempty"`
}

// Target is a dataset the pipeline writes to an external system; its id
// is the dataset's id in the lineage graph.
type Target struct {
	ID            string   `json:"id"`
	Type          string   `json:"type"`
	ConnectionRef string   `json:"connection_ref,omitempty"`
	Object        string   `json:"object,omitempty"`
	WriteMode     string   `json:"write_mode,omitempty"`
	PrimaryKey    []string `json:"primary_key,omitempty"`
	Inputs        []string `json:"inputs,omitempty"`
}

// Check is a data-quality check run against one dataset of the pipeline.
type Check struct {
	ID       string `json:"id"`
	Target   string `json:"target"`
	Type     string `json:"type,omitempty"`
	CodeRef  string `json:"code_ref,omitempty"`
	Severity string `json:"severity,omitempty"`
}

// Lineage holds lineage edges declared explicitly, on top of the ones
// derived from transform and target inputs.
type Lineage struct {
	Edges []Edge `json:"edges"`
}

// Edge is a dataset-level lineage edge: data flows From one dataset To another.
type Edge struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// Dataset is a node the pipeline declares (sources, transform outputs,
// targets), with its object and connection_ref when known.
type Dataset struct {
	ID            string
	Object        string
	ConnectionRef string
}
