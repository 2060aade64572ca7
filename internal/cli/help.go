package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
)

// help writes the help of cmd: the overview for dxp itself, the list of a
// group's commands, or one command's usage, flags and examples.
func help(cmd *cobra.Command, w io.Writer) {
	switch {
	case !cmd.HasParent():
		rootHelp(cmd, w)
	case cmd.HasAvailableSubCommands():
		groupHelp(cmd, w)
	default:
		commandHelp(cmd, w)
	}
}

// rootHelp is dxp --help: the server commands, then every client command,
// read from the command tree so the list cannot fall behind the code.
func rootHelp(root *cobra.Command, w io.Writer) {
	var b strings.Builder
	b.WriteString("dxp — the DataXPipe Catalog\n\nUsage: dxp <command> [arguments] [flags]\n\nServer:\n")
	var groups, server []*cobra.Command
	width := 0
	for _, cmd := range root.Commands() {
		switch {
		case !cmd.IsAvailableCommand():
		case cmd.Annotations[serverSection] != "": // a group of server commands (dxp admin)
			for _, sub := range cmd.Commands() {
				if sub.IsAvailableCommand() {
					server = append(server, sub)
					width = max(width, len(sub.UseLine()))
				}
			}
		case cmd.HasAvailableSubCommands():
			groups = append(groups, cmd)
		default:
			server = append(server, cmd)
			width = max(width, len(cmd.UseLine()))
		}
	}
	for _, cmd := range server {
		fmt.Fprintf(&b, "  %-*s  %s\n", width, cmd.UseLine(), cmd.Short)
	}
	b.WriteString("\nClient (spec commands work offline; the others call the API):\n")
	for i, g := range groups {
		if i > 0 {
			b.WriteString("\n")
		}
		for _, cmd := range g.Commands() {
			if cmd.IsAvailableCommand() {
				fmt.Fprintf(&b, "  dxp %-19s  %s\n", g.Name()+" "+cmd.Name(), cmd.Short)
			}
		}
	}
	b.WriteString(`
The client reads DATAXPIPE_API_URL (default http://localhost:8000) and
DATAXPIPE_API_KEY, or --api-url and --api-key. Read commands print tables,
or JSON with --output json. "dxp <command> --help" shows a command's
arguments, flags and examples. Exit status: 0 ok, 1 failure, 2 usage.
`)
	io.WriteString(w, b.String())
}

// serverSection is the annotation of a command group that works on the
// server's database rather than through the API.
const serverSection = "dxp/server-section"

// groupHelp lists the commands of one group ("dxp keys").
func groupHelp(g *cobra.Command, w io.Writer) {
	fmt.Fprintf(w, "Commands of %s:\n", g.CommandPath())
	for _, cmd := range g.Commands() {
		if cmd.IsAvailableCommand() {
			fmt.Fprintf(w, "  %s\n      %s\n", cmd.UseLine(), cmd.Short)
		}
	}
	fmt.Fprintf(w, "\nRun \"%s <command> --help\" for a command's flags and examples.\n", g.CommandPath())
}

// commandHelp is "dxp <command> --help"; the flags are pflag's own table.
func commandHelp(cmd *cobra.Command, w io.Writer) {
	fmt.Fprintf(w, "Usage: %s\n\n%s\n", cmd.UseLine(), strings.TrimRight(cmd.Long, "\n"))
	if flags := cmd.Flags(); flags.HasAvailableFlags() {
		flags.SortFlags = false // in the order the command defines them: its own first
		fmt.Fprintf(w, "\nFlags:\n%s", flags.FlagUsages())
	}
	if cmd.Example != "" {
		fmt.Fprintf(w, "\nExamples:\n%s\n", cmd.Example)
	}
}

// wrap breaks text that starts at column indent into lines of at most
// width columns, the lines after the first indented to the same column.
func wrap(text string, indent, width int) string {
	var b strings.Builder
	line := indent
	for i, word := range strings.Fields(text) {
		if i > 0 && line+1+len(word) > width {
			b.WriteString("\n" + strings.Repeat(" ", indent))
			line = indent
		} else if i > 0 {
			b.WriteString(" ")
			line++
		}
		b.WriteString(word)
		line += len(word)
	}
	return b.String()
}

// examples indents example lines for the Examples section.
func examples(lines ...string) string {
	return "  " + strings.Join(lines, "\n  ")
}
