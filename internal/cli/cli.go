// Package cli is the dxp command line: the server commands (serve, migrate)
// over internal/server, and the client commands for CI/CD and everyday use
// (spec, pipelines, plan, runs, checks, connections, lineage, datasets, org,
// keys, members, audit) over internal/client. Parsing, help,
// dispatch and "did you mean" come from cobra; this package holds the
// commands and the few conventions they share (exit status 2 for a usage
// error, --output table|json, --api-url and --api-key, --limit on lists,
// progress on standard error only when it is a terminal).
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Env is the process environment a run sees, passed in so that tests can
// run dxp in-process.
type Env struct {
	Getenv func(string) string
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
}

// Main runs dxp with args (without the program name), prints a failure as
// "dxp: ..." on standard error and returns the exit status: 0 ok, 1
// failure, 2 usage error.
func Main(ctx context.Context, args []string, env Env) int {
	err := Run(ctx, args, env)
	if err == nil {
		return 0
	}
	fmt.Fprintln(env.Stderr, "dxp:", err)
	var u usageError
	if errors.As(err, &u) {
		return 2
	}
	return 1
}

// Run is the whole program. A mistake in how dxp was called is an error
// for which Main returns 2.
func Run(ctx context.Context, args []string, env Env) error {
	root := newRoot(&cli{env})
	root.SetArgs(goFlagSpelling(root, args))
	return root.ExecuteContext(ctx)
}

// cli is what every command runs with.
type cli struct{ Env }

// usageError is a mistake in how dxp was called (exit status 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// usagef is a usage error that shows how cmd is called.
func usagef(cmd *cobra.Command, format string, args ...any) error {
	return usageError{fmt.Sprintf(format, args...) + fmt.Sprintf("\nusage: %s (see %s --help)", cmd.UseLine(), cmd.CommandPath())}
}

func init() {
	// dxp --help lists commands in the order they are added: the order of
	// a workflow (validate, apply, run), not the alphabet.
	cobra.EnableCommandSorting = false
}

// newRoot builds the command tree. It is built anew for every run, so
// flag values never leak from one run into the next.
func newRoot(c *cli) *cobra.Command {
	root := &cobra.Command{
		Use:           "dxp",
		Short:         "the DataXPipe Catalog",
		SilenceErrors: true, // Main prints the error, once
		SilenceUsage:  true, // and help only where a command asks for it
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return unknownCommand(cmd, args[0])
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			rootHelp(cmd, c.Stderr)
			return usageError{"no command given"}
		},
	}
	root.CompletionOptions.DisableDefaultCmd = true
	root.SetIn(c.Stdin)
	root.SetOut(c.Stdout)
	root.SetErr(c.Stderr)
	root.SetHelpFunc(func(cmd *cobra.Command, _ []string) { help(cmd, cmd.OutOrStdout()) })
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error { return usagef(cmd, "%v", err) })

	root.AddCommand(c.serveCmd(), c.migrateCmd(), c.adminCmd())
	root.AddCommand(
		c.group("spec", "work with spec files offline", c.specValidateCmd(), c.specSchemaCmd(), c.specBuildCmd()),
		c.group("pipelines", "register and read pipelines", c.pipelinesApplyCmd(), c.pipelinesListCmd(), c.pipelinesGetCmd(), c.pipelinesDeleteCmd()),
		c.group("plan", "hold specs against the organization's plan", c.planCheckCmd()),
		c.group("runs", "record and read pipeline runs", c.runsStartCmd(), c.runsFinishCmd(), c.runsListCmd(), c.runsGetCmd()),
		c.group("checks", "report and read data-quality check results", c.checksReportCmd(), c.checksListCmd()),
		c.group("connections", "register and read connections", c.connectionsCreateCmd(), c.connectionsListCmd(), c.connectionsGetCmd()),
		c.group("lineage", "read the lineage graph", c.lineageShowCmd(), c.lineageImpactCmd()),
		c.group("datasets", "read the datasets of the lineage graph", c.datasetsListCmd(), c.datasetsGetCmd()),
		c.group("org", "read the organization's plan, limits and usage", c.orgShowCmd()),
		c.group("keys", "manage API keys (admins)", c.keysCreateCmd(), c.keysListCmd(), c.keysRevokeCmd(), c.keysRotateCmd()),
		c.group("members", "manage the organization's people (admins)", c.membersListCmd(), c.membersInviteCmd(), c.membersRemoveCmd()),
		c.group("audit", "read the audit log (admins)", c.auditListCmd()),
	)
	forEach(root, func(cmd *cobra.Command) {
		// Use lines say where flags go ("pipelines apply -f FILE|DIR [--dry-run]").
		cmd.DisableFlagsInUseLine = true
		cmd.SuggestionsMinimumDistance = 2 // cobra sets it only for the root, and only on its own path
	})
	return root
}

// group is a command that only holds subcommands ("dxp keys").
func (c *cli) group(name, short string, subs ...*cobra.Command) *cobra.Command {
	g := &cobra.Command{
		Use:   name,
		Short: short,
		Args:  cobra.ArbitraryArgs, // RunE says what is wrong with them
		RunE: func(cmd *cobra.Command, args []string) error {
			switch {
			case len(args) == 0:
				groupHelp(cmd, c.Stderr)
				return usageError{fmt.Sprintf("%s needs a subcommand", name)}
			case args[0] == "help": // "dxp keys help"
				groupHelp(cmd, c.Stdout)
				return nil
			}
			groupHelp(cmd, c.Stderr)
			return unknownCommand(cmd, args[0])
		},
	}
	g.AddCommand(subs...)
	return g
}

// unknownCommand is the usage error for a word that names no subcommand
// of cmd, with the nearest ones ("dxp pipeline list" → pipelines).
func unknownCommand(cmd *cobra.Command, word string) error {
	msg := fmt.Sprintf("unknown command %q", strings.TrimPrefix(cmd.CommandPath()+" "+word, "dxp "))
	if s := cmd.SuggestionsFor(word); len(s) > 0 {
		for i := range s {
			s[i] = fmt.Sprintf("%q", cmd.CommandPath()+" "+s[i])
		}
		msg += "; did you mean " + strings.Join(s, " or ") + "?"
	} else if cmd.HasParent() {
		msg += fmt.Sprintf(" (see %s --help)", cmd.CommandPath())
	} else {
		msg += " (see dxp --help)"
	}
	return usageError{msg}
}

// forEach calls f for cmd and every command below it.
func forEach(cmd *cobra.Command, f func(*cobra.Command)) {
	f(cmd)
	for _, sub := range cmd.Commands() {
		forEach(sub, f)
	}
}

// goFlagSpelling keeps the spellings the standard flag package accepted,
// which dxp parsed with before cobra: "-output json" (pflag would read
// one-letter flags o, u, t, ...) and "--f FILE". A known flag name gets the
// dashes pflag wants; values of flags are left alone, and so is everything
// after "--".
func goFlagSpelling(root *cobra.Command, args []string) []string {
	takesValue := map[string]bool{"help": false} // flag name → it takes a value
	short := map[string]bool{"h": true}
	forEach(root, func(cmd *cobra.Command) {
		cmd.LocalNonPersistentFlags().VisitAll(func(f *pflag.Flag) {
			takesValue[f.Name] = f.NoOptDefVal == ""
			if f.Shorthand != "" {
				takesValue[f.Shorthand] = f.NoOptDefVal == ""
				short[f.Shorthand] = true
			}
		})
	})
	out := make([]string, len(args))
	copy(out, args)
	for i := 0; i < len(out); i++ {
		a := out[i]
		if a == "--" {
			break
		}
		if len(a) < 2 || a[0] != '-' {
			continue
		}
		name, _, inline := strings.Cut(strings.TrimLeft(a, "-"), "=")
		value, known := takesValue[name]
		if !known {
			continue
		}
		switch {
		case a[1] != '-' && len(name) > 1 && !short[name]:
			out[i] = "-" + a // -output → --output
		case a[1] == '-' && short[name]:
			out[i] = a[1:] // --f → -f
		}
		if value && !inline {
			i++ // the next argument is this flag's value
		}
	}
	return out
}
