package sqlstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/openlineage"
	"github.com/dataxpipe/catalog/internal/spec"
)

// recordEventChecks stores the dataQualityAssertions input facets and the
// test run facet of an event as check results of run, inside the event's
// transaction (RecordCheckResults would open its own). The check id of an
// assertion is the assertion, with ".column" when it names one.
func (tx *Tx) recordEventChecks(ctx context.Context, orgID string, run *catalog.Run, ev openlineage.Event, res *catalog.IngestResult) error {
	var reports []catalog.CheckReport
	for _, in := range ev.Inputs {
		for _, a := range in.Assertions {
			status := catalog.CheckFailed
			if a.Success {
				status = catalog.CheckPassed
			}
			reports = append(reports, catalog.CheckReport{CheckID: strings.Trim(a.Assertion+"."+a.Column, "."), Status: status,
				Severity: a.Severity, Message: a.Name, Expected: jsonString(a.Expected), ObservedValue: jsonString(a.Actual)})
		}
	}
	for _, t := range ev.Tests {
		reports = append(reports, catalog.CheckReport{CheckID: t.Name, Status: testStatus(t.Status), Severity: t.Severity,
			Message: t.Description, Expected: jsonString(t.Expected), ObservedValue: jsonString(t.Actual)})
	}
	defs := map[string]*spec.Pipeline{} // for definedSeverity
	failed := false
	for _, rep := range reports {
		rep.RunID = run.ID
		if !catalog.ValidSeverity(rep.Severity) {
			rep.Severity = "" // producers' own words (critical, high): take the definition's
		}
		if len(rep.CheckID) > catalog.MaxCheckIDLength || len(rep.Validate()) > 0 || res.Checks >= catalog.MaxCheckBatch {
			continue // one odd test must not cost the event its run and lineage
		}
		c, err := tx.insertEventCheck(ctx, orgID, run, rep, ev, defs)
		if err != nil {
			return err
		}
		res.Checks++
		failed = failed || (c.Status == catalog.CheckFailed && c.Severity == catalog.SeverityError)
	}
	if failed && !run.ChecksFailed {
		if _, err := tx.exec(ctx, `UPDATE runs SET checks_failed = ?, updated_at = ? WHERE organization_id = ? AND run_id = ?`,
			true, ts(tx.now), orgID, run.ID); err != nil {
			return fmt.Errorf("mark run checks failed: %w", err)
		}
	}
	return nil
}

// insertEventCheck stores one report of run, executed at the event's time.
func (tx *Tx) insertEventCheck(ctx context.Context, orgID string, run *catalog.Run, rep catalog.CheckReport, ev openlineage.Event, defs map[string]*spec.Pipeline) (*catalog.CheckResult, error) {
	c := &catalog.CheckResult{OrgID: orgID, ID: catalog.NewID("chk"), RunID: run.ID, PipelineName: run.PipelineName,
		CheckID: rep.CheckID, Status: rep.Status, Severity: rep.Severity, ObservedValue: rep.ObservedValue,
		Expected: rep.Expected, Message: rep.Message, ExecutedAt: *stored(&ev.EventTime), CreatedAt: tx.now}
	if c.Severity == "" {
		var err error
		if c.Severity, err = tx.definedSeverity(ctx, orgID, run.PipelineName, c.CheckID, defs); err != nil {
			return nil, err
		}
	}
	if _, err := tx.exec(ctx, `INSERT INTO check_results (`+checkColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		orgID, c.ID, c.RunID, c.PipelineName, c.CheckID, c.Status, c.Severity, nullText(c.ObservedValue), nullText(c.Expected),
		c.Message, ts(c.ExecutedAt), ts(c.CreatedAt)); err != nil {
		return nil, fmt.Errorf("insert check result: %w", err)
	}
	return c, nil
}
