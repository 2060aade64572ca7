package cli

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/dataxpipe/catalog/internal/client"
	"github.com/spf13/cobra"
)

// args checks the number of positional arguments: at least min, at most
// max (-1: no limit).
func args(min, max int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		switch {
		case len(args) < min:
			return usagef(cmd, "missing arguments")
		case max >= 0 && len(args) > max:
			return usagef(cmd, "unexpected arguments: %s", strings.Join(args[max:], " "))
		}
		return nil
	}
}

// apiFlags are the connection flags of every command that calls the API.
// A flag wins over its environment variable, which wins over the default.
type apiFlags struct{ url, key string }

func addAPIFlags(cmd *cobra.Command) *apiFlags {
	a := &apiFlags{}
	cmd.Flags().StringVar(&a.url, "api-url", "", "`URL` of the API (default $DATAXPIPE_API_URL, else "+client.DefaultBaseURL+")")
	cmd.Flags().StringVar(&a.key, "api-key", "", "API `KEY` (default $DATAXPIPE_API_KEY)")
	return a
}

// client returns an API client for cmd. A missing key or a malformed URL
// is a usage error: nothing was sent.
func (a *apiFlags) client(c *cli, cmd *cobra.Command) (*client.Client, error) {
	url := firstNonEmpty(a.url, c.Getenv("DATAXPIPE_API_URL"))
	key := firstNonEmpty(a.key, c.Getenv("DATAXPIPE_API_KEY"))
	if key == "" {
		return nil, usagef(cmd, "no API key: set DATAXPIPE_API_KEY or pass --api-key")
	}
	cl, err := client.New(url, key)
	if err != nil {
		return nil, usagef(cmd, "%v", err)
	}
	cl.UserAgent = "dxp/" + strings.TrimPrefix(cmd.CommandPath(), "dxp ")
	return cl, nil
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// outputFlag is --output: "table" for people, "json" for scripts.
type outputFlag string

func addOutputFlag(cmd *cobra.Command) *outputFlag {
	o := outputFlag("table")
	cmd.Flags().Var(&o, "output", "output `FORMAT`: table or json")
	return &o
}

func (o *outputFlag) String() string { return string(*o) }
func (o *outputFlag) Type() string   { return "format" }

func (o *outputFlag) Set(s string) error {
	if s != "table" && s != "json" {
		return fmt.Errorf("use table or json")
	}
	*o = outputFlag(s)
	return nil
}

func (o *outputFlag) json() bool { return *o == "json" }

// timeFlag is an optional RFC 3339 timestamp.
type timeFlag struct{ t *time.Time }

func (f *timeFlag) Type() string { return "time" }

func (f *timeFlag) String() string {
	if f.t == nil {
		return ""
	}
	return f.t.Format(time.RFC3339)
}

func (f *timeFlag) Set(v string) error {
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return fmt.Errorf("use an RFC 3339 time such as 2026-06-07T06:00:00Z")
	}
	t = t.UTC()
	f.t = &t
	return nil
}

// durationFlag is a Go duration (90m, 720h) that also takes whole days in
// front, as people write expiries: 30d, 1d12h.
type durationFlag time.Duration

func (d *durationFlag) Type() string { return "duration" }

func (d *durationFlag) String() string {
	if *d == 0 {
		return "" // no default to show
	}
	return time.Duration(*d).String()
}

func (d *durationFlag) Set(v string) error {
	days, rest := 0, v
	if i := strings.IndexByte(v, 'd'); i > 0 {
		n, err := strconv.Atoi(v[:i])
		if err != nil || n < 0 {
			return fmt.Errorf("use a duration such as 30d, 720h or 1h30m")
		}
		days, rest = n, v[i+1:]
	}
	var part time.Duration
	if rest != "" {
		var err error
		if part, err = time.ParseDuration(rest); err != nil || (days > 0 && part < 0) {
			return fmt.Errorf("use a duration such as 30d, 720h or 1h30m")
		}
	}
	*d = durationFlag(time.Duration(days)*24*time.Hour + part)
	return nil
}

// sinceFlag is a point in time given either as RFC 3339 or as a duration
// back from now ("24h", "7d"), which is how people ask for recent events.
type sinceFlag struct{ timeFlag }

func (f *sinceFlag) Set(v string) error {
	if f.timeFlag.Set(v) == nil {
		return nil
	}
	var d durationFlag
	if d.Set(v) != nil || d < 0 {
		return fmt.Errorf("use an RFC 3339 time such as 2026-06-07T06:00:00Z or a duration back from now such as 24h or 7d")
	}
	t := time.Now().Add(-time.Duration(d)).UTC().Truncate(time.Second)
	f.t = &t
	return nil
}

// addLimitFlag is --limit of list commands: how many items at most; 0
// follows next_cursor to the last page.
func addLimitFlag(cmd *cobra.Command, noun string) *int {
	return cmd.Flags().Int("limit", 0, "show at most `N` "+noun+" (default: all, following every page)")
}
