package web

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/spec"
)

// impactPage is the impact view of a dataset, and the blast radius of a
// failed check when Check is set: the same answer, with the check on top
// and a summary to paste into an incident channel.
type impactPage struct {
	Root     string
	Depth    int
	Problems []catalog.FieldError
	Impact   *catalog.Impact // nil when there is nothing to analyse
	NextURL  string          // the next page of groups, "" on the last
	Check    *catalog.CheckResult
	Guards   string // the dataset the check guards, "" when its definition does not say
	Summary  string // the plain-text incident summary (blast radius only)
	Blocked  int    // groups blocked by a failing check
}

// impactDepth reads ?depth= (default 10, 1 to 50) as a page problem
// rather than a refusal: the form shows it beside the field.
func impactDepth(r *http.Request) (int, []catalog.FieldError) {
	s := r.URL.Query().Get("depth")
	if s == "" {
		return catalog.DefaultImpactDepth, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > catalog.MaxLineageDepth {
		return catalog.DefaultImpactDepth, []catalog.FieldError{{Field: "depth", Message: fmt.Sprintf("Depth must be a whole number from 1 to %d.", catalog.MaxLineageDepth)}}
	}
	return n, nil
}

// readImpact fills the page's analysis of root, one page of groups.
func (u *UI) readImpact(r *http.Request, data *impactPage) error {
	im, err := u.store.Impact(r.Context(), catalog.ImpactQuery{Root: data.Root, Depth: data.Depth,
		Page: catalog.Page{Limit: catalog.MaxPageSize, Cursor: r.URL.Query().Get("cursor")}}, spec.CheckTargets)
	if err != nil {
		return err
	}
	data.Impact = im
	for _, o := range im.Owners {
		data.Blocked += o.Blocked
	}
	if im.NextCursor != "" {
		q := url.Values{"depth": {strconv.Itoa(data.Depth)}, "cursor": {im.NextCursor}}
		data.NextURL = r.URL.Path + "?" + q.Encode()
	}
	return nil
}

// impact is everything downstream of a dataset, by pipeline and owner.
func (u *UI) impact(w http.ResponseWriter, r *http.Request, s *signedIn) error {
	id, err := u.store.ResolveDataset(r.Context(), catalog.DatasetRef{Key: r.PathValue("dataset")})
	if err != nil {
		return err
	}
	data := impactPage{Root: id}
	data.Depth, data.Problems = impactDepth(r)
	if err := u.readImpact(r, &data); err != nil {
		return err
	}
	u.render(w, r, s, http.StatusOK, "impact", "Impact of "+id, "pipelines", data)
	return nil
}

// blastRadius is a failed check result with the dataset it guards and
// everything downstream of that dataset, with owners and a summary to copy.
func (u *UI) blastRadius(w http.ResponseWriter, r *http.Request, s *signedIn) error {
	ctx := r.Context()
	run, err := u.store.FindRun(ctx, r.PathValue("run_id"))
	if err != nil {
		return err
	}
	check, err := u.findCheckResult(r, run.ID, r.PathValue("result_id"))
	if err != nil {
		return err
	}
	data := impactPage{Check: check}
	data.Depth, data.Problems = impactDepth(r)
	if p, err := u.store.FindPipeline(ctx, check.PipelineName); err == nil {
		data.Guards = spec.CheckTargets(p.Definition)[check.CheckID]
	} else if catalog.ErrorCode(err) != catalog.ENOTFOUND { // a deleted pipeline's runs stay
		return err
	}
	if data.Guards != "" {
		data.Root = data.Guards
		switch err := u.readImpact(r, &data); catalog.ErrorCode(err) {
		case "":
		case catalog.ENOTFOUND: // the guarded dataset left the graph since
			data.Impact = nil
		default:
			return err
		}
	}
	data.Summary = incidentSummary(u.cfg.AppURL+r.URL.Path, run, &data)
	u.render(w, r, s, http.StatusOK, "impact", "Blast radius of "+check.CheckID, "pipelines", data)
	return nil
}

// findCheckResult is the result id of run, ENOTFOUND otherwise (also for
// another organization's run, which FindRun refused already).
func (u *UI) findCheckResult(r *http.Request, runID, id string) (*catalog.CheckResult, error) {
	f := catalog.CheckResultFilter{RunID: runID, Page: catalog.Page{Limit: catalog.MaxPageSize}}
	for {
		page, next, err := u.store.ListCheckResults(r.Context(), f)
		if err != nil {
			return nil, err
		}
		for _, c := range page {
			if c.ID == id {
				return c, nil
			}
		}
		if next == "" {
			return nil, catalog.Errorf(catalog.ENOTFOUND, "No check result %q in run %s.", id, runID)
		}
		f.Cursor = next
	}
}

// hotTags are the tags an incident reader must not miss.
var hotTags = map[string]bool{"tier-1": true, "tier1": true, "pii": true, "critical": true, "sla": true}

// incidentSummary is the blast radius as plain text for a chat message:
// what failed, what it guards, and who is affected, owner by owner.
func incidentSummary(link string, run *catalog.Run, d *impactPage) string {
	var b strings.Builder
	c := d.Check
	fmt.Fprintf(&b, "Check %s (%s) %s in %s, run %s, at %s.\n", c.CheckID, c.Severity, c.Status, c.PipelineName, run.ID,
		c.ExecutedAt.UTC().Format("2006-01-02 15:04 UTC"))
	if c.Message != "" {
		fmt.Fprintf(&b, "Message: %s\n", c.Message)
	}
	switch {
	case d.Guards == "":
		b.WriteString("The pipeline's definition names no dataset for this check, so its downstream is unknown.\n")
	case d.Impact == nil:
		fmt.Fprintf(&b, "It guards %s, which is no longer in the lineage graph.\n", d.Guards)
	case len(d.Impact.Groups) == 0:
		fmt.Fprintf(&b, "It guards %s. Nothing is downstream of it.\n", d.Guards)
	default:
		im := d.Impact
		fmt.Fprintf(&b, "It guards %s. Downstream (depth %d): %s in %s", d.Guards, im.Depth, count(im.Datasets, "dataset"), count(im.Pipelines, "pipeline"))
		if d.Blocked > 0 {
			fmt.Fprintf(&b, ", %d blocked by failing error checks", d.Blocked)
		}
		b.WriteString(".\n")
		for _, o := range im.Owners {
			fmt.Fprintf(&b, "- %s:", cmp.Or(o.Owner, "no owner"))
			first := true
			for _, g := range im.Groups {
				if g.Owner != o.Owner {
					continue
				}
				if !first {
					b.WriteString(";")
				}
				first = false
				fmt.Fprintf(&b, " %s", groupName(g))
				var notes []string
				for _, t := range g.Tags {
					if hotTags[strings.ToLower(t)] {
						notes = append(notes, t)
					}
				}
				if g.Blocked() {
					notes = append(notes, "blocked")
				}
				if g.NextRun != nil {
					notes = append(notes, "next run "+g.NextRun.UTC().Format("2006-01-02 15:04 UTC"))
				}
				if len(notes) > 0 {
					fmt.Fprintf(&b, " [%s]", strings.Join(notes, ", "))
				}
				var ids []string
				for _, ds := range g.Datasets {
					ids = append(ids, ds.ID)
				}
				fmt.Fprintf(&b, " → %s", strings.Join(ids, ", "))
			}
			b.WriteString("\n")
		}
		if im.NextCursor != "" {
			b.WriteString("(More pipelines are on the page.)\n")
		}
	}
	fmt.Fprintf(&b, "Blast radius: %s", link)
	return b.String()
}

// groupName is a group's pipeline, or its OpenLineage job.
func groupName(g catalog.ImpactGroup) string {
	if g.Source.Kind == catalog.SourcePipeline {
		return g.Source.Name
	}
	return g.Source.Kind + " " + g.Source.Name
}

func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}
