package spec

import (
	"math/rand/v2"
	"testing"
	"time"

	domain "github.com/dataxpipe/catalog/internal/catalog"
)

// TestNextRunAgreesWithTheValidator holds domain.NextRun, which the impact
// answer and the UI use, to the reading of the parser that validates
// schedules: for expressions the validator accepts, both name the same
// next minute.
func TestNextRunAgreesWithTheValidator(t *testing.T) {
	fields := [][]string{
		{"0", "*/15", "5/20", "0,30", "10-20/5", "*", "59"},
		{"*", "6", "0-23/6", "9-17", "0,12", "23"},
		{"*", "1", "15", "*/2", "1-7", "31", "29"},
		{"*", "1", "2", "JAN", "6-8", "*/3", "12"},
		{"*", "0", "1-5", "SAT", "0,6", "MON-FRI", "*/2"},
	}
	rng := rand.New(rand.NewPCG(1, 2))
	from := time.Date(2026, 12, 1, 11, 27, 30, 0, time.UTC)
	for i := 0; i < 2000; i++ {
		expr := ""
		for j, f := range fields {
			if j > 0 {
				expr += " "
			}
			expr += f[rng.IntN(len(f))]
		}
		sched, err := cronParser.Parse(expr)
		if err != nil {
			t.Fatalf("validator refuses %q: %v", expr, err)
		}
		at := from.Add(time.Duration(rng.IntN(400*24*60)) * time.Minute)
		want := sched.Next(at)
		got, ok := domain.NextRun(expr, at)
		if want.IsZero() { // never fires (31 February): neither names a time
			if ok {
				t.Errorf("NextRun(%q, %s) = %s; the validator's parser says it never fires", expr, at, got)
			}
			continue
		}
		if !ok || !got.Equal(want) {
			t.Errorf("NextRun(%q, %s) = %s, %v; the validator's parser says %s", expr, at, got, ok, want)
		}
	}
}
