package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sort"
	"strings"

	"github.com/rungs/rungs/internal/auth"
	"github.com/rungs/rungs/internal/ladder"
	"github.com/rungs/rungs/internal/store"
)

var adminCommand = &command{
	name:    "admin",
	summary: "accounts, imports, exports, backups and upgrades of the people app, from the shell",
	usage: `
Usage:
  rungs admin create-user    (--data PATH | --db URL) --email E [--name N] [--role admin|member] [--start-date YYYY-MM-DD]
  rungs admin reset-password (--data PATH | --db URL) --email E
  rungs admin import-people  (--data PATH | --db URL) FILE.csv [--framework DIR] [--dry-run] [--encoding E]
  rungs admin export         (--data PATH | --db URL) [--people FILE] [--history FILE] [--audit FILE] [--force]
  rungs admin backup         (--data PATH | --db URL) -o FILE [--force]
  rungs admin restore        (--data PATH | --db URL) FILE [--force]
  rungs admin restore        --check FILE
  rungs admin migrate        (--data PATH | --db URL) [--dry-run]

Looks after the people app's database, the one 'rungs serve' uses: an embedded SQLite file
(--data PATH) or PostgreSQL (--db postgres://...); give exactly one. Everything these commands
change goes into the audit log, as it does from the app.

create-user
  Gives someone an account to sign in with. Someone not yet in the database is added first,
  which needs --name (and --start-date, default today). The very first account is an admin
  unless --role says otherwise; later ones are members. The password is the first line of
  standard input (at a terminal, rungs asks for it without showing it): at least 12
  characters.

reset-password
  Sets a new password, read the same way, and signs the person out everywhere.

import-people
  Adds and updates people from an HR system's CSV export, all of them or none: every bad row
  is reported as FILE:LINE: column: reason and then nothing is imported. Columns are found by
  their headers, whatever their case and punctuation:
    name        Name, Full name, Employee name, or First name with Last name (needed)
    email       Email, Work email, E-mail (needed; people already stored are matched by it)
    start date  Start date, Hire date, Joined: YYYY-MM-DD (needed)
    manager     Manager, Manager email, Reports to, Line manager: the manager's email
    title       Title, Job title, Position, Role
    status      Status, Employment status: active or left (empty is active)
    ladder, track, level   a newcomer's first level: the level's id, code or title
  Other columns are ignored and listed. A level is for new people (their hire); someone
  already stored changes level on their page, with a reason. Levels are checked against the
  framework in --framework DIR (default: the current folder, else the bundled one).
  --dry-run checks the file and says what it would do without writing anything.
  The file must be UTF-8 (Excel's "CSV UTF-8"); one that is not is refused at its first odd
  byte, saying what it looks like. --encoding windows-1252 (or utf-16, latin1) reads a file
  saved in that encoding instead. Ctrl-C stops the import, and nothing is imported.

export
  Writes the people (in the shape import-people reads), the level history and the audit log as
  CSV files, each written whole or not at all. An existing file is only replaced with --force.
  Cells a spreadsheet would run as a formula start with a '.

backup
  Writes every row of the people app to FILE while rungs keeps serving: one consistent
  snapshot (what was committed before the backup began is in it, nothing after), as
  compressed JSON lines with the schema version, the rungs version, and a row count and
  checksum per table. The same file restores into SQLite or PostgreSQL, whichever it came
  from. It is written whole or not at all, readable by its owner only (it holds password
  hashes); an existing FILE is only replaced with --force. The database is not upgraded.

restore
  Replaces everything in the database with the backup in FILE, in one transaction: a damaged
  file, or any failure, changes nothing. A database that holds data is only replaced with
  --force; a backup from a newer schema than this rungs knows is refused. A backup from an
  older rungs is upgraded to this one's schema. Stop every 'rungs serve' on the database
  first, and start them again after. --check reads FILE and checks every table's count and
  checksum, without a database.

migrate
  Upgrades the database's schema to the one this rungs knows, each step in a transaction of
  its own ('rungs serve' does it too when it starts, unless --no-migrate). --dry-run prints
  the SQL each step would run and changes nothing. Schema changes only go forward: to go back,
  restore a backup taken before the upgrade with the rungs that took it.

Examples:
  rungs admin backup --data rungs.db -o backups/rungs-2025-01-31.rungs-backup
  rungs admin restore --db postgres://rungs@db/rungs rungs-2025-01-31.rungs-backup
  rungs admin migrate --db postgres://rungs@db/rungs --dry-run
  rungs admin create-user --data rungs.db --email ada@example.com --name "Ada Lovelace"
  rungs admin import-people --data rungs.db people.csv --dry-run
  rungs admin export --db postgres://rungs@db/rungs --people people.csv --history history.csv
`,
	run: runAdmin,
}

// adminCommands are the subcommands of rungs admin.
var adminCommands = map[string]func(e *env, args []string) error{
	"create-user":    runCreateUser,
	"reset-password": runResetPassword,
	"import-people":  runImportPeople,
	"export":         runAdminExport,
	"backup":         runAdminBackup,
	"restore":        runAdminRestore,
	"migrate":        runAdminMigrate,
}

func runAdmin(e *env, args []string) error {
	var names []string
	for n := range adminCommands {
		names = append(names, n)
	}
	sort.Strings(names)
	if len(args) == 0 {
		return usageError{"admin needs a subcommand: " + strings.Join(names, ", ")}
	}
	run, ok := adminCommands[args[0]]
	if !ok {
		return usageError{fmt.Sprintf("unknown admin subcommand %q%s; use %s", args[0], ladder.Suggest(args[0], names), strings.Join(names, ", "))}
	}
	return run(e, args[1:])
}

// openExisting opens the database for commands that only make sense on one that is there:
// a mistyped --data path is an error, not a new empty database.
func openExisting(ctx context.Context, d databaseFlags) (*store.Store, error) {
	if *d.data != "" && *d.db == "" {
		if _, err := os.Stat(*d.data); err != nil {
			return nil, fmt.Errorf("%s: no such database ('rungs admin create-user' or 'rungs serve --data' makes one)", *d.data)
		}
	}
	return d.open(ctx)
}

// readPassword reads a new password for who from the first line of standard input and
// checks it, with the person's name and email among personal. At a terminal it asks for it,
// and hides the typing where stty can.
func readPassword(e *env, who string, personal ...string) (string, error) {
	if f, ok := e.stdin.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			fmt.Fprintf(e.stderr, "New password for %s: ", who)
			if stty(f, "-echo") == nil {
				defer func() {
					stty(f, "echo")
					fmt.Fprintln(e.stderr)
				}()
			}
		}
	}
	line, err := bufio.NewReader(e.stdin).ReadString('\n')
	if err != nil && (!errors.Is(err, io.EOF) || line == "") {
		if errors.Is(err, io.EOF) {
			return "", errors.New("no password on standard input: type it at a terminal, or pipe it in")
		}
		return "", fmt.Errorf("read the password from standard input: %w", err)
	}
	password := strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
	if err := auth.Check(password, personal...); err != nil {
		return "", err
	}
	return password, nil
}

// stty changes the terminal's settings; it fails harmlessly where there is no stty.
func stty(tty *os.File, arg string) error {
	cmd := exec.Command("stty", arg)
	cmd.Stdin = tty
	return cmd.Run()
}

// noArgs refuses positional arguments a subcommand does not take.
func noArgs(name string, pos []string) error {
	if len(pos) > 0 {
		return usageError{fmt.Sprintf("admin %s takes flags only, not %q", name, pos[0])}
	}
	return nil
}
