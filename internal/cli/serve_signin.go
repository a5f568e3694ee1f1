package cli

import (
	"flag"
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/rungs/rungs/internal/app"
)

// How people sign in to the people app beyond a password: serve's flags for two-factor
// sign-in and for the company's identity provider (OpenID Connect). Each may also be given in
// the environment as RUNGS_ and the flag's name in capitals with _ for - (RUNGS_OIDC_ISSUER),
// which is how container platforms and systemd units pass settings; a flag on the command
// line wins. The client secret is never a flag, which any user of the machine could read in
// the process list: it is RUNGS_OIDC_CLIENT_SECRET, or a file named by
// --oidc-client-secret-file.

// signInUsage is the part of serve's help about these flags.
const signInUsage = `
Signing in (with --data or --db; each also as RUNGS_OIDC_ISSUER, RUNGS_SSO_ONLY and so on):
  --admin-two-factor
                  the people team must sign in with a second factor (a code from an
                  authenticator app): an admin signed in with a password alone can only
                  turn it on until they do
  --oidc-issuer URL
                  sign people in with the company's identity provider (OpenID Connect:
                  Google Workspace, Okta, Entra ID, Keycloak...), found at URL's
                  /.well-known/openid-configuration; people are matched by verified email
  --oidc-client-id ID
                  rungs' client id at the provider (required with --oidc-issuer)
  --oidc-client-secret-file PATH
                  the file holding its client secret (or RUNGS_OIDC_CLIENT_SECRET)
  --oidc-redirect-url URL
                  the redirect URL registered with the provider (default: the address the
                  browser reached rungs at, with /login/sso/callback)
  --oidc-name NAME
                  the provider as the sign-in button names it (default: "your company
                  account")
  --oidc-admin-group GROUP
                  the people team is exactly the members of GROUP, as the provider says at
                  each sign-in (read from the claim --oidc-groups-claim, default "groups")
  --sso-only      passwords off: everyone signs in through the provider
`

// signInFlags are serve's sign-in flags.
type signInFlags struct {
	adminTwoFactor                               *bool
	issuer, clientID, secretFile, redirect, name *string
	adminGroup, groupsClaim                      *string
	only                                         *bool
	names                                        []string
}

func addSignInFlags(fset *flag.FlagSet) *signInFlags {
	return &signInFlags{
		adminTwoFactor: fset.Bool("admin-two-factor", false, ""),
		issuer:         fset.String("oidc-issuer", "", ""),
		clientID:       fset.String("oidc-client-id", "", ""),
		secretFile:     fset.String("oidc-client-secret-file", "", ""),
		redirect:       fset.String("oidc-redirect-url", "", ""),
		name:           fset.String("oidc-name", "", ""),
		adminGroup:     fset.String("oidc-admin-group", "", ""),
		groupsClaim:    fset.String("oidc-groups-claim", "groups", ""),
		only:           fset.Bool("sso-only", false, ""),
		names: []string{"admin-two-factor", "oidc-issuer", "oidc-client-id", "oidc-client-secret-file", "oidc-redirect-url",
			"oidc-name", "oidc-admin-group", "oidc-groups-claim", "sso-only"},
	}
}

// envName is the environment variable a flag may also be given in.
func envName(flagName string) string {
	return "RUNGS_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// fromEnv sets the flags not given on the command line from the environment, and returns
// the names of those given either way.
func (f *signInFlags) fromEnv(fset *flag.FlagSet) ([]string, error) {
	given := map[string]bool{}
	fset.Visit(func(fl *flag.Flag) { given[fl.Name] = true })
	var set []string
	for _, name := range f.names {
		if v, ok := os.LookupEnv(envName(name)); ok && !given[name] && v != "" {
			if err := fset.Set(name, v); err != nil {
				return nil, usageError{fmt.Sprintf("%s=%q: %v", envName(name), v, err)}
			}
			given[name] = true
		}
		if given[name] {
			set = append(set, name)
		}
	}
	return set, nil
}

// check validates the flags; app says whether the people app runs (--data or --db).
func (f *signInFlags) check(fset *flag.FlagSet, app bool) error {
	set, err := f.fromEnv(fset)
	if err != nil {
		return err
	}
	if len(set) > 0 && !app {
		return usageError{"--" + set[0] + " is for the people app: add --data PATH or --db URL"}
	}
	if *f.issuer == "" {
		for _, name := range set {
			if strings.HasPrefix(name, "oidc-") || name == "sso-only" {
				return usageError{"--" + name + " needs --oidc-issuer, the identity provider to sign in with"}
			}
		}
		return nil
	}
	if u, err := url.Parse(*f.issuer); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return usageError{fmt.Sprintf("--oidc-issuer %q: give the provider's https:// URL", *f.issuer)}
	}
	if *f.clientID == "" {
		return usageError{"--oidc-issuer needs --oidc-client-id, rungs' client id at the provider"}
	}
	if *f.redirect != "" {
		if u, err := url.Parse(*f.redirect); err != nil || u.Host == "" || !strings.HasSuffix(u.Path, "/login/sso/callback") {
			return usageError{fmt.Sprintf("--oidc-redirect-url %q: give the full URL, ending in /login/sso/callback", *f.redirect)}
		}
	}
	return nil
}

// oidc is the app's configuration of the provider; the client secret is read here.
func (f *signInFlags) oidc() (app.OIDC, error) {
	if *f.issuer == "" {
		return app.OIDC{}, nil
	}
	secret := os.Getenv("RUNGS_OIDC_CLIENT_SECRET")
	if *f.secretFile != "" {
		b, err := os.ReadFile(*f.secretFile)
		if err != nil {
			return app.OIDC{}, fmt.Errorf("--oidc-client-secret-file: %w", err)
		}
		secret = strings.TrimSpace(string(b))
	}
	return app.OIDC{Issuer: *f.issuer, ClientID: *f.clientID, ClientSecret: secret, RedirectURL: *f.redirect,
		Name: *f.name, AdminGroup: *f.adminGroup, GroupsClaim: *f.groupsClaim, Only: *f.only}, nil
}
