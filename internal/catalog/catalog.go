// Package catalog is the domain of the DataXPipe Catalog: organizations (the
// tenants) and their plans, API keys, pipelines and their versions, and the
// audit log. It holds the types, their rules, the service interfaces that the
// storage adapters implement and the errors they return. It imports only the
// standard library so that every other package can depend on it.
package catalog

import "time"

// TimePrecision is what the catalog keeps of a time: both stores keep
// microseconds, and rules that compare times (an identical repeat of a run
// event) compare them as kept, so that a repeat of a stored time is equal.
const TimePrecision = time.Microsecond

// KeepTime returns t in UTC as the catalog keeps it.
func KeepTime(t time.Time) time.Time { return t.UTC().Truncate(TimePrecision) }

// keepTime is KeepTime for an optional time; nil stays nil.
func keepTime(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	k := KeepTime(*t)
	return &k
}
