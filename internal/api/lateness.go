package api

import (
	"context"
	"time"
)

// lateView says a scheduled pipeline's run is overdue: since is the time
// of its newest missed run (its schedule's time, not when it was noticed).
type lateView struct {
	Since time.Time `json:"since"`
}

// markLate fills late in pipeline answers from the lateness the scan
// recorded (internal/notify); on-time pipelines leave it out.
func (s *Server) markLate(ctx context.Context, views []*pipelineSummary) error {
	names := make([]string, len(views))
	for i, v := range views {
		names[i] = v.Name
	}
	late, err := s.store.LatePipelines(ctx, names)
	if err != nil {
		return err
	}
	for _, v := range views {
		if since, ok := late[v.Name]; ok {
			v.Late = &lateView{Since: since}
		}
	}
	return nil
}
