package catalog_test

import (
	"strings"
	"testing"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
)

var t0 = time.Date(2026, 6, 7, 6, 0, 0, 0, time.UTC)

// at is t0 plus min minutes.
func at(min int) *time.Time {
	t := t0.Add(time.Duration(min) * time.Minute)
	return &t
}

func ptr[T any](v T) *T { return &v }

// fieldOf is the one field an EINVALID error names, or its code otherwise.
func fieldOf(err error) string {
	if e, ok := err.(*catalog.Error); ok && e.Code == catalog.EINVALID && len(e.Fields) == 1 {
		return e.Fields[0].Field
	}
	return catalog.ErrorCode(err)
}

func TestNewRun(t *testing.T) {
	now := *at(10)
	cases := []struct {
		name       string
		ch         catalog.RunChange
		start, end *time.Time // want; end nil: not finished
		err        string     // the field EINVALID names, or an error code
	}{
		{"queued starts now", catalog.RunChange{Status: ptr(catalog.RunQueued)}, &now, nil, ""},
		{"finished without times ends now", catalog.RunChange{Status: ptr(catalog.RunSuccess)}, &now, &now, ""},
		{"finished with its times", catalog.RunChange{Status: ptr(catalog.RunFailed), StartedAt: at(0), FinishedAt: at(5)}, at(0), at(5), ""},
		{"a client clock ahead gives a zero duration", catalog.RunChange{Status: ptr(catalog.RunSuccess), StartedAt: at(20)}, at(20), at(20), ""},
		{"end before start", catalog.RunChange{Status: ptr(catalog.RunSuccess), StartedAt: at(5), FinishedAt: at(0)}, nil, nil, "finished_at"},
		{"finished_at on a running run", catalog.RunChange{Status: ptr(catalog.RunRunning), FinishedAt: at(5)}, nil, nil, "finished_at"},
		{"attributes not an object", catalog.RunChange{Status: ptr(catalog.RunRunning), Attributes: []byte(`[1]`)}, nil, nil, "attributes"},
		{"attributes too large", catalog.RunChange{Status: ptr(catalog.RunRunning),
			Attributes: []byte(`{"x":"` + strings.Repeat("y", catalog.MaxRunAttributesBytes) + `"}`)}, nil, nil, "attributes"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.ch.Pipeline = "orders"
			r, err := catalog.NewRun("org_1", "r1", c.ch, now)
			if got := fieldOf(err); got != c.err {
				t.Fatalf("error %v, want %q", err, c.err)
			}
			if c.err != "" {
				return
			}
			if r.OrgID != "org_1" || r.ID != "r1" || r.PipelineName != "orders" || !r.CreatedAt.Equal(now) || !r.UpdatedAt.Equal(now) {
				t.Errorf("run = %+v", r)
			}
			if !r.StartedAt.Equal(*c.start) || (c.end == nil) != (r.FinishedAt == nil) || (c.end != nil && !r.FinishedAt.Equal(*c.end)) {
				t.Errorf("run from %s to %v, want from %s to %v", r.StartedAt, r.FinishedAt, c.start, c.end)
			}
		})
	}
}

// TestRun_ApplyTransitions: a finished run only takes an identical repeat,
// a running run cannot go back to queued, everything else goes.
func TestRun_ApplyTransitions(t *testing.T) {
	statuses := []string{catalog.RunQueued, catalog.RunRunning, catalog.RunSuccess, catalog.RunFailed, catalog.RunCancelled}
	now := *at(30)
	for _, from := range statuses {
		for _, to := range statuses {
			cur := &catalog.Run{ID: "r1", PipelineName: "orders", Status: from, StartedAt: t0, UpdatedAt: t0}
			if catalog.RunFinished(from) {
				cur.FinishedAt = at(10)
			}
			next, changed, err := cur.Apply(catalog.RunChange{Pipeline: "orders", Status: ptr(to)}, now)
			switch {
			case from == to && catalog.RunFinished(from):
				if err != nil || changed || next != cur {
					t.Errorf("%s → %s: %+v, %v, %v; want the identical repeat unchanged", from, to, next, changed, err)
				}
			case catalog.RunFinished(from), from == catalog.RunRunning && to == catalog.RunQueued:
				if catalog.ErrorCode(err) != catalog.ECONFLICT || !strings.Contains(catalog.ErrorMessage(err), from) {
					t.Errorf("%s → %s: %v, want a conflict naming %s", from, to, err, from)
				}
			default:
				if err != nil || next.Status != to || changed != (from != to) || catalog.RunFinished(to) != (next.FinishedAt != nil) {
					t.Errorf("%s → %s: %+v, changed %v, %v", from, to, next, changed, err)
				}
				if changed && !next.UpdatedAt.Equal(now) {
					t.Errorf("%s → %s: updated_at %s, want %s", from, to, next.UpdatedAt, now)
				}
			}
			if cur.Status != from {
				t.Fatalf("Apply changed the run it was given to %s", cur.Status)
			}
		}
	}
}

func TestRun_Apply(t *testing.T) {
	now := *at(30)
	running := catalog.Run{ID: "r1", PipelineName: "orders", Status: catalog.RunRunning, StartedAt: t0, Attributes: []byte(`{"a":1,"b":2}`)}
	finished := catalog.Run{ID: "r1", PipelineName: "orders", Status: catalog.RunSuccess, StartedAt: t0, FinishedAt: at(10), Error: ""}
	queued := catalog.Run{ID: "r1", PipelineName: "orders", Status: catalog.RunQueued, StartedAt: t0}
	cases := []struct {
		name    string
		cur     catalog.Run
		ch      catalog.RunChange
		changed bool
		err     string // field or code; for a conflict, also a word its message names
		check   func(*catalog.Run) bool
	}{
		{"a queued run starts when it runs", queued, catalog.RunChange{Status: ptr(catalog.RunRunning)}, true, "",
			func(r *catalog.Run) bool { return r.StartedAt.Equal(now) }},
		{"a given start wins", queued, catalog.RunChange{Status: ptr(catalog.RunRunning), StartedAt: at(1)}, true, "",
			func(r *catalog.Run) bool { return r.StartedAt.Equal(*at(1)) }},
		{"the same status changes nothing", running, catalog.RunChange{Status: ptr(catalog.RunRunning)}, false, "", nil},
		{"attributes merge", running, catalog.RunChange{Attributes: []byte(`{"b":null,"c":"<i>"}`)}, true, "",
			func(r *catalog.Run) bool { return string(r.Attributes) == `{"a":1,"c":"<i>"}` }},
		{"attributes in another spelling change nothing", running, catalog.RunChange{Attributes: []byte(`{ "b": 2 , "a":1}`)}, false, "", nil},
		{"removing every attribute leaves none", running, catalog.RunChange{Attributes: []byte(`{"a":null,"b":null}`)}, true, "",
			func(r *catalog.Run) bool { return r.Attributes == nil }},
		{"finishing fills finished_at", running, catalog.RunChange{Status: ptr(catalog.RunFailed), Error: ptr("boom")}, true, "",
			func(r *catalog.Run) bool { return r.FinishedAt.Equal(now) && r.Error == "boom" }},
		{"an identical repeat of a finished run", finished, catalog.RunChange{Pipeline: "orders", Status: ptr(catalog.RunSuccess), FinishedAt: at(10), Error: ptr("")}, false, "", nil},
		{"a finished run changes no field", finished, catalog.RunChange{Status: ptr(catalog.RunSuccess), Error: ptr("late")}, false, "conflict error", nil},
		{"another pipeline's run", running, catalog.RunChange{Pipeline: "events", Status: ptr(catalog.RunRunning)}, false, "conflict events", nil},
		{"end before start", running, catalog.RunChange{Status: ptr(catalog.RunSuccess), FinishedAt: at(-1)}, false, "finished_at", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			next, changed, err := c.cur.Apply(c.ch, now)
			want, word, _ := strings.Cut(c.err, " ")
			if got := fieldOf(err); got != want || !strings.Contains(catalog.ErrorMessage(err), word) {
				t.Fatalf("error %v, want %q naming %q", err, want, word)
			}
			if err != nil {
				return
			}
			if changed != c.changed || (c.check != nil && !c.check(next)) {
				t.Errorf("next %+v (attributes %s), changed %v; want changed %v", next, next.Attributes, changed, c.changed)
			}
			if !changed && next != &c.cur {
				t.Errorf("unchanged but a new run %+v", next)
			}
		})
	}
}

func TestRunEvent_ChangeKeepsTimesAsStored(t *testing.T) {
	start := t0.Add(1500 * time.Nanosecond).In(time.FixedZone("x", 3600))
	ch := catalog.RunEvent{PipelineName: "orders", Status: catalog.RunRunning, StartedAt: &start}.Change()
	if want := t0.Add(time.Microsecond); !ch.StartedAt.Equal(want) || ch.StartedAt.Location() != time.UTC || ch.Pipeline != "orders" {
		t.Fatalf("change = %+v, want started %s", ch, want)
	}
	if u := (catalog.RunUpdate{FinishedAt: &start}).Change(); !u.FinishedAt.Equal(t0.Add(time.Microsecond)) || u.Pipeline != "" {
		t.Fatalf("update change = %+v", u)
	}
}
