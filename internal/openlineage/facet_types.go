package openlineage

import "time"

// JobType is the jobType job facet, e.g. {BATCH, AIRFLOW, DAG} for a DAG and
// {BATCH, AIRFLOW, TASK} for one of its tasks.
type JobType struct {
	ProcessingType string // BATCH, STREAMING or SERVICE
	Integration    string // AIRFLOW, DBT, SPARK, …
	JobType        string // integration-specific: DAG, TASK, MODEL, QUERY, …
}

// Owner is one entry of the ownership job facet.
type Owner struct {
	Name string // a URN by convention, e.g. team:data
	Type string // optional, e.g. MAINTAINER
}

// ErrorMessage is the errorMessage run facet, sent with FAIL.
type ErrorMessage struct {
	Message             string
	ProgrammingLanguage string
	StackTrace          string
}

// NominalTime is the nominalTime run facet: the interval the run was
// scheduled for, as opposed to when it ran.
type NominalTime struct {
	Start time.Time
	End   *time.Time
}

// TestResult is one test of the test run facet (spec facet TestRunFacet).
type TestResult struct {
	Name        string
	Status      string // pass, fail or skip by convention
	Severity    string // error or warn by convention; "" when not given
	Type        string // not_null, unique, …
	Description string
	Expected    string
	Actual      string
}

// Assertion is one entry of the dataQualityAssertions input dataset facet.
type Assertion struct {
	Assertion string // the test, e.g. not_null
	Success   bool
	Column    string // "" when the assertion is about the whole dataset
	Severity  string
	Name      string
	Expected  string
	Actual    string
}

// SchemaField is one field of the schema dataset facet.
type SchemaField struct {
	Name        string
	Type        string
	Description string
	Fields      []SchemaField // nested struct fields
}

// OutputStatistics is the outputStatistics output dataset facet. Nil
// fields were not reported.
type OutputStatistics struct {
	RowCount  *int64
	Size      *int64 // bytes
	FileCount *int64
}

// Symlink is one identifier of the symlinks dataset facet: another name of
// the same dataset, such as the Hive table Spark writes through a path.
type Symlink struct {
	Namespace string
	Name      string
	Type      string // TABLE, LOCATION, …; "" when not given
}
