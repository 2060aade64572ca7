package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// cli is what a client command runs with: the process environment passed
// into run, and the command itself, for its help text.
type cli struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	cmd    *command
}

// errHelpShown ends a command that printed its help because it was asked
// to (--help): that is a success, not a usage error.
var errHelpShown = errors.New("help shown")

// runClient runs "dxp <group> <name> args...". args[0] is a group.
func runClient(ctx context.Context, args []string, c *cli) error {
	group := args[0]
	if len(args) < 2 || isHelpFlag(args[1]) {
		w := c.stderr
		if len(args) >= 2 {
			w = c.stdout
		}
		printGroupHelp(w, group)
		if len(args) < 2 {
			return usageError{fmt.Sprintf("%s needs a subcommand", group)}
		}
		return nil
	}
	cmd := findCommand(group + " " + args[1])
	if cmd == nil {
		printGroupHelp(c.stderr, group)
		return usageError{fmt.Sprintf("unknown command %q", group+" "+args[1])}
	}
	c.cmd = cmd
	err := cmd.run(ctx, c, args[2:])
	if errors.Is(err, errHelpShown) {
		return nil
	}
	return err
}

func isHelpFlag(s string) bool {
	return s == "-h" || s == "-help" || s == "--help" || s == "help"
}

// flags returns a flag set for the running command. Parse errors and help
// requests are handled by parse, not printed by the flag package.
func (c *cli) flags() *flag.FlagSet {
	fs := flag.NewFlagSet("dxp "+c.cmd.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

// parse parses args with fs and returns the positional arguments. Unlike
// flag.Parse it accepts flags after positional arguments too
// ("dxp pipelines get orders_sync --output json"); "--" ends the flags.
func (c *cli) parse(fs *flag.FlagSet, args []string, minArgs, maxArgs int) ([]string, error) {
	var pos []string
	for {
		err := fs.Parse(args)
		if errors.Is(err, flag.ErrHelp) {
			printCommandHelp(c.stdout, c.cmd, fs)
			return nil, errHelpShown
		}
		if err != nil {
			return nil, c.usage("%v", err)
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			pos = append(pos, rest...)
			break
		}
		pos, args = append(pos, rest[0]), rest[1:]
	}
	switch {
	case len(pos) < minArgs:
		return nil, c.usage("missing arguments")
	case maxArgs >= 0 && len(pos) > maxArgs:
		return nil, c.usage("unexpected arguments: %s", strings.Join(pos[maxArgs:], " "))
	}
	return pos, nil
}

// usage is a usage error that shows how the running command is called.
func (c *cli) usage(format string, args ...any) error {
	return usageError{fmt.Sprintf(format, args...) + fmt.Sprintf("\nusage: %s (see dxp %s --help)", c.cmd.synopsis(), c.cmd.name)}
}
