package app

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/rungs/rungs/internal/app/accounts"
	"github.com/rungs/rungs/internal/app/assess"
	"github.com/rungs/rungs/internal/app/audit"
	"github.com/rungs/rungs/internal/app/people"
	"github.com/rungs/rungs/internal/app/policy"
	"github.com/rungs/rungs/internal/app/rollout"
	"github.com/rungs/rungs/internal/app/web"
)

// route is one page or action of the app and the rule for who may use it.
type route struct {
	method string
	path   string // a ServeMux pattern; {id} is a person
	rule   policy.Rule
	handle web.Handler
}

// routeList is every route of the app: the authorisation test walks it, so a route added
// here without a decision in that test's table fails it.
func routeList() []route {
	return []route{
		{"GET", "/app-assets/{file}", policy.Anyone, web.ServeAsset},

		{"GET", "/login", policy.Anyone, accounts.LoginPage},
		{"POST", "/login", policy.Anyone, accounts.Login},
		{"POST", "/logout", policy.SignedIn, accounts.Logout},
		{"GET", "/setup/{token}", policy.Anyone, accounts.SetupPage},
		{"POST", "/setup/{token}", policy.Anyone, accounts.Setup},

		{"GET", "/account", policy.SignedIn, accounts.AccountPage},
		{"POST", "/account/password", policy.SignedIn, accounts.ChangePassword},
		{"POST", "/account/sign-out-everywhere", policy.SignedIn, accounts.SignOutEverywhere},

		{"GET", "/people", policy.SignedIn, people.List},
		{"GET", "/people/new", policy.Admins, people.NewPage},
		{"POST", "/people", policy.Admins, people.Create},
		{"GET", "/people/{id}", policy.SeePerson, people.Page},
		{"GET", "/people/{id}/edit", policy.Admins, people.EditPage},
		{"POST", "/people/{id}", policy.Admins, people.Update},
		{"POST", "/people/{id}/levels", policy.Admins, people.AddLevel},
		{"POST", "/people/{id}/sign-in-link", policy.Admins, accounts.SignInLink},

		{"GET", "/import", policy.Admins, people.ImportPage},
		{"POST", "/import", policy.Admins, people.ImportPreview},
		{"POST", "/import/apply", policy.Admins, people.ImportApply},
		{"GET", "/export/people.csv", policy.Admins, people.ExportPeople},
		{"GET", "/export/history.csv", policy.Admins, people.ExportHistory},
		{"GET", "/export/audit.csv", policy.Admins, audit.Export},

		{"GET", "/rollout", policy.Admins, rollout.Page},
		{"POST", "/rollout/rules", policy.Admins, rollout.SaveRules},
		{"GET", "/rollout/review", policy.Managers, rollout.ReviewPage},
		{"POST", "/rollout/review/{id}", policy.ReviewPerson, rollout.Review},
		{"POST", "/rollout/apply", policy.Admins, rollout.Apply},
		{"POST", "/rollout/discard", policy.Admins, rollout.Discard},

		{"GET", "/audit", policy.Admins, audit.Page},

		{"GET", "/cycles", policy.SignedIn, assess.List},
		{"POST", "/cycles", policy.Admins, assess.Open},
		{"GET", "/cycles/{cycle}", policy.Managers, assess.CyclePage},
		{"POST", "/cycles/{cycle}/close", policy.Admins, assess.Close},
		{"GET", "/cycles/{cycle}/report", policy.Managers, assess.Report},
		{"GET", "/cycles/{cycle}/report.csv", policy.Managers, assess.ReportCSV},
		{"GET", "/cycles/{cycle}/people/{id}", policy.SeeAssessment, assess.Page},
		{"GET", "/cycles/{cycle}/people/{id}/assessment.json", policy.SeeAssessment, assess.Export},
		{"POST", "/cycles/{cycle}/people/{id}/self", policy.AssessSelf, assess.SaveSelf},
		{"POST", "/cycles/{cycle}/people/{id}/import", policy.AssessSelf, assess.Import},
		{"POST", "/cycles/{cycle}/people/{id}/acknowledge", policy.AssessSelf, assess.Acknowledge},
		{"POST", "/cycles/{cycle}/people/{id}/manager", policy.AssessAsManager, assess.SaveManager},
		{"POST", "/cycles/{cycle}/people/{id}/share", policy.AssessAsManager, assess.Share},
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

// wrap checks the session and the route's rule, then reads the form and checks the CSRF
// token of a state change, in that order, before the handler runs; and turns the handler's
// error into a response. The rule comes before the form so that a body is read only for
// those allowed to send it: an import's is large.
func (a *App) wrap(rt route) http.Handler {
	srv := a.srv
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rt.path != "/app-assets/{file}" {
			// Pages with people's data are never kept by a browser or a proxy.
			w.Header().Set("Cache-Control", "no-store")
		}
		v, err := srv.LoadViewer(w, r)
		if err != nil {
			srv.Fail(w, r, v, err)
			return
		}
		var subject int64
		if id := r.PathValue("id"); id != "" {
			if subject, err = strconv.ParseInt(id, 10, 64); err != nil || subject <= 0 {
				srv.Fail(w, r, v, web.ErrNotFound)
				return
			}
		}
		d, err := policy.Decide(r.Context(), srv.Store(), rt.rule, v, subject, srv.Settings())
		if err != nil {
			srv.Fail(w, r, v, err)
			return
		}
		switch d {
		case policy.NeedLogin:
			if r.Method == http.MethodGet || r.Method == http.MethodHead {
				http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			srv.Fail(w, r, v, web.Errorf(http.StatusUnauthorized, "Your session has ended. Sign in again."))
			return
		case policy.Forbid:
			srv.Fail(w, r, v, web.Errorf(http.StatusForbidden, "This page is for the people team."))
			return
		case policy.Hide:
			srv.Fail(w, r, v, web.ErrNotFound)
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			if err := srv.ReadForm(w, r); err != nil {
				srv.Fail(w, r, v, err)
				return
			}
			if err := srv.CheckCSRF(r, v); err != nil {
				srv.Fail(w, r, v, err)
				return
			}
		}
		if err := rt.handle(srv, w, r, v); err != nil {
			srv.Fail(w, r, v, err)
		}
	})
}

// serveSite serves the published ladder, behind a login when the app is private.
func (a *App) serveSite(w http.ResponseWriter, r *http.Request) {
	cfg := a.srv.Config()
	if cfg.Private {
		v, err := a.srv.LoadViewer(w, r)
		if err != nil {
			a.srv.Fail(w, r, v, err)
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
		// The site sets its own caching; a private ladder is for this browser alone.
		w = &privateCache{ResponseWriter: w}
		w.Header().Set("Vary", "Cookie")
	}
	cfg.Site.ServeHTTP(w, r)
}

// privateCache marks whatever caching the site asks for as private as its headers go out,
// so that a shared cache (a company proxy) never keeps a page of a private ladder.
type privateCache struct {
	http.ResponseWriter
	sent bool
}

func (p *privateCache) WriteHeader(status int) {
	if !p.sent {
		p.sent = true
		h := p.Header()
		if cc := h.Get("Cache-Control"); !strings.Contains(cc, "no-store") && !strings.Contains(cc, "private") {
			h.Set("Cache-Control", strings.TrimSuffix("private, "+strings.Replace(cc, "public, ", "", 1), ", "))
		}
	}
	p.ResponseWriter.WriteHeader(status)
}

func (p *privateCache) Write(b []byte) (int, error) {
	if !p.sent {
		p.WriteHeader(http.StatusOK)
	}
	return p.ResponseWriter.Write(b)
}

// Unwrap gives http.ResponseController the writer underneath.
func (p *privateCache) Unwrap() http.ResponseWriter { return p.ResponseWriter }

// Routes lists every route as "METHOD /pattern", in the order they are declared.
func Routes() []string {
	var out []string
	for _, rt := range routeList() {
		out = append(out, rt.method+" "+rt.path)
	}
	return out
}
