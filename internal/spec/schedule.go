package spec

import (
	"fmt"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// descriptors are the named schedules accepted instead of a cron
// expression. @every and @once are left out on purpose: the scheduler
// runs calendar schedules only.
var descriptors = []string{"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"}

// cronParser is robfig/cron's standard 5-field parser without descriptor
// support, since descriptors are checked against our own shorter list.
var cronParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow)

const scheduleHelp = `use 5 fields (minute, hour, day of month, month, day of week) such as "0 6 * * *", or one of @yearly, @annually, @monthly, @weekly, @daily, @midnight or @hourly`

// scheduleProblem says what is wrong with a schedule, or "" when it is valid.
func scheduleProblem(s string) string {
	if s == "" {
		return "schedule is required; " + scheduleHelp + "."
	}
	if strings.HasPrefix(s, "@") {
		for _, d := range descriptors {
			if s == d {
				return ""
			}
		}
		return fmt.Sprintf("schedule %q is not a supported descriptor; %s.", s, scheduleHelp)
	}
	if strings.HasPrefix(s, "TZ=") || strings.HasPrefix(s, "CRON_TZ=") {
		return fmt.Sprintf("schedule %q sets a time zone, which is not supported here; %s.", s, scheduleHelp)
	}
	if n := len(strings.Fields(s)); n != 5 {
		return fmt.Sprintf("schedule %q has %d fields, but a cron expression needs exactly 5; %s.", s, n, scheduleHelp)
	}
	if err := parseCron(s); err != nil {
		return fmt.Sprintf("schedule %q is not a valid cron expression (%v); %s.", s, err, scheduleHelp)
	}
	return ""
}

// parseCron guards the parser: robfig/cron v3.0.1 panics on some inputs
// (a TZ= prefix without a space), and user input must never crash us.
func parseCron(s string) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	_, err = cronParser.Parse(s)
	return err
}

// DefaultGrace is how late a scheduled run may start when the spec sets no
// freshness.grace.
const DefaultGrace = 30 * time.Minute

// Bounds of freshness.grace.
const (
	MinGrace = time.Minute
	MaxGrace = 7 * 24 * time.Hour
)

// GraceOrDefault is the freshness's grace, DefaultGrace when unset (f may
// be nil), or what is wrong with it.
func (f *Freshness) GraceOrDefault() (time.Duration, error) {
	if f == nil || f.Grace == "" {
		return DefaultGrace, nil
	}
	d, err := time.ParseDuration(f.Grace)
	if err != nil || d < MinGrace || d > MaxGrace {
		return 0, fmt.Errorf("grace %q is not valid: use a duration from 1m to 168h such as 30m or 2h", f.Grace)
	}
	return d, nil
}
