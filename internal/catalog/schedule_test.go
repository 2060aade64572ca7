package catalog

import (
	"testing"
	"time"
)

func TestNextRun(t *testing.T) {
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	from := at("2026-12-01T11:27:30Z") // a Tuesday
	cases := []struct {
		expr, want string // want "" for no next run
	}{
		{"0 6 * * *", "2026-12-02T06:00:00Z"},
		{"30 11 * * *", "2026-12-01T11:30:00Z"},
		{"28 11 * * *", "2026-12-01T11:28:00Z"},
		{"27 11 * * *", "2026-12-02T11:27:00Z"}, // strictly after: 11:27 has begun
		{"*/15 * * * *", "2026-12-01T11:30:00Z"},
		{"@hourly", "2026-12-01T12:00:00Z"},
		{"@daily", "2026-12-02T00:00:00Z"},
		{"@weekly", "2026-12-06T00:00:00Z"},
		{"@monthly", "2027-01-01T00:00:00Z"},
		{"@yearly", "2027-01-01T00:00:00Z"},
		{"0 9 * * 1-5", "2026-12-02T09:00:00Z"},
		{"0 9 * * SAT", "2026-12-05T09:00:00Z"},
		{"0 9 * * 7", "2026-12-06T09:00:00Z"},
		{"0 0 1 JAN *", "2027-01-01T00:00:00Z"},
		{"0 0 29 2 *", "2028-02-29T00:00:00Z"},
		// Both day fields restricted: either matches (the 15th, or a Friday).
		{"0 0 15 * 5", "2026-12-04T00:00:00Z"},
		// One of them "*": both must match (a Friday, any day of month).
		{"0 0 * * 5", "2026-12-04T00:00:00Z"},
		// A stepped "*" is restricted: */2 days of month OR Sundays.
		{"0 0 */2 * 0", "2026-12-03T00:00:00Z"},
		{"5/20 * * * *", "2026-12-01T11:45:00Z"},
		{"0,30 8-10 * * *", "2026-12-02T08:00:00Z"},
		{"0 0 30 2 *", ""},
		{"", ""},
		{"not cron", ""},
		{"61 * * * *", ""},
		{"5-1 * * * *", ""},
		{"*/0 * * * *", ""},
	}
	for _, c := range cases {
		got, ok := NextRun(c.expr, from)
		switch {
		case c.want == "" && ok:
			t.Errorf("NextRun(%q) = %s, want none", c.expr, got)
		case c.want != "" && (!ok || !got.Equal(at(c.want))):
			t.Errorf("NextRun(%q) = %s, %v, want %s", c.expr, got, ok, c.want)
		}
	}
}

func TestScheduleWords(t *testing.T) {
	for expr, want := range map[string]string{
		"":            "not scheduled (runs when triggered)",
		"0 6 * * *":   "every day at 06:00 UTC",
		"15 * * * *":  "every hour at minute 15",
		"0 9 * * 1-5": "every weekday at 09:00 UTC",
		"0 3 1 * *":   "on day 1 of every month at 03:00 UTC",
		"@weekly":     "every Sunday at 00:00 UTC",
		"*/5 * * * *": "cron */5 * * * *",
	} {
		if got := ScheduleWords(expr); got != want {
			t.Errorf("ScheduleWords(%q) = %q, want %q", expr, got, want)
		}
	}
}
