package cli

import (
	"flag"
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/rungs/rungs/internal/app/mail"
)

// Email notifications of the people app: serve's flags for the SMTP server it sends through
// and the address its links point at. As with the sign-in flags, each may be given in the
// environment too (RUNGS_SMTP_ADDR...), a flag on the command line wins, and the password is
// never a flag: it is RUNGS_SMTP_PASSWORD, or a file named by --smtp-password-file.

// mailUsage is the part of serve's help about these flags.
const mailUsage = `
Email (with --data or --db; off unless --smtp-addr is given; each also as RUNGS_SMTP_ADDR...):
  --smtp-addr HOST:PORT
                  send email notifications through this SMTP server: an assessment due
                  when a cycle opens, a manager's assessment shared, a promotion case
                  decided. Port 465 speaks TLS from the start; on any other, STARTTLS is
                  used when the server offers it
  --smtp-from ADDRESS
                  the sender, as "rungs <rungs@example.com>" or an address (required with
                  --smtp-addr)
  --smtp-username NAME
                  sign in to the SMTP server as NAME, with the password in
                  RUNGS_SMTP_PASSWORD or in the file named by --smtp-password-file (the
                  password is sent only over TLS, or to a server on this machine)
  --smtp-password-file PATH
  --base-url URL  the address people reach the app at (https://ladder.example.com),
                  which links in emails start with (required with --smtp-addr)
`

// mailFlags are serve's email flags.
type mailFlags struct {
	addr, from, username, passwordFile, baseURL *string
	names                                       []string
}

func addMailFlags(fset *flag.FlagSet) *mailFlags {
	return &mailFlags{
		addr:         fset.String("smtp-addr", "", ""),
		from:         fset.String("smtp-from", "", ""),
		username:     fset.String("smtp-username", "", ""),
		passwordFile: fset.String("smtp-password-file", "", ""),
		baseURL:      fset.String("base-url", "", ""),
		names:        []string{"smtp-addr", "smtp-from", "smtp-username", "smtp-password-file", "base-url"},
	}
}

// check reads the flags not given from the environment and validates them; app says whether
// the people app runs.
func (f *mailFlags) check(fset *flag.FlagSet, app bool) error {
	given := map[string]bool{}
	fset.Visit(func(fl *flag.Flag) { given[fl.Name] = true })
	var set []string
	for _, name := range f.names {
		if v, ok := os.LookupEnv(envName(name)); ok && !given[name] && v != "" {
			if err := fset.Set(name, v); err != nil {
				return usageError{fmt.Sprintf("%s=%q: %v", envName(name), v, err)}
			}
			given[name] = true
		}
		if given[name] {
			set = append(set, name)
		}
	}
	if len(set) > 0 && !app {
		return usageError{"--" + set[0] + " is for the people app: add --data PATH or --db URL"}
	}
	if *f.addr == "" {
		for _, name := range set {
			if strings.HasPrefix(name, "smtp-") {
				return usageError{"--" + name + " needs --smtp-addr, the SMTP server to send through"}
			}
		}
		return nil
	}
	if *f.from == "" {
		return usageError{"--smtp-addr needs --smtp-from, the address emails are sent from"}
	}
	if err := (mail.SMTP{Addr: *f.addr, From: *f.from}).Check(); err != nil {
		return usageError{"--smtp-addr, --smtp-from: " + err.Error()}
	}
	u, err := url.Parse(*f.baseURL)
	if *f.baseURL == "" || err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return usageError{fmt.Sprintf("--smtp-addr needs --base-url, the https:// address people reach the app at, for the links in emails (got %q)", *f.baseURL)}
	}
	return nil
}

// on reports whether email is sent.
func (f *mailFlags) on() bool { return *f.addr != "" }

// smtp is the SMTP server's settings; the password is read here.
func (f *mailFlags) smtp() (mail.SMTP, error) {
	password := os.Getenv("RUNGS_SMTP_PASSWORD")
	if *f.passwordFile != "" {
		b, err := os.ReadFile(*f.passwordFile)
		if err != nil {
			return mail.SMTP{}, fmt.Errorf("--smtp-password-file: %w", err)
		}
		password = strings.TrimSpace(string(b))
	}
	return mail.SMTP{Addr: *f.addr, From: *f.from, Username: *f.username, Password: password}, nil
}
