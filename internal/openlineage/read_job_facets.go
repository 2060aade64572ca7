package openlineage

import "strconv"

// jobFacets reads the job facets the catalog uses from f, the job.facets
// map at path. The spec requires processingType and integration in jobType
// and we do not: the catalog can do without them, and rejecting the event
// would lose its lineage too.
func (r *reader) jobFacets(f map[string]any, path string, job *Job) {
	if t := facet(f, "jobType"); t != nil {
		p := at(path, "jobType")
		job.Type = &JobType{
			ProcessingType: r.str(t, p, "processingType", optional),
			Integration:    r.str(t, p, "integration", optional),
			JobType:        r.str(t, p, "jobType", optional),
		}
	}
	if o := facet(f, "ownership"); o != nil {
		p := at(path, "ownership")
		for i, item := range r.array(o, p, "owners", optional) {
			ip := at(at(p, "owners"), strconv.Itoa(i))
			if owner := r.asObject(item, ip, "each owner"); owner != nil {
				job.Owners = append(job.Owners, Owner{
					Name: r.str(owner, ip, "name", nonEmpty),
					Type: r.str(owner, ip, "type", optional),
				})
			}
		}
	}
	if d := facet(f, "documentation"); d != nil {
		job.Documentation = r.str(d, at(path, "documentation"), "description", required)
	}
}
