// Package cli is the rungs command line: one file per subcommand.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/rungs/rungs/internal/ladder"
)

// command is one subcommand.
type command struct {
	name    string
	summary string
	usage   string // the text shown by --help, after the summary
	run     func(env *env, args []string) error
}

// env is what a command may touch besides its arguments.
type env struct {
	ctx            context.Context // cancelled on Ctrl-C
	stdin          io.Reader       // where a password is read from
	stdout, stderr io.Writer
}

// exitError ends the program with a code after the command has said all it had to say.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// usageError is a mistake in the command line itself; it exits 2 and points at --help.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func commands() []*command {
	return []*command{initCommand, checkCommand, fmtCommand, buildCommand, serveCommand, importCommand, exportCommand, diffCommand, titlesCommand, adminCommand, schemaCommand, versionCommand}
}

func findCommand(name string) *command {
	for _, c := range commands() {
		if c.name == name {
			return c
		}
	}
	return nil
}

// Main runs rungs with args (without the program name) and returns the process exit code.
// Ctrl-C (or SIGTERM) cancels the command's context, so a server stops gracefully.
func Main(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := Run(ctx, args, stdout, stderr)
	var exit exitError
	var usage usageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exit):
		return exit.code
	case errors.As(err, &usage):
		fmt.Fprintf(stderr, "rungs: %s\nRun 'rungs help' for usage.\n", usage.msg)
		return 2
	default:
		fmt.Fprintf(stderr, "rungs: %v\n", err)
		return 1
	}
}

// Run runs one rungs command.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	e := &env{ctx: ctx, stdin: os.Stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		printHelp(stderr)
		return exitError{2}
	}
	name := args[0]
	switch name {
	case "help", "-h", "-help", "--help":
		if len(args) > 1 {
			c := findCommand(args[1])
			if c == nil {
				return usageError{fmt.Sprintf("no help for unknown command %q", args[1])}
			}
			printCommandHelp(stdout, c)
			return nil
		}
		printHelp(stdout)
		return nil
	case "-version", "--version":
		name = "version"
	}
	c := findCommand(name)
	if c == nil {
		var names []string
		for _, c := range commands() {
			names = append(names, c.name)
		}
		return usageError{fmt.Sprintf("unknown command %q%s", name, ladder.Suggest(name, names))}
	}
	for _, a := range args[1:] {
		if a == "--" {
			break
		}
		if a == "-h" || a == "-help" || a == "--help" {
			printCommandHelp(stdout, c)
			return nil
		}
	}
	return c.run(e, args[1:])
}

func printHelp(w io.Writer) {
	fmt.Fprint(w, `rungs keeps a career framework (ladders, levels, expectations) as files in git,
checks them and publishes them.

Usage:
  rungs <command> [arguments]

Commands:
`)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, `
Start here:
  rungs init my-ladder          write the default framework into ./my-ladder
  rungs check my-ladder         find every problem, as file:line:col lines

Run 'rungs help <command>' or 'rungs <command> --help' for details.
`)
}

func printCommandHelp(w io.Writer, c *command) {
	fmt.Fprintf(w, "rungs %s: %s\n\n%s", c.name, c.summary, strings.TrimLeft(c.usage, "\n"))
}

// parseFlags parses flags that may come before or after the positional arguments, as people type
// them ("rungs init DIR --force"), and returns the positionals.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	fs.SetOutput(io.Discard)
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, usageError{err.Error()}
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return positional, nil
		}
		if rest[0] == "--" {
			return append(positional, rest[1:]...), nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}
