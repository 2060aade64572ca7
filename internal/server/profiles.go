package server

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
	"time"
)

// profilesHandler serves Go's runtime profiles (CPU, heap, allocations,
// goroutines, blocking, mutexes, traces) under /debug/pprof/. It is built on
// a mux of its own, never on http.DefaultServeMux, and only ever served on
// DATAXPIPE_PPROF_ADDR's listener: the public handler has no such path.
func profilesHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index) // heap, allocs, goroutine, block, mutex, threadcreate by name
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}

// serveProfiles opens DATAXPIPE_PPROF_ADDR and serves the profiles there
// until the returned stop is called. Without the setting it does nothing.
// The write deadline is longer than the public one: a CPU profile streams
// for its ?seconds= (30 by default).
func (s *Server) serveProfiles() (stop func(), err error) {
	if s.cfg.PprofAddr == "" {
		return func() {}, nil
	}
	ln, err := net.Listen("tcp", s.cfg.PprofAddr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s (DATAXPIPE_PPROF_ADDR): %w", s.cfg.PprofAddr, err)
	}
	srv := &http.Server{Handler: profilesHandler(), ReadHeaderTimeout: 10 * time.Second, WriteTimeout: 5 * time.Minute}
	s.logger.Warn("profiles listening: keep this address private", "pprof_addr", ln.Addr().String())
	go func() {
		if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			s.logger.Error("profiles listener stopped", "err", err)
		}
	}()
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	}, nil
}
