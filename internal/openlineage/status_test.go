package openlineage

import (
	"testing"

	"github.com/dataxpipe/catalog/internal/catalog"
)

func TestStatusAndTerminal(t *testing.T) {
	for _, tc := range []struct {
		t        EventType
		status   string
		terminal bool
	}{
		{Start, catalog.RunRunning, false},
		{Running, catalog.RunRunning, false},
		{Complete, catalog.RunSuccess, true},
		{Fail, catalog.RunFailed, true},
		{Abort, catalog.RunCancelled, true},
		{Other, "", false},
		{"", "", false},
		{"complete", "", false},
	} {
		if got := Status(tc.t); got != tc.status {
			t.Errorf("Status(%q) = %q, want %q", tc.t, got, tc.status)
		}
		if got := Terminal(tc.t); got != tc.terminal {
			t.Errorf("Terminal(%q) = %v, want %v", tc.t, got, tc.terminal)
		}
	}
}
