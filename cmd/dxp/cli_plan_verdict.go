package main

import (
	"fmt"

	"github.com/dataxpipe/catalog/internal/catalog"
)

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
