package main

import (
	"context"
	"strings"
)

// command is one client subcommand, "dxp <name> <args>".
type command struct {
	name     string // "pipelines apply"
	args     string // how it is called, for usage lines
	summary  string // one line for dxp --help
	about    string // what it does, for its own --help
	examples []string
	run      func(ctx context.Context, c *cli, args []string) error
}

// commands lists every client command in the order dxp --help shows them.
// It is filled in init because the commands' run funcs print help, which
// reads this table.
var commands []*command

func init() {
	commands = []*command{
		specValidateCmd, specSchemaCmd, specBuildCmd,
		pipelinesApplyCmd, pipelinesListCmd, pipelinesGetCmd, planCheckCmd,
		keysCreateCmd, keysListCmd, keysRevokeCmd, keysRotateCmd,
		runsStartCmd, runsFinishCmd, checksReportCmd, lineageShowCmd,
	}
}

// synopsis is how the command is called: "dxp pipelines get NAME".
func (c *command) synopsis() string {
	return strings.TrimSpace("dxp " + c.name + " " + c.args)
}

// findCommand returns the command called name ("pipelines apply"), or nil.
func findCommand(name string) *command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return nil
}

// isGroup reports whether word starts a client command ("pipelines").
func isGroup(word string) bool {
	for _, c := range commands {
		if group, _, _ := strings.Cut(c.name, " "); group == word {
			return true
		}
	}
	return false
}
