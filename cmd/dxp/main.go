// Command dxp is the DataXPipe Catalog in one binary: the server (serve,
// migrate) and client commands for CI/CD (spec, pipelines, plan, keys,
// runs, checks, lineage; the command table is in cli_commands.go).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "dxp:", err)
		var u usageError
		if errors.As(err, &u) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

// usageError is a mistake in how dxp was called (exit status 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// run is the whole program, with its environment passed in so that tests
// can run it in-process.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage())
		return usageError{"no command given"}
	}
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], getenv, stderr)
	case "migrate":
		return migrate(ctx, args[1:], getenv, stdout)
	case "help", "-h", "--help":
		if len(args) > 1 && isGroup(args[1]) {
			// "dxp help keys rotate" is "dxp keys rotate --help".
			return runClient(ctx, append(slices.Clone(args[1:]), "--help"), &cli{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr})
		}
		fmt.Fprint(stdout, usage())
		return nil
	}
	if isGroup(args[0]) {
		return runClient(ctx, args, &cli{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr})
	}
	fmt.Fprint(stderr, usage())
	return usageError{fmt.Sprintf("unknown command %q", args[0])}
}
