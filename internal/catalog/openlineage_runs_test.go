package catalog

import (
	"encoding/json"
	"strconv"
	"testing"
	"time"
)

func TestRunLineage(t *testing.T) {
	at := func(m int) time.Time { return time.Date(2024, 5, 1, 2, m, 0, 0, time.UTC) }
	ds := func(id string, first, last int) RunDataset {
		return RunDataset{ID: id, FirstSeen: at(first), LastSeen: at(last)}
	}
	cases := []struct {
		name      string
		ins, outs []RunDataset
		want      []string // from>to first..last (minutes)
	}{
		{"inputs on START, outputs on COMPLETE", []RunDataset{ds("a", 0, 0)}, []RunDataset{ds("b", 5, 5)}, []string{"a>b 5..5"}},
		{"reported on every event", []RunDataset{ds("a", 0, 5)}, []RunDataset{ds("b", 0, 5)}, []string{"a>b 0..5"}},
		{"a dataset read and written is no self-loop", []RunDataset{ds("a", 0, 0), ds("c", 0, 0)}, []RunDataset{ds("a", 5, 5)}, []string{"c>a 5..5"}},
		{"repeats merge", []RunDataset{ds("a", 3, 3), ds("a", 1, 1)}, []RunDataset{ds("b", 2, 4)}, []string{"a>b 2..3"}},
		{"no outputs", []RunDataset{ds("a", 0, 0)}, nil, nil},
	}
	for _, c := range cases {
		edges, dropped := RunLineage(c.ins, c.outs)
		var got []string
		for _, e := range edges {
			got = append(got, e.From+">"+e.To+" "+strconv.Itoa(e.FirstSeen.Minute())+".."+strconv.Itoa(e.LastSeen.Minute()))
		}
		if dropped != 0 || len(got) != len(c.want) || (len(got) > 0 && got[0] != c.want[0]) {
			t.Errorf("%s: %v (dropped %d), want %v", c.name, got, dropped, c.want)
		}
	}
	var many []RunDataset
	for i := range 101 {
		many = append(many, ds("d"+strconv.Itoa(i), 0, 0))
	}
	outs := many[:100]
	ins := append([]RunDataset{ds("x", 0, 0)}, many...)
	if edges, dropped := RunLineage(ins, outs); len(edges) != MaxOpenLineageEdges || dropped != 102*100-100-MaxOpenLineageEdges {
		t.Errorf("cap: %d edges, %d dropped", len(edges), dropped)
	}
}

func TestSupersedesRun(t *testing.T) {
	t0, t1 := time.Unix(0, 0), time.Unix(1, 0)
	cases := []struct {
		key     string
		at      time.Time
		curKey  string
		curAt   time.Time
		want    bool
		comment string
	}{
		{"r2", t1, "r1", t0, true, "later"},
		{"r1", t0, "r2", t1, false, "earlier"},
		{"r2", t0, "r1", t0, true, "tie: greater key"},
		{"r1", t0, "r2", t0, false, "tie: smaller key"},
	}
	for _, c := range cases {
		if got := SupersedesRun(c.key, c.at, c.curKey, c.curAt); got != c.want {
			t.Errorf("%s: %v", c.comment, got)
		}
	}
}

func TestTaskAttemptsWarning(t *testing.T) {
	kept := func(n int) json.RawMessage {
		var attempts []TaskAttempt
		for i := range n {
			attempts = append(attempts, TaskAttempt{RunID: "r" + strconv.Itoa(i), Status: RunFailed})
		}
		b, _ := json.Marshal(map[string]any{"tasks": map[string]any{"dag.load": attempts}})
		return b
	}
	task := OpenLineageEvent{JobName: "dag.load", RunID: "new", Depth: 1}
	cases := []struct {
		name string
		ev   OpenLineageEvent
		cur  json.RawMessage
		want bool
	}{
		{"a new attempt past the cap drops the oldest", task, kept(MaxTaskAttempts), true},
		{"a new attempt within the cap", task, kept(MaxTaskAttempts - 1), false},
		{"a known attempt adds none", OpenLineageEvent{JobName: "dag.load", RunID: "r3", Depth: 1}, kept(MaxTaskAttempts), false},
		{"another task has room", OpenLineageEvent{JobName: "dag.other", RunID: "new", Depth: 1}, kept(MaxTaskAttempts), false},
		{"the root's own event keeps no attempts", OpenLineageEvent{JobName: "dag.load", RunID: "new"}, kept(MaxTaskAttempts), false},
		{"no attributes yet", task, nil, false},
	}
	for _, c := range cases {
		w, got := c.ev.TaskAttemptsWarning(c.cur)
		if got != c.want || (got && w.Cap != "task_attempts") {
			t.Errorf("%s: %v %+v, want %v", c.name, got, w, c.want)
		}
	}
}
