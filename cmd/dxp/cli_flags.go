package main

import (
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/dataxpipe/catalog/internal/client"
)

// apiFlags are the connection flags of every command that calls the API.
// A flag wins over its environment variable, which wins over the default.
type apiFlags struct{ url, key string }

func addAPIFlags(fs *flag.FlagSet) *apiFlags {
	a := &apiFlags{}
	fs.StringVar(&a.url, "api-url", "", "`URL` of the API (default $DATAXPIPE_API_URL, else "+client.DefaultBaseURL+")")
	fs.StringVar(&a.key, "api-key", "", "API `KEY` (default $DATAXPIPE_API_KEY)")
	return a
}

// client returns an API client for the running command. A missing key or
// a malformed URL is a usage error: nothing was sent.
func (a *apiFlags) client(c *cli) (*client.Client, error) {
	url := firstNonEmpty(a.url, c.getenv("DATAXPIPE_API_URL"))
	key := firstNonEmpty(a.key, c.getenv("DATAXPIPE_API_KEY"))
	if key == "" {
		return nil, c.usage("no API key: set DATAXPIPE_API_KEY or pass --api-key")
	}
	cl, err := client.New(url, key)
	if err != nil {
		return nil, c.usage("%v", err)
	}
	cl.UserAgent = "dxp/" + c.cmd.name
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

func addOutputFlag(fs *flag.FlagSet) *outputFlag {
	o := outputFlag("table")
	fs.Var(&o, "output", "output `FORMAT`: table or json")
	return &o
}

func (o *outputFlag) String() string { return string(*o) }

func (o *outputFlag) Set(s string) error {
	if s != "table" && s != "json" {
		return fmt.Errorf("use table or json")
	}
	*o = outputFlag(s)
	return nil
}

func (o *outputFlag) json() bool { return *o == "json" }

// stringsFlag is a flag that may be repeated (--tag a --tag b).
type stringsFlag []string

func (s *stringsFlag) String() string     { return strings.Join(*s, ",") }
func (s *stringsFlag) Set(v string) error { *s = append(*s, v); return nil }

// timeFlag is an optional RFC 3339 timestamp.
type timeFlag struct{ t *time.Time }

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

// isSet reports whether the flag name was given, to tell "--grace 0s"
// from no --grace at all.
func isSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}
