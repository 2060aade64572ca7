package catalog

import (
	"fmt"
	"math/bits"
	"strconv"
	"strings"
	"time"
)

// A pipeline's schedule is a 5-field cron expression (minute, hour, day of
// month, month, day of week) or one of the calendar descriptors, in UTC, as
// internal/spec validates it. The API's impact answer and the UI both say
// when a pipeline runs next, so the reading of an expression lives here,
// once.

// cronField is the set of values one field allows, as bits, and whether it
// was written as every value ("*" or "?"), which decides how day of month
// and day of week combine.
type cronField struct {
	bits uint64
	star bool
}

func (f cronField) has(v int) bool { return f.bits&(1<<uint(v)) != 0 }

// cronSchedule is a parsed expression.
type cronSchedule struct {
	minute, hour, dom, month, dow cronField
}

var cronDescriptors = map[string]string{
	"@yearly":   "0 0 1 1 *",
	"@annually": "0 0 1 1 *",
	"@monthly":  "0 0 1 * *",
	"@weekly":   "0 0 * * 0",
	"@daily":    "0 0 * * *",
	"@midnight": "0 0 * * *",
	"@hourly":   "0 * * * *",
}

var (
	monthNames = map[string]int{"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
		"jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12}
	dayNames = map[string]int{"sun": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6}
)

// parseCron reads expr; an error says why it is not a schedule.
func parseCron(expr string) (cronSchedule, error) {
	expr = strings.TrimSpace(expr)
	if d, ok := cronDescriptors[strings.ToLower(expr)]; ok {
		expr = d
	}
	f := strings.Fields(expr)
	if len(f) != 5 {
		return cronSchedule{}, fmt.Errorf("want 5 fields, got %d", len(f))
	}
	var s cronSchedule
	var err error
	specs := []struct {
		dst      *cronField
		min, max int
		names    map[string]int
	}{{&s.minute, 0, 59, nil}, {&s.hour, 0, 23, nil}, {&s.dom, 1, 31, nil}, {&s.month, 1, 12, monthNames}, {&s.dow, 0, 7, dayNames}}
	for i, sp := range specs {
		if *sp.dst, err = parseCronField(f[i], sp.min, sp.max, sp.names); err != nil {
			return cronSchedule{}, fmt.Errorf("field %d (%q): %w", i+1, f[i], err)
		}
	}
	if s.dow.has(7) { // 7 is another Sunday
		s.dow.bits |= 1
	}
	return s, nil
}

// parseCronField reads a comma list of values, ranges (a-b), steps (*/n,
// a-b/n, a/n meaning a to the maximum) and names.
func parseCronField(field string, lo, hi int, names map[string]int) (cronField, error) {
	var out cronField
	for _, part := range strings.Split(field, ",") {
		rng, stepText, hasStep := strings.Cut(part, "/")
		step := 1
		if hasStep {
			n, err := strconv.Atoi(stepText)
			if err != nil || n < 1 {
				return out, fmt.Errorf("bad step %q", stepText)
			}
			step = n
		}
		var from, to int
		switch {
		case rng == "*" || rng == "?":
			from, to = lo, hi
			if step == 1 {
				out.star = true
			}
		default:
			a, b, isRange := strings.Cut(rng, "-")
			var err error
			if from, err = cronValue(a, lo, hi, names); err != nil {
				return out, err
			}
			to = from
			if isRange {
				if to, err = cronValue(b, lo, hi, names); err != nil {
					return out, err
				}
			} else if hasStep {
				to = hi
			}
			if to < from {
				return out, fmt.Errorf("range %q runs backwards", rng)
			}
		}
		for v := from; v <= to; v += step {
			out.bits |= 1 << uint(v)
		}
	}
	return out, nil
}

func cronValue(s string, lo, hi int, names map[string]int) (int, error) {
	if v, ok := names[strings.ToLower(s)]; ok {
		return v, nil
	}
	v, err := strconv.Atoi(s)
	if err != nil || v < lo || v > hi {
		return 0, fmt.Errorf("%q is not a value from %d to %d", s, lo, hi)
	}
	return v, nil
}

// dayMatches applies cron's rule for the two day fields: when either is
// "*" a day must match both; when both are restricted, either will do.
func (s cronSchedule) dayMatches(t time.Time) bool {
	dom, dow := s.dom.has(t.Day()), s.dow.has(int(t.Weekday()))
	if s.dom.star || s.dow.star {
		return dom && dow
	}
	return dom || dow
}

// scheduleHorizon bounds the search for a next run: an expression such as
// "0 0 30 2 *" (30 February) never fires, and 5 years cover every leap-day
// schedule.
const scheduleHorizon = 5 * 366

// next is the first time strictly after t (in UTC, at a whole minute) that s
// fires, and false when none comes within the horizon. It walks days, not
// minutes: at most a few thousand steps whatever the expression.
func (s cronSchedule) next(t time.Time) (time.Time, bool) {
	t = t.UTC().Truncate(time.Minute).Add(time.Minute)
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	for i := 0; i < scheduleHorizon; i, day = i+1, day.AddDate(0, 0, 1) {
		if !s.month.has(int(day.Month())) || !s.dayMatches(day) {
			continue
		}
		startHour, startMinute := 0, 0
		if i == 0 {
			startHour, startMinute = t.Hour(), t.Minute()
		}
		for h := startHour; h < 24; h++ {
			if !s.hour.has(h) {
				continue
			}
			from := 0
			if h == startHour {
				from = startMinute
			}
			if m, ok := firstBit(s.minute.bits, from, 59); ok {
				return day.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute), true
			}
		}
	}
	return time.Time{}, false
}

// firstBit is the lowest set bit of b from lo to hi.
func firstBit(b uint64, lo, hi int) (int, bool) {
	b >>= uint(lo)
	if b == 0 {
		return 0, false
	}
	v := lo + bits.TrailingZeros64(b)
	return v, v <= hi
}

// NextRun is when a pipeline with schedule expr runs next after t, in UTC.
// False for no schedule (triggered pipelines), an expression this reading
// does not understand, or one that never fires.
func NextRun(expr string, after time.Time) (time.Time, bool) {
	if strings.TrimSpace(expr) == "" {
		return time.Time{}, false
	}
	s, err := parseCron(expr)
	if err != nil {
		return time.Time{}, false
	}
	return s.next(after)
}

// ScheduleWords says a cron schedule in words for the common shapes and
// falls back to the expression itself (always shown beside it anyway).
func ScheduleWords(expr string) string {
	switch strings.TrimSpace(expr) {
	case "":
		return "not scheduled (runs when triggered)"
	case "@hourly":
		return "every hour"
	case "@daily", "@midnight":
		return "every day at 00:00 UTC"
	case "@weekly":
		return "every Sunday at 00:00 UTC"
	case "@monthly":
		return "on the 1st of every month at 00:00 UTC"
	case "@yearly", "@annually":
		return "every 1 January at 00:00 UTC"
	}
	f := strings.Fields(expr)
	if len(f) != 5 || !number(f[0]) {
		return "cron " + expr
	}
	minute, hour, dom, month, dow := f[0], f[1], f[2], f[3], f[4]
	if hour == "*" && dom == "*" && month == "*" && dow == "*" {
		return fmt.Sprintf("every hour at minute %s", minute)
	}
	if !number(hour) || month != "*" {
		return "cron " + expr
	}
	h, _ := strconv.Atoi(hour)
	m, _ := strconv.Atoi(minute)
	at := fmt.Sprintf("%02d:%02d UTC", h, m)
	days := map[string]string{"0": "Sunday", "1": "Monday", "2": "Tuesday", "3": "Wednesday", "4": "Thursday", "5": "Friday", "6": "Saturday", "7": "Sunday", "1-5": "weekday"}
	switch {
	case dom == "*" && dow == "*":
		return "every day at " + at
	case dom == "*" && days[dow] != "":
		return "every " + days[dow] + " at " + at
	case number(dom) && dow == "*":
		return fmt.Sprintf("on day %s of every month at %s", dom, at)
	}
	return "cron " + expr
}

func number(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}
