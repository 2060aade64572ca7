package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
)

// usage is dxp --help: the server commands, then the client commands from
// the command table, so the list cannot fall behind the code.
func usage() string {
	var b strings.Builder
	b.WriteString(`dxp — the DataXPipe Catalog

Usage: dxp <command> [arguments] [flags]

Server:
  dxp serve [--migrate]    run the API server (DATAXPIPE_ADDR, default :8000)
  dxp migrate [status]     apply (or list) database migrations

Client (spec commands work offline; the others call the API):
`)
	group := ""
	for _, c := range commands {
		g, _, _ := strings.Cut(c.name, " ")
		if g != group && group != "" {
			b.WriteString("\n")
		}
		group = g
		fmt.Fprintf(&b, "  dxp %-19s  %s\n", c.name, c.summary)
	}
	b.WriteString(`
The client reads DATAXPIPE_API_URL (default http://localhost:8000) and
DATAXPIPE_API_KEY, or --api-url and --api-key. Read commands print tables,
or JSON with --output json. "dxp <command> --help" shows a command's
arguments, flags and examples. Exit status: 0 ok, 1 failure, 2 usage.
`)
	return b.String()
}

// printGroupHelp lists the commands of one group ("dxp keys").
func printGroupHelp(w io.Writer, group string) {
	fmt.Fprintf(w, "Commands of dxp %s:\n", group)
	for _, c := range commands {
		if strings.HasPrefix(c.name, group+" ") {
			fmt.Fprintf(w, "  %s\n      %s\n", c.synopsis(), c.summary)
		}
	}
	fmt.Fprintf(w, "\nRun \"dxp %s <command> --help\" for a command's flags and examples.\n", group)
}

// printCommandHelp is "dxp <command> --help".
func printCommandHelp(w io.Writer, c *command, fs *flag.FlagSet) {
	fmt.Fprintf(w, "Usage: %s\n\n%s\n", c.synopsis(), c.about)
	first := true
	fs.VisitAll(func(f *flag.Flag) {
		if first {
			fmt.Fprintf(w, "\nFlags:\n")
			first = false
		}
		arg, text := flag.UnquoteUsage(f)
		if len(f.Name) > 1 {
			fmt.Fprintf(w, "  --%s %s\n", f.Name, arg)
		} else {
			fmt.Fprintf(w, "  -%s %s\n", f.Name, arg)
		}
		switch f.DefValue {
		case "", "0", "0s", "false":
		default:
			text += " (default " + f.DefValue + ")"
		}
		fmt.Fprintf(w, "      %s\n", text)
	})
	if len(c.examples) > 0 {
		fmt.Fprintf(w, "\nExamples:\n")
		for _, e := range c.examples {
			fmt.Fprintf(w, "  %s\n", e)
		}
	}
}
