package catalog

// Plan names.
const (
	PlanFree     = "free"
	PlanTeam     = "team"
	PlanBusiness = "business"
)

// Limits caps what an organization may register. A nil count is unlimited.
type Limits struct {
	Pipelines         *int `json:"pipelines"`
	Connections       *int `json:"connections"`
	RequestsPerMinute int  `json:"requests_per_minute"`
}

func capped(n int) *int { return &n }

// plans is the one table of plans and their limits; the store, the rate
// limiter and the billing code all read it through PlanLimits.
var plans = map[string]Limits{
	PlanFree:     {Pipelines: capped(3), Connections: capped(2), RequestsPerMinute: 100},
	PlanTeam:     {Pipelines: capped(25), Connections: capped(10), RequestsPerMinute: 500},
	PlanBusiness: {Pipelines: nil, Connections: nil, RequestsPerMinute: 2000},
}

// planOrder lists the plans from smallest to largest, for upgrade advice.
var planOrder = []string{PlanFree, PlanTeam, PlanBusiness}

// PlanLimits returns the limits of plan and whether the plan exists.
func PlanLimits(plan string) (Limits, bool) {
	l, ok := plans[plan]
	return l, ok
}

// ValidPlan reports whether plan names a plan.
func ValidPlan(plan string) bool { _, ok := plans[plan]; return ok }

// NextPlan returns the plan to upgrade to from plan, or "" at the top.
func NextPlan(plan string) string {
	for i, p := range planOrder {
		if p == plan && i+1 < len(planOrder) {
			return planOrder[i+1]
		}
	}
	return ""
}

// PlanTitle is the plan's display name ("Free").
func PlanTitle(plan string) string {
	if plan == "" {
		return ""
	}
	return string(plan[0]-'a'+'A') + plan[1:]
}

// LargerPlan returns whichever of a and b is the larger plan; an unknown
// plan counts as smaller than Free.
func LargerPlan(a, b string) string {
	rank := func(p string) int {
		for i, q := range planOrder {
			if q == p {
				return i
			}
		}
		return -1
	}
	if rank(b) > rank(a) {
		return b
	}
	return a
}
