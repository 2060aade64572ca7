package openlineage

import "github.com/dataxpipe/catalog/internal/catalog"

// Status returns the catalog run status an event type moves a run to, or
// "" for OTHER (and an absent or unknown type), which carries metadata and
// leaves the status as it is.
func Status(t EventType) string {
	switch t {
	case Start, Running:
		return catalog.RunRunning
	case Complete:
		return catalog.RunSuccess
	case Fail:
		return catalog.RunFailed
	case Abort:
		return catalog.RunCancelled
	}
	return ""
}

// Terminal reports whether t ends a run: COMPLETE, FAIL or ABORT. The
// mapping takes a terminal event's time as the run's finish, and must not
// let a late START or RUNNING reopen the run (events arrive out of order).
func Terminal(t EventType) bool {
	return t == Complete || t == Fail || t == Abort
}
