package main

import (
	"context"
	"fmt"

	"github.com/dataxpipe/catalog/internal/client"
)

var planCheckCmd = &command{
	name:    "plan check",
	args:    "-f FILE|DIR",
	summary: "fail when applying the specs would exceed the plan",
	about: `Compares the specs with the organization's plan and its registered
pipelines, so CI fails before a deploy does. A plan limit counts pipeline
names, so only specs of pipelines not registered yet count as new; new
versions are always allowed. Exits 1 with a message when applying the
specs would go over the plan, 0 with a one-line summary otherwise.`,
	examples: []string{
		"dxp plan check -f specs/",
		"dxp plan check -f specs/ --output json",
	},
	run: planCheck,
}

// planReport is the outcome of plan check, also its --output json.
type planReport struct {
	Organization string   `json:"organization"`
	Plan         string   `json:"plan"`
	Limit        *int     `json:"limit"` // null: unlimited
	Usage        int      `json:"usage"`
	New          []string `json:"new_pipelines"`
	OK           bool     `json:"ok"`
	Message      string   `json:"message"`
}

func planCheck(ctx context.Context, c *cli, args []string) error {
	fs := c.flags()
	var files stringsFlag
	fs.Var(&files, "f", "spec `FILE` or directory (repeatable)")
	api, out := addAPIFlags(fs), addOutputFlag(fs)
	set, cl, err := c.specsForAPI(fs, &files, api, args)
	if err != nil {
		return err
	}
	rep, err := comparePlan(ctx, cl, set)
	if err != nil {
		return err
	}
	if out.json() {
		if err := printJSON(c.stdout, rep); err != nil {
			return err
		}
	} else if rep.OK {
		fmt.Fprintln(c.stdout, rep.Message)
	}
	if !rep.OK {
		return fmt.Errorf("%s", rep.Message)
	}
	return nil
}

// comparePlan counts the specs' pipelines the organization does not have
// yet and holds them against the plan's limit.
func comparePlan(ctx context.Context, cl *client.Client, set specSet) (*planReport, error) {
	org, err := cl.Me(ctx)
	if err != nil {
		return nil, err
	}
	have, err := cl.AllPipelines(ctx, client.PipelineFilter{})
	if err != nil {
		return nil, err
	}
	registered := map[string]bool{}
	for _, p := range have {
		registered[p.Name] = true
	}
	rep := &planReport{Organization: org.Slug, Plan: org.Plan, New: []string{}}
	if org.Usage != nil {
		rep.Usage = org.Usage.Pipelines
	}
	for _, p := range set.pipelines() {
		if !registered[p.Name] {
			rep.New = append(rep.New, p.Name)
		}
	}
	if org.Limits != nil {
		rep.Limit = org.Limits.Pipelines
	}
	rep.OK, rep.Message = planVerdict(rep)
	return rep, nil
}
