package notify

import (
	"context"
	"encoding/json"
	"log/slog"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/spec"
	"github.com/robfig/cron/v3"
)

// LatenessScanner finds scheduled pipelines whose expected run has not
// started within their grace (spec freshness.grace, default 30m) and
// records each missed run once, which raises pipeline.late.
type LatenessScanner struct {
	Store    catalog.LatenessStore
	Now      func() time.Time // nil: time.Now
	Interval time.Duration
	Logger   *slog.Logger
}

// ScanOnce checks every scheduled pipeline at Now and returns how many are
// late.
func (s *LatenessScanner) ScanOnce(ctx context.Context) (int, error) {
	now := time.Now()
	if s.Now != nil {
		now = s.Now()
	}
	pipelines, err := s.Store.ScheduledPipelines(ctx)
	if err != nil {
		return 0, err
	}
	type verdicts struct {
		late   []catalog.Lateness
		onTime []string
	}
	byOrg := map[string]*verdicts{}
	var orgs []string
	for _, p := range pipelines {
		v := byOrg[p.OrgID]
		if v == nil {
			v = &verdicts{}
			byOrg[p.OrgID] = v
			orgs = append(orgs, p.OrgID)
		}
		if l, late := Late(p, now); late {
			v.late = append(v.late, l)
		} else {
			v.onTime = append(v.onTime, p.Name)
		}
	}
	total := 0
	for _, org := range orgs {
		v := byOrg[org]
		if err := s.Store.SettleLateness(ctx, org, v.late, v.onTime); err != nil {
			return total, err
		}
		total += len(v.late)
	}
	return total, nil
}

// Run scans every Interval until ctx ends.
func (s *LatenessScanner) Run(ctx context.Context) {
	tick := time.NewTicker(s.Interval)
	defer tick.Stop()
	for {
		if _, err := s.ScanOnce(ctx); err != nil && ctx.Err() == nil && s.Logger != nil {
			s.Logger.Warn("lateness scan failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// Late decides whether p is late at now: the latest scheduled time at
// least its grace ago has no run started since.
func Late(p catalog.ScheduledPipeline, now time.Time) (catalog.Lateness, bool) {
	var def struct {
		Freshness *spec.Freshness `json:"freshness"`
	}
	_ = json.Unmarshal(p.Definition, &def) // written by this server; unreadable reads as no freshness
	grace, err := def.Freshness.GraceOrDefault()
	if err != nil {
		grace = spec.DefaultGrace
	}
	expected, ok := PreviousRun(p.Schedule, now.Add(-grace))
	if !ok || !p.MissedRun(expected) {
		return catalog.Lateness{}, false
	}
	return catalog.Lateness{Pipeline: p, ExpectedAt: expected, Grace: grace, LastRunStart: p.LastRunStart}, true
}

// scheduleParser reads the schedules specs accept: five fields or a
// descriptor such as @daily, in UTC.
var scheduleParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// PreviousRun is the latest time at or before at that schedule fires, or
// false when it cannot be read or fires never in the last five years.
func PreviousRun(schedule string, at time.Time) (t time.Time, ok bool) {
	defer func() {
		if recover() != nil { // robfig/cron panics on some inputs; specs are validated, but never crash on one
			t, ok = time.Time{}, false
		}
	}()
	sched, err := scheduleParser.Parse(schedule)
	if err != nil {
		return time.Time{}, false
	}
	if ss, ok := sched.(*cron.SpecSchedule); ok {
		ss.Location = time.UTC // specs' schedules are in UTC, whatever the server's zone
	}
	at = at.UTC()
	// Look back in growing windows, so a minutely schedule walks an hour
	// of fire times, not a year of them.
	for _, back := range []time.Duration{time.Hour, 25 * time.Hour, 32 * 24 * time.Hour, 367 * 24 * time.Hour, 5 * 366 * 24 * time.Hour} {
		next := sched.Next(at.Add(-back).Add(-time.Second))
		if next.IsZero() || next.After(at) {
			continue
		}
		for {
			after := sched.Next(next)
			if after.IsZero() || after.After(at) {
				return next, true
			}
			next = after
		}
	}
	return time.Time{}, false
}
