package cli

import (
	"flag"
	"fmt"
	"strings"

	"github.com/rungs/rungs/internal/ladder"
)

var schemaCommand = &command{
	name:    "schema",
	summary: "print the JSON Schema of a framework file",
	usage: `
Usage:
  rungs schema [rungs|ladder|level|crosswalk|page]

Prints the JSON Schema of one kind of file (default: rungs, for rungs.yaml). Editors that
understand JSON Schema (VS Code with the YAML extension, JetBrains IDEs, Neovim with
yaml-language-server) use it to complete keys and flag mistakes as you type; the files written
by 'rungs init' already point at copies in their schema/ folder.

  rungs      rungs.yaml
  ladder     ladders/<ladder>/ladder.yaml
  level      the front matter of ladders/<ladder>/<level>.md
  crosswalk  crosswalk.yaml
  page       the front matter of pages/<page>.md

Examples:
  rungs schema > schema/rungs.json
  rungs schema ladder
`,
	run: runSchema,
}

func runSchema(e *env, args []string) error {
	fs := flag.NewFlagSet("schema", flag.ContinueOnError)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	name := "rungs"
	switch len(pos) {
	case 0:
	case 1:
		name = pos[0]
	default:
		return usageError{"schema takes at most one name"}
	}
	b, ok := ladder.Schema(name)
	if !ok {
		names := ladder.SchemaNames()
		return usageError{fmt.Sprintf("no schema %q%s; there are: %s", name, ladder.Suggest(name, names), strings.Join(names, ", "))}
	}
	_, err = e.stdout.Write(b)
	return err
}
