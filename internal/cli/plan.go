package cli

import (
	"context"
	"fmt"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/client"
	"github.com/spf13/cobra"
)

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

func (c *cli) planCheckCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "check -f FILE|DIR",
		Short: "fail when applying the specs would exceed the plan",
		Long: `Compares the specs with the organization's plan and its registered
pipelines, so CI fails before a deploy does. A plan limit counts pipeline
names, so only specs of pipelines not registered yet count as new; new
versions are always allowed. Exits 1 with a message when applying the
specs would go over the plan, 0 with a one-line summary otherwise.`,
		Example: examples(
			"dxp plan check -f specs/",
			"dxp plan check -f specs/ --output json",
		),
		Args: args(0, 0),
	}
	files := addFilesFlag(cmd)
	api, out := addAPIFlags(cmd), addOutputFlag(cmd)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		set, cl, err := c.specsForAPI(cmd, *files, api)
		if err != nil {
			return err
		}
		rep, err := comparePlan(cmd.Context(), cl, set)
		if err != nil {
			return err
		}
		if out.json() {
			if err := printJSON(c.Stdout, rep); err != nil {
				return err
			}
		} else if rep.OK {
			fmt.Fprintln(c.Stdout, rep.Message)
		}
		if !rep.OK {
			return fmt.Errorf("%s", rep.Message)
		}
		return nil
	}
	return cmd
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

// planVerdict decides whether rep's new pipelines fit the plan and says so
// in one sentence, naming the plan to upgrade to when they do not.
func planVerdict(rep *planReport) (bool, string) {
	plan, n := catalog.PlanTitle(rep.Plan), len(rep.New)
	after := rep.Usage + n
	switch {
	case rep.Limit == nil:
		return true, fmt.Sprintf("ok: %s is on %s, which allows unlimited pipelines (%d registered, %d new)",
			rep.Organization, plan, rep.Usage, n)
	case n == 0:
		return true, fmt.Sprintf("ok: no new pipelines; %s has %d of %d allowed on %s", rep.Organization, rep.Usage, *rep.Limit, plan)
	case after <= *rep.Limit:
		return true, fmt.Sprintf("ok: %s would bring %s to %d of %d allowed on %s",
			plural(n, "new pipeline"), rep.Organization, after, *rep.Limit, plan)
	}
	msg := fmt.Sprintf("%s would bring %s to %d of %d allowed on %s", plural(n, "new pipeline"), rep.Organization, after, *rep.Limit, plan)
	if next := catalog.NextPlan(rep.Plan); next != "" {
		msg += "; upgrade to " + catalog.PlanTitle(next)
	}
	return false, msg
}
