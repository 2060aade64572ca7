// Package testrig is what the tests of several packages share: a settable
// clock and a log buffer that concurrent handlers may write to. Only tests
// import it.
package testrig

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
	"time"
)

// Clock is a time that moves only when a test says so. It is locked, since
// servers under test read it from many goroutines.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock starts a clock at t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now is the clock's time; pass c.Now wherever code takes a func() time.Time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// Logs collects log output. Writes and reads are locked: handlers log from
// their own goroutines while the test reads.
type Logs struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// NewLogger returns a text logger at level and the Logs it writes to.
func NewLogger(level slog.Level) (*slog.Logger, *Logs) {
	l := &Logs{}
	return slog.New(slog.NewTextHandler(l, &slog.HandlerOptions{Level: level})), l
}

func (l *Logs) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

// String is everything written so far.
func (l *Logs) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// Count is how many lines were logged at level ("WARN", "INFO", ...).
func (l *Logs) Count(level string) int { return strings.Count(l.String(), "level="+level+" ") }
