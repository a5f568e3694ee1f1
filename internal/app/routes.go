package app

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
)

// route is one page or action of the app and the rule for who may use it.
type route struct {
	method string
	path   string // a ServeMux pattern; {id} is a person
	rule   rule
	handle handler
}

// handler serves a request the route's rule allowed. v is nil only on routes open to anyone.
type handler func(a *App, w http.ResponseWriter, r *http.Request, v *Viewer) error

// routeList is every route of the app: the authorisation test walks it, so a route added
// here without a decision in that test's table fails it.
func routeList() []route {
	return []route{
		{"GET", "/app-assets/{file}", anyone, serveAsset},

		{"GET", "/login", anyone, loginPage},
		{"POST", "/login", anyone, login},
		{"POST", "/logout", signedIn, logout},
		{"GET", "/setup/{token}", anyone, setupPage},
		{"POST", "/setup/{token}", anyone, setup},

		{"GET", "/account", signedIn, accountPage},
		{"POST", "/account/password", signedIn, changePassword},
		{"POST", "/account/sign-out-everywhere", signedIn, signOutEverywhere},

		{"GET", "/people", signedIn, peoplePage},
		{"GET", "/people/new", admins, newPersonPage},
		{"POST", "/people", admins, createPerson},
		{"GET", "/people/{id}", seePerson, personPage},
		{"GET", "/people/{id}/edit", admins, editPersonPage},
		{"POST", "/people/{id}", admins, updatePerson},
		{"POST", "/people/{id}/levels", admins, addLevel},
		{"POST", "/people/{id}/sign-in-link", admins, signInLink},

		{"GET", "/import", admins, importPage},
		{"POST", "/import", admins, importPreview},
		{"POST", "/import/apply", admins, importApply},
		{"GET", "/export/people.csv", admins, exportPeople},
		{"GET", "/export/history.csv", admins, exportHistory},
		{"GET", "/export/audit.csv", admins, exportAudit},

		{"GET", "/rollout", admins, rolloutPage},
		{"POST", "/rollout/rules", admins, saveRules},
		{"GET", "/rollout/review", managers, reviewPage},
		{"POST", "/rollout/review/{id}", reviewPerson, review},
		{"POST", "/rollout/apply", admins, applyRollout},
		{"POST", "/rollout/discard", admins, discardRollout},

		{"GET", "/audit", admins, auditPage},
	}
}

// routes builds the mux: every route wrapped in the session, CSRF and rule checks, and the
// published site for everything else.
func (a *App) routes() *http.ServeMux {
	mux := http.NewServeMux()
	for _, rt := range routeList() {
		mux.Handle(rt.method+" "+rt.path, a.csrfGuard.Handler(a.wrap(rt)))
	}
	mux.Handle("/", a.csrfGuard.Handler(http.HandlerFunc(a.serveSite)))
	return mux
}

// wrap checks the session, the CSRF token of a state change and the route's rule, in that
// order, before the handler runs; and turns the handler's error into a response.
func (a *App) wrap(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rt.handle != nil && rt.path != "/app-assets/{file}" {
			// Pages with people's data are never kept by a browser or a proxy.
			w.Header().Set("Cache-Control", "no-store")
			w.Header().Set("Content-Security-Policy", contentSecurityPolicy)
		}
		v, err := a.viewer(w, r)
		if err != nil {
			a.fail(w, r, v, err)
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			if err := a.checkCSRF(w, r, v); err != nil {
				a.fail(w, r, v, err)
				return
			}
		}
		var subject int64
		if id := r.PathValue("id"); id != "" {
			if subject, err = strconv.ParseInt(id, 10, 64); err != nil || subject <= 0 {
				a.fail(w, r, v, errNotFound)
				return
			}
		}
		d, err := a.decide(r.Context(), rt.rule, v, subject)
		if err != nil {
			a.fail(w, r, v, err)
			return
		}
		switch d {
		case needLogin:
			if r.Method == http.MethodGet || r.Method == http.MethodHead {
				http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			a.fail(w, r, v, errorf(http.StatusUnauthorized, "Your session has ended. Sign in again."))
			return
		case forbid:
			a.fail(w, r, v, errorf(http.StatusForbidden, "This page is for the people team."))
			return
		case hide:
			a.fail(w, r, v, errNotFound)
			return
		}
		if err := rt.handle(a, w, r, v); err != nil {
			a.fail(w, r, v, err)
		}
	})
}

// serveSite serves the published ladder, behind a login when the app is private.
func (a *App) serveSite(w http.ResponseWriter, r *http.Request) {
	if a.cfg.Private {
		v, err := a.viewer(w, r)
		if err != nil {
			a.fail(w, r, v, err)
			return
		}
		if v == nil {
			if r.Method == http.MethodGet || r.Method == http.MethodHead {
				http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			http.Error(w, "Sign in first.", http.StatusUnauthorized)
			return
		}
		w.Header().Set("Cache-Control", "private, no-cache")
	}
	a.cfg.Site.ServeHTTP(w, r)
}

// httpError is an error with the status and the message a person is shown.
type httpError struct {
	status int
	msg    string
}

func (e *httpError) Error() string { return e.msg }

func errorf(status int, msg string) error { return &httpError{status: status, msg: msg} }

var errNotFound = errorf(http.StatusNotFound, "There is no such page, or it is not yours to see.")

// fail answers with err's status and message; an unexpected error is logged and shown as a
// plain "something went wrong", never with its details.
func (a *App) fail(w http.ResponseWriter, r *http.Request, v *Viewer, err error) {
	var he *httpError
	if !errors.As(err, &he) {
		a.logf("%s %s: %v", r.Method, r.URL.Path, err)
		he = &httpError{status: http.StatusInternalServerError, msg: "Something went wrong on our side. The error is in the server's log."}
	}
	a.render(w, r, v, he.status, "error", "Problem", he.msg)
}

// Routes lists every route as "METHOD /pattern", in the order they are declared.
func Routes() []string {
	var out []string
	for _, rt := range routeList() {
		out = append(out, rt.method+" "+rt.path)
	}
	return out
}
