package api

import (
	"github.com/dataxpipe/catalog/internal/catalog"
)

// operations documents every route of routeTable, keyed by its method and
// path exactly as the table writes them: what the route reads (query
// parameters, a body) and what it answers. mount refuses a route without an
// entry, so a new route is documented in the same change; the schemas come
// from the Go types named here (openapi_schema.go), and the API tests check
// every request and answer against the document (openapi_validate_test.go).
//
// To document a new route, add one entry:
//
//	"GET /api/v1/things/{id}": {summary: "Get a thing.", answers: ok[thingView](200, "The thing.")},
//
// with query: the parameters the handler's queryReader reads (page() is
// pageParams), body: in[T]() for the type decode[T] reads, and answers: one
// or more ok[T](status, description) (ok[none] for a bodyless 204). Errors
// (401, 403, 404, 422, 429, 5xx, problem+json) follow from the route's
// access rule, its path parameters and its inputs, and need no entry.
var operations = map[string]operation{
	"GET /healthz":                 {summary: "Liveness: the process is up.", answers: ok[statusView](200, "Up.").withExample(map[string]any{"status": "ok"})},
	"GET /readyz":                  {summary: "Readiness: the database answers and its schema is current.", answers: ok[statusView](200, "Ready.")},
	"GET /metrics":                 {summary: "Prometheus metrics.", answers: text(200, "text/plain", "The Prometheus text exposition format.")},
	"GET /api/v1/openapi.json":     {summary: "This OpenAPI 3.1 document.", answers: ok[any](200, "The document.")},
	"GET /api/v1/openapi-3.0.json": {summary: "This document as OpenAPI 3.0, for client generators that do not read 3.1.", answers: ok[any](200, "The document.")},

	"GET /api/v1/organizations/me": {summary: "The caller's organization, its plan limits, usage and billing.", answers: ok[myOrgView](200, "The organization.")},
	"POST /api/v1/organizations/": {summary: "Sign up: a signed-in person creates an organization they own.",
		body: in[signupRequest](), answers: ok[orgView](201, "The new organization.")},
	"POST /api/v1/admin/organizations/": {summary: "Create an organization with its first admin key (shown once).",
		body: in[createOrgRequest](), answers: ok[newOrgView](201, "The organization and its admin key.")},
	"GET /api/v1/admin/organizations/": {summary: "List organizations.", query: pageParams, answers: ok[list[orgView]](200, "A page of organizations.")},
	"PATCH /api/v1/admin/organizations/{slug}": {summary: "Rename an organization or change its plan.",
		body: in[updateOrgRequest](), answers: ok[orgView](200, "The organization.")},

	"POST /api/v1/api-keys/": {summary: "Create an API key; the key is shown only in this answer.",
		body: in[createKeyRequest](), answers: ok[keyView](201, "The key, with its secret.")},
	"GET /api/v1/api-keys/":        {summary: "List API keys (never their secrets).", query: pageParams, answers: ok[list[keyView]](200, "A page of keys.")},
	"DELETE /api/v1/api-keys/{id}": {summary: "Revoke an API key.", answers: ok[none](204, "Revoked.")},
	"POST /api/v1/api-keys/{id}/rotate": {summary: "Rotate a key: a new secret now, the old one until the grace period ends.",
		body: in[rotateKeyRequest](), answers: ok[rotatedKeyView](201, "The new key, with its secret.")},
	"GET /api/v1/audit-events/": {summary: "List audit events, newest first.",
		query:   append(params(qstr("action", "Only events of this action, e.g. pipeline.registered."), qstr("actor", "Only events by this actor id."), qtime("since", "Only events at or after this time.")), pageParams...),
		answers: ok[list[auditView]](200, "A page of audit events.")},
	"GET /api/v1/members/":        {summary: "List the organization's members.", query: pageParams, answers: ok[list[memberView]](200, "A page of members.")},
	"POST /api/v1/members/":       {summary: "Add a member by email.", body: in[memberRequest](), answers: ok[memberView](201, "The member.")},
	"PATCH /api/v1/members/{id}":  {summary: "Change a member's role.", body: in[memberUpdate](), answers: ok[memberView](200, "The member.")},
	"DELETE /api/v1/members/{id}": {summary: "Remove a member.", answers: ok[none](204, "Removed.")},
	"POST /api/v1/webhooks/": {summary: "Create a webhook endpoint; its signing secret is shown only in this answer.",
		body: in[createWebhookRequest](), answers: ok[webhookView](201, "The endpoint, with its secret.")},
	"GET /api/v1/webhooks/":     {summary: "List webhook endpoints.", query: pageParams, answers: ok[list[webhookView]](200, "A page of endpoints.")},
	"GET /api/v1/webhooks/{id}": {summary: "Get a webhook endpoint.", answers: ok[webhookView](200, "The endpoint.")},
	"PATCH /api/v1/webhooks/{id}": {summary: "Change an endpoint's URL, description, events, or enable it again.",
		body: in[updateWebhookRequest](), answers: ok[webhookView](200, "The endpoint.")},
	"DELETE /api/v1/webhooks/{id}": {summary: "Delete a webhook endpoint.", answers: ok[none](204, "Deleted.")},
	"POST /api/v1/webhooks/{id}/rotate-secret": {summary: "Give an endpoint a new signing secret, shown only in this answer.",
		answers: ok[webhookView](200, "The endpoint, with its new secret.")},
	"GET /api/v1/webhooks/{id}/deliveries": {summary: "List an endpoint's deliveries with their attempts, newest first.", query: pageParams,
		answers: ok[list[deliveryView]](200, "A page of deliveries.")},
	"POST /api/v1/webhooks/{id}/redeliver": {summary: "Send one delivery's event to the endpoint again.",
		body: in[redeliverRequest](), answers: ok[deliveryView](202, "The new delivery, queued.")},
	"POST /api/v1/webhooks/{id}/test": {summary: "Queue a webhook.test event to the endpoint.", answers: ok[deliveryView](202, "The delivery, queued.")},
	"POST /api/v1/pipelines/": {summary: "Register a pipeline (pipeline.json, or the YAML spec); a new version when its content changed.",
		body: raw(schemaRef("PipelineSpec")), yaml: true, answers: ok[registrationView](201, "Registered a new pipeline or version.").and(200, "The same content was registered before; nothing changed.")},
	"GET /api/v1/pipelines/": {summary: "List pipelines by name.",
		query:   append(params(qstrs("tag", "Only pipelines with every one of these tags (repeat the parameter)."), qstr("owner", "Only pipelines of this owner."), qstr("q", "A substring of the name or description.")), pageParams...),
		answers: ok[list[pipelineSummary]](200, "A page of pipelines.")},
	"GET /api/v1/pipelines/{name}":    {summary: "Get a pipeline's newest version and its last run.", answers: ok[pipelineView](200, "The pipeline.")},
	"DELETE /api/v1/pipelines/{name}": {summary: "Delete a pipeline and its versions.", answers: ok[none](204, "Deleted.")},
	"GET /api/v1/pipelines/{name}/versions/": {summary: "List a pipeline's versions, newest first.", query: pageParams,
		answers: ok[list[versionSummary]](200, "A page of versions.")},
	"GET /api/v1/pipelines/{name}/versions/{version}": {summary: "Get one version's definition.", answers: ok[versionView](200, "The version.")},
	"POST /api/v1/connections/": {summary: "Create a connection; secret-looking settings are stored encrypted.",
		body: in[connectionRequest](), answers: ok[connectionView](201, "The connection, secrets masked.")},
	"GET /api/v1/connections/":        {summary: "List connections.", query: pageParams, answers: ok[list[connectionView]](200, "A page of connections.")},
	"GET /api/v1/connections/{id}":    {summary: "Get a connection, secrets masked.", answers: ok[connectionView](200, "The connection.")},
	"PUT /api/v1/connections/{id}":    {summary: "Replace a connection.", body: in[connectionRequest](), answers: ok[connectionView](200, "The connection.")},
	"DELETE /api/v1/connections/{id}": {summary: "Delete a connection.", answers: ok[none](204, "Deleted.")},
	"GET /api/v1/datasets/": {summary: "List datasets.",
		query:   append(params(qstr("q", "A substring of the dataset's name or namespace."), qstr("namespace", "Only datasets in this namespace."), qstr("name", "Only datasets with this name.")), pageParams...),
		answers: ok[list[datasetView]](200, "A page of datasets.")},
	"GET /api/v1/datasets/{dataset_id}": {summary: "Get a dataset with its producers, neighbours, columns and facets.", query: datasetParams,
		answers: ok[datasetDetailView](200, "The dataset.")},

	"GET /api/v1/lineage/{dataset_id}": {summary: "The lineage subgraph around a dataset, as JSON, Graphviz DOT or SVG.", query: lineageParams,
		answers: ok[lineageView](200, "The subgraph.").alt("text/vnd.graphviz", "image/svg+xml")},
	"GET /api/v1/lineage/{dataset_id}/impact": {summary: "Everything downstream of a dataset, grouped by producing pipeline, with owners, tags, last and next run, the failing error checks that block each, and totals by owner; paged by group.",
		query: append(append(params(
			param{name: "depth", description: "How many edges to walk downstream.", schema: map[string]any{"type": "integer", "minimum": 1, "maximum": catalog.MaxLineageDepth, "default": catalog.DefaultImpactDepth}},
			qenum("format", "The answer's format; without it, Accept decides (text/csv, else JSON).", "json", "csv"),
		), pageParams...), datasetParams...),
		answers: ok[impactView](200, "A page of the impact; as CSV, one row per pipeline and dataset, the next page in a Link header.").alt("text/csv")},
	"POST /api/v1/lineage/": {summary: "Ingest one OpenLineage event (RunEvent, DatasetEvent or JobEvent); gzip accepted.",
		body: raw(openLineageEventSchema), answers: ok[ingestView](201, "Stored (duplicate tells a repeat).")},
	"POST /api/v1/lineage/batch/": {summary: "Ingest a batch of OpenLineage events; each event succeeds or fails on its own.",
		body: raw(map[string]any{"type": "array", "items": map[string]any{"description": "An OpenLineage event; one that is not valid fails alone, in failed_events."}}), answers: ok[batchView](200, "What happened to each event.")},
	"GET /api/v1/lineage/events": {summary: "List raw OpenLineage events (or, once a dataset is named events, its lineage).",
		query:   append(append(params(qstr("run_id", "Only events of this run.")), pageParams...), lineageParams...),
		answers: ok[list[lineageEventView]](200, "A page of events, or the dataset's subgraph.").or(lineageView{}).alt("text/vnd.graphviz", "image/svg+xml")},
	"GET /api/v1/openlineage/events": {summary: "List raw OpenLineage events, newest first.",
		query: append(params(qstr("run_id", "Only events of this run.")), pageParams...), answers: ok[list[lineageEventView]](200, "A page of events.")},

	"POST /api/v1/runs/": {summary: "Report a run: created on first sight of its run_id, updated after.",
		body:    in[runRequest]().withExample(map[string]any{"pipeline_id": "orders_daily", "run_id": "run-20260607-001", "status": "running", "started_at": "2026-06-07T06:00:00Z"}),
		answers: ok[runView](201, "A new run.").withExample(exampleRun).and(200, "The run was updated.")},
	"GET /api/v1/runs/": {summary: "List runs, newest first.",
		query: append(params(qstr("pipeline_id", "Only runs of this pipeline."), qenum("status", "Only runs in this status.", runStatuses...),
			qtime("since", "Only runs started at or after this time."), qtime("until", "Only runs started before this time."),
			qenum("checks_failed", "Only runs whose checks failed (true) or did not (false).", "true", "false")), pageParams...),
		answers: ok[list[runView]](200, "A page of runs.")},
	"GET /api/v1/runs/{run_id}":   {summary: "Get a run with its newest check results.", answers: ok[runDetailView](200, "The run.")},
	"PATCH /api/v1/runs/{run_id}": {summary: "Change a run's status, finish time or error.", body: in[runPatch](), answers: ok[runView](200, "The run.")},
	"POST /api/v1/checks/results/": {summary: "Record one check result, or a batch under results (all or nothing).",
		body: in[checkResultsRequest](), answers: ok[checkResultView](201, "The result, or {results} for a batch.").or(checkResultsView{})},
	"GET /api/v1/checks/results/": {summary: "List check results, newest first.",
		query: append(params(qstr("pipeline_id", "Only results of this pipeline."), qstr("run_id", "Only results of this run."), qstr("check_id", "Only results of this check."),
			qenum("status", "Only results with this status.", checkStatuses...), qenum("severity", "Only results of this severity.", catalog.SeverityError, catalog.SeverityWarn),
			qtime("since", "Only results executed at or after this time.")), pageParams...),
		answers: ok[list[checkResultView]](200, "A page of check results.")},

	"POST /api/v1/billing/checkout": {summary: "Start a Stripe Checkout session for a plan.", body: in[checkoutRequest](), answers: ok[checkoutView](200, "Where to send the person.")},
	"POST /api/v1/billing/portal":   {summary: "Open the Stripe billing portal.", body: in[struct{}](), answers: ok[portalView](200, "Where to send the person.")},
	"POST /webhooks/stripe": {summary: "Stripe's webhook: signed with Stripe-Signature, no credential.",
		body: raw(map[string]any{"type": "object", "description": "A Stripe event."}), answers: ok[webhookReceipt](200, "Received (handled or ignored).")},
}

// exampleRun is a run as POST /api/v1/runs/ answers it.
var exampleRun = map[string]any{"run_id": "run-20260607-001", "pipeline_id": "orders_daily", "status": "running",
	"started_at": "2026-06-07T06:00:00Z", "finished_at": nil, "duration_seconds": nil, "checks_failed": false, "error": nil,
	"attributes": map[string]any{}, "created_at": "2026-06-07T06:00:01Z", "updated_at": "2026-06-07T06:00:01Z", "created": true}

var (
	runStatuses   = []string{catalog.RunQueued, catalog.RunRunning, catalog.RunSuccess, catalog.RunFailed, catalog.RunCancelled}
	checkStatuses = []string{catalog.CheckPassed, catalog.CheckFailed, catalog.CheckError, catalog.CheckSkipped}
	roles         = []string{string(catalog.RoleViewer), string(catalog.RoleMember), string(catalog.RoleAdmin), string(catalog.RoleOwner)}
	plans         = []string{catalog.PlanFree, catalog.PlanTeam, catalog.PlanBusiness}
)

// fieldEnums are the values a string field may take, by "goType.jsonName":
// what the type system does not say.
var fieldEnums = map[string][]string{
	"runSummary.status":         runStatuses,
	"runRequest.status":         runStatuses,
	"runPatch.status":           runStatuses,
	"checkResultView.status":    checkStatuses,
	"checkResultView.severity":  {catalog.SeverityError, catalog.SeverityWarn},
	"keyView.role":              roles,
	"createKeyRequest.role":     roles,
	"memberView.role":           roles,
	"memberRequest.role":        roles,
	"memberUpdate.role":         roles,
	"orgView.plan":              plans,
	"myOrgView.plan":            plans,
	"createOrgRequest.plan":     plans,
	"updateOrgRequest.plan":     plans,
	"checkoutRequest.plan":      plans,
	"problem.code":              problemCodes(),
	"LimitExceeded.plan":        plans,
	"LimitExceeded.resource":    {"pipelines", "connections"},
	"batchView.status":          {"success", "partial_success"},
	"lineageView.direction":     {string(catalog.Upstream), string(catalog.Downstream), string(catalog.Both)},
	"failedEventView.code":      problemCodes(),
	"checkResultRequest.status": checkStatuses,
}

var (
	pageParams = params(
		param{name: "limit", description: "How many items a page holds.", schema: map[string]any{"type": "integer", "minimum": 1, "maximum": catalog.MaxPageSize, "default": catalog.DefaultPageSize}},
		qstr("cursor", "The next_cursor of the previous page."))
	datasetParams = params(qstr("namespace", "With name: the dataset by its OpenLineage namespace and name instead of its id."),
		qstr("name", "With namespace: the dataset's OpenLineage name."))
	lineageParams = append(params(
		qenumDefault("direction", "Which way to walk.", string(catalog.Both), string(catalog.Upstream), string(catalog.Downstream), string(catalog.Both)),
		param{name: "depth", description: "How many edges to walk.", schema: map[string]any{"type": "integer", "minimum": 1, "maximum": catalog.MaxLineageDepth, "default": catalog.DefaultLineageDepth}},
		qenumDefault("history", "Also follow edges only older runs of a job reported.", "false", "true", "false"),
		qenumDefault("format", "The answer's format; without it, Accept decides (image/svg+xml, text/vnd.graphviz, else JSON).", "json", "json", "dot", "svg"),
	), datasetParams...)
)

// openLineageEventSchema is an OpenLineage event as this server reads it:
// the spec's own schema governs the rest, and unknown facets are kept.
var openLineageEventSchema = map[string]any{
	"type": "object", "description": "An OpenLineage RunEvent, DatasetEvent or JobEvent (https://openlineage.io/spec).",
	"properties": map[string]any{
		"eventType": map[string]any{"type": "string", "enum": []string{"START", "RUNNING", "COMPLETE", "ABORT", "FAIL", "OTHER"}},
		"eventTime": map[string]any{"type": "string"}, "producer": map[string]any{"type": "string"}, "schemaURL": map[string]any{"type": "string"},
		"run": map[string]any{"type": "object"}, "job": map[string]any{"type": "object"}, "dataset": map[string]any{"type": "object"},
		"inputs": map[string]any{"type": "array", "items": map[string]any{"type": "object"}}, "outputs": map[string]any{"type": "array", "items": map[string]any{"type": "object"}},
	},
}
