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
	"sync/atomic"
	"syscall"

	"github.com/rungs/rungs/internal/ladder"
	"github.com/rungs/rungs/internal/store"
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
// Ctrl-C, SIGTERM and SIGHUP cancel the command's context: a long command then stops, removes
// what it had half-written, leaves its output as it was and exits 128 plus the signal's number
// (130 for Ctrl-C, 143 for SIGTERM); a server stops gracefully. A second signal ends rungs at
// once. Main is the process's: serve's page memory (store.ReservePageMemory) is set aside here.
func Main(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "serve" {
		// Only here, at the process's start: SQLite takes it before its first database or
		// never. A server on PostgreSQL never touches the block.
		if err := store.ReservePageMemory(); err != nil {
			fmt.Fprintf(stderr, "rungs: %v\n", err)
		}
	}
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, stopSignals...)
	defer signal.Stop(sigs)
	done := make(chan struct{})
	defer close(done)
	go func() {
		stopping := false
		for {
			select {
			case sig := <-sigs:
				switch {
				case sig == syscall.SIGHUP && hangupClaimed.Load():
					// The command reads SIGHUP itself (serve reloads the framework).
				case !stopping:
					cancel(stopSignal{sig})
					stopping = true
				default:
					fmt.Fprintf(stderr, "rungs: %s again: stopping at once\n", sig)
					os.Exit(stopSignal{sig}.exitCode())
				}
			case <-done:
				return
			}
		}
	}()
	err := Run(ctx, args, stdout, stderr)
	var sig stopSignal
	if err != nil && errors.As(context.Cause(ctx), &sig) {
		var st stoppedError
		switch {
		case errors.As(err, &st):
			fmt.Fprintf(stderr, "rungs: stopped (%s): %s\n", sig, st.left)
		case errors.Is(err, context.Canceled):
			fmt.Fprintf(stderr, "rungs: stopped (%s)\n", sig)
		default:
			fmt.Fprintf(stderr, "rungs: stopped (%s): %v\n", sig, err)
		}
		return sig.exitCode()
	}
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

// stopSignals are the signals that stop a command: Ctrl-C, a service manager's SIGTERM, and
// SIGHUP, which a closing terminal sends.
var stopSignals = []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP}

// hangupClaimed is set while a command reads SIGHUP as a request of its own rather than a
// closed terminal: serve running the people app, which a service manager asks to reload so.
var hangupClaimed atomic.Bool

// stopSignal is the cause of a context cancelled by a signal.
type stopSignal struct{ sig os.Signal }

func (s stopSignal) Error() string  { return s.sig.String() }
func (s stopSignal) String() string { return s.sig.String() }

// exitCode is 128 plus the signal's number, as shells report a command a signal ended.
func (s stopSignal) exitCode() int {
	if n, ok := s.sig.(syscall.Signal); ok {
		return 128 + int(n)
	}
	return 130
}

// stoppedError is what a command returns when a signal stopped it; left says what it left
// behind, such as "nothing was written; public is as it was".
type stoppedError struct{ left string }

func (e stoppedError) Error() string { return "stopped: " + e.left }

// stopped returns a stoppedError when ctx was cancelled, else err unchanged.
func stopped(ctx context.Context, err error, left string, args ...any) error {
	if err != nil && ctx.Err() != nil {
		return stoppedError{fmt.Sprintf(left, args...)}
	}
	return err
}

// untilStopped runs fn and returns what it returns, or ctx's error as soon as ctx is cancelled.
// fn then runs on unobserved until the process ends, so it must change nothing outside memory:
// it is for reading and computing (loading, rendering, converting), never for writing.
func untilStopped[T any](ctx context.Context, fn func() (T, error)) (T, error) {
	type result struct {
		v   T
		err error
	}
	ch := make(chan result, 1)
	go func() {
		v, err := fn()
		ch <- result{v, err}
	}()
	select {
	case r := <-ch:
		return r.v, r.err
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
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
