package app

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/rungs/rungs/internal/app/accounts"
	"github.com/rungs/rungs/internal/app/api"
	"github.com/rungs/rungs/internal/app/assess"
	"github.com/rungs/rungs/internal/app/audit"
	"github.com/rungs/rungs/internal/app/conversations"
	"github.com/rungs/rungs/internal/app/growth"
	"github.com/rungs/rungs/internal/app/home"
	"github.com/rungs/rungs/internal/app/people"
	"github.com/rungs/rungs/internal/app/policy"
	"github.com/rungs/rungs/internal/app/rollout"
	"github.com/rungs/rungs/internal/app/sso"
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
// here without a decision in that test's table fails it. sign is the identity provider's
// client, nil when there is none (its routes then answer not found).
func routeList(sign *sso.Client) []route {
	return []route{
		{"GET", "/app-assets/{file}", policy.Anyone, web.ServeAsset},

		{"GET", "/login", policy.Anyone, accounts.LoginPage},
		{"POST", "/login", policy.Anyone, accounts.Login},
		{"GET", "/login/code", policy.Anyone, accounts.LoginCodePage},
		{"POST", "/login/code", policy.Anyone, accounts.LoginCode},
		{"GET", sso.Path, policy.Anyone, sign.Start},
		{"GET", sso.CallbackPath, policy.Anyone, sign.Callback},
		{"POST", "/logout", policy.OwnAccount, accounts.Logout},
		{"GET", "/setup/{token}", policy.Anyone, accounts.SetupPage},
		{"POST", "/setup/{token}", policy.Anyone, accounts.Setup},

		{"GET", home.Path, policy.SignedIn, home.Page},

		{"GET", "/account", policy.OwnAccount, accounts.AccountPage},
		{"POST", "/account/password", policy.OwnAccount, accounts.ChangePassword},
		{"POST", "/account/sign-out-everywhere", policy.OwnAccount, accounts.SignOutEverywhere},
		{"GET", "/account/two-factor", policy.OwnAccount, accounts.TwoFactorPage},
		{"POST", "/account/two-factor/start", policy.OwnAccount, accounts.StartTwoFactor},
		{"POST", "/account/two-factor/confirm", policy.OwnAccount, accounts.ConfirmTwoFactor},
		{"POST", "/account/two-factor/recovery-codes", policy.SignedIn, accounts.NewRecoveryCodes},
		{"POST", "/account/two-factor/disable", policy.SignedIn, accounts.TurnOffTwoFactor},
		{"GET", "/account/tokens", policy.SignedIn, api.TokensPage},
		{"POST", "/account/tokens", policy.SignedIn, api.CreateToken},
		{"POST", "/account/tokens/{token}/revoke", policy.SignedIn, api.RevokeToken},

		{"GET", "/people", policy.SignedIn, people.List},
		{"GET", "/people/new", policy.Admins, people.NewPage},
		{"POST", "/people", policy.Admins, people.Create},
		{"GET", "/people/{id}", policy.SeePerson, people.Page},
		{"GET", "/people/{id}/edit", policy.Admins, people.EditPage},
		{"POST", "/people/{id}", policy.Admins, people.Update},
		{"POST", "/people/{id}/levels", policy.Admins, people.AddLevel},
		{"POST", "/people/{id}/sign-in-link", policy.Admins, accounts.SignInLink},
		{"POST", "/people/{id}/two-factor/reset", policy.Admins, accounts.ResetTwoFactor},

		{"GET", "/people/{id}/checkins", policy.SeeCheckIns, conversations.List},
		{"GET", "/people/{id}/checkins/new", policy.HoldCheckIn, conversations.NewPage},
		{"POST", "/people/{id}/checkins", policy.HoldCheckIn, conversations.Create},
		{"GET", "/people/{id}/checkins/{checkin}", policy.InCheckIn, conversations.Page},
		{"POST", "/people/{id}/checkins/{checkin}", policy.InCheckIn, conversations.Update},
		{"POST", "/people/{id}/checkins/{checkin}/private", policy.InCheckIn, conversations.SavePrivate},
		{"POST", "/people/{id}/checkins/{checkin}/items", policy.InCheckIn, conversations.AddItem},
		{"POST", "/people/{id}/checkins/{checkin}/items/{item}/done", policy.InCheckIn, conversations.TickItem},

		{"GET", "/people/{id}/plan", policy.SeePlan, growth.PlanPage},
		{"POST", "/people/{id}/plan", policy.WritePlan, growth.SavePlan},
		{"POST", "/people/{id}/plan/agree", policy.WritePlan, growth.Agree},
		{"POST", "/people/{id}/plan/goals", policy.WritePlan, growth.AddGoal},
		{"POST", "/people/{id}/plan/goals/{goal}", policy.WritePlan, growth.UpdateGoal},

		{"GET", "/people/{id}/cases", policy.SeeCases, growth.Cases},
		{"POST", "/people/{id}/cases", policy.OpenCase, growth.OpenCase},
		{"GET", "/people/{id}/cases/{case}", policy.SeeCases, growth.CasePage},
		{"POST", "/people/{id}/cases/{case}", policy.SeeCases, growth.SaveCase},
		{"POST", "/people/{id}/cases/{case}/comments", policy.SeeCases, growth.Comment},
		{"POST", "/people/{id}/cases/{case}/decision", policy.SeeCases, growth.DecideCase},
		{"POST", "/people/{id}/cases/{case}/feedback/{feedback}/goal", policy.WritePlan, growth.FeedbackToGoal},
		{"GET", "/cases", policy.ReviewCases, growth.Review},
		{"POST", "/people/{id}/panel", policy.Admins, growth.SetPanel},

		{"GET", "/import", policy.Admins, people.ImportPage},
		{"POST", "/import", policy.Admins, people.ImportPreview},
		{"POST", "/import/apply", policy.Admins, people.ImportApply},
		{"GET", "/import/jobs/{job}", policy.Admins, people.ImportJob},
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
		{"GET", "/cycles/{cycle}/calibration", policy.Managers, assess.Calibration},
		{"GET", "/cycles/{cycle}/people/{id}", policy.SeeAssessment, assess.Page},
		{"GET", "/cycles/{cycle}/people/{id}/assessment.json", policy.SeeAssessment, assess.Export},
		{"POST", "/cycles/{cycle}/people/{id}/self", policy.AssessSelf, assess.SaveSelf},
		{"POST", "/cycles/{cycle}/people/{id}/import", policy.AssessSelf, assess.Import},
		{"POST", "/cycles/{cycle}/people/{id}/acknowledge", policy.AssessSelf, assess.Acknowledge},
		{"POST", "/cycles/{cycle}/people/{id}/manager", policy.AssessAsManager, assess.SaveManager},
		{"POST", "/cycles/{cycle}/people/{id}/share", policy.AssessAsManager, assess.Share},
	}
}

// apiRoute is one route of the JSON API: the rule for whom its token must act as, and
// whether it changes anything (which a read token may not).
type apiRoute struct {
	method  string
	path    string // {id} is a person
	rule    policy.Rule
	changes bool
	handle  api.Handler
}

// apiRouteList is every route of the API. The authorisation tests walk it, and a test checks
// that openapi.json describes exactly these.
func apiRouteList() []apiRoute {
	return []apiRoute{
		{"GET", "/api/v1/openapi.json", policy.Anyone, false, api.ServeOpenAPI},
		{"GET", "/api/v1/people", policy.SignedIn, false, api.ListPeople},
		{"POST", "/api/v1/people", policy.Admins, true, api.CreatePerson},
		{"GET", "/api/v1/people/{id}", policy.SeePerson, false, api.GetPerson},
		{"PATCH", "/api/v1/people/{id}", policy.Admins, true, api.UpdatePerson},
		{"GET", "/api/v1/people/{id}/levels", policy.SeePerson, false, api.GetLevels},
		{"GET", "/api/v1/people/{id}/checkins", policy.InCheckIn, false, api.GetCheckIns},
		{"GET", "/api/v1/people/{id}/plan", policy.SeePlan, false, api.GetPlan},
		{"GET", "/api/v1/people/{id}/cases", policy.SeeCases, false, api.GetCases},
		{"GET", "/api/v1/cycles", policy.SignedIn, false, api.GetCycles},
		{"GET", "/api/v1/cycles/{cycle}/people/{id}/assessment", policy.SeeAssessment, false, api.GetAssessment},
		{"GET", "/api/v1/framework", policy.SignedIn, false, api.GetFramework},
		{"GET", "/api/v1/ladders/{ladder}/levels/{level}", policy.SignedIn, false, api.GetLevel},
	}
}

// routes builds the mux: every route wrapped in the session, CSRF and rule checks, its answer
// held until its audit entries are on disk (web.AuditsFirst), and the published site for
// everything else.
func (a *App) routes() *http.ServeMux {
	mux := http.NewServeMux()
	for _, rt := range routeList(a.sso) {
		mux.Handle(rt.method+" "+rt.path, a.csrfGuard.Handler(a.inTurn(rt.method, rt.path, web.AuditsFirst(a.srv.Fail, a.wrap(rt)))))
	}
	// The API takes no cookie, so it needs no CSRF guard: a token is sent on purpose.
	for _, rt := range apiRouteList() {
		mux.Handle(rt.method+" "+rt.path, a.inTurn(rt.method, rt.path, web.AuditsFirst(a.failAPI, a.wrapAPI(rt))))
	}
	mux.Handle("/api/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { api.Fail(a.srv, w, r, api.ErrNotFound) }))
	mux.Handle("/", a.csrfGuard.Handler(http.HandlerFunc(a.serveSite)))
	return mux
}

// wrapAPI checks the request's token, the route's rule and the token's scope, records the
// use, then runs the handler; its errors are answered as problem details.
func (a *App) wrapAPI(rt apiRoute) http.Handler {
	srv := a.srv
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Answers may be kept by the client alone, and checked again (with their ETag) first.
		w.Header().Set("Cache-Control", "private, no-cache")
		if rt.rule == policy.Anyone {
			if err := rt.handle(srv, w, r, nil); err != nil {
				api.Fail(srv, w, r, err)
			}
			return
		}
		v, tok, err := api.Authenticate(srv, r)
		if err != nil {
			api.Fail(srv, w, r, err)
			return
		}
		var subject int64
		if id := r.PathValue("id"); id != "" {
			if subject, err = strconv.ParseInt(id, 10, 64); err != nil || subject <= 0 {
				api.Fail(srv, w, r, api.ErrNotFound)
				return
			}
		}
		d, err := policy.Decide(r.Context(), srv.Store(), rt.rule, v, subject, srv.Settings())
		if err == nil && d == policy.Allow && !policy.ScopeAllows(tok.Scope, rt.changes) {
			err = api.Errorf(http.StatusForbidden, "This token may only read: make a write token to change anything.")
		}
		if err == nil {
			switch d {
			case policy.Forbid, policy.NeedSecondFactor:
				err = api.Errorf(http.StatusForbidden, "This is for the people team.")
			case policy.Hide:
				err = api.ErrNotFound
			case policy.NeedLogin:
				err = api.Errorf(http.StatusUnauthorized, "This token acts as no one.")
			}
		}
		// Every use is recorded, refused ones too.
		if uerr := api.Used(srv, r, v, tok, subject); uerr != nil && err == nil {
			err = uerr
		}
		if err == nil {
			err = rt.handle(srv, w, r, v)
		}
		if err != nil {
			api.Fail(srv, w, r, err)
		}
	})
}

// failAPI answers an API request with err.
func (a *App) failAPI(w http.ResponseWriter, r *http.Request, _ *policy.Viewer, err error) {
	api.Fail(a.srv, w, r, err)
}

// wrap checks the session and the route's rule, then reads the form and checks the CSRF
// token of a state change, in that order, before the handler runs; and turns the handler's
// error into a response. The rule comes before the form so that a body is read only for
// those allowed to send it: an import's is large.
func (a *App) wrap(rt route) http.Handler {
	srv := a.srv
	early := earlyReads[rt.method+" "+rt.path]
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rt.path != "/app-assets/{file}" {
			// Pages with people's data are never kept by a browser or a proxy.
			w.Header().Set("Cache-Control", "no-store")
		}
		// The route's {id}, the person it is about, goes with the session's read (LoadViewer).
		var subject int64
		id := r.PathValue("id")
		if n, err := strconv.ParseInt(id, 10, 64); err == nil && n > 0 {
			subject = n
		}
		v, read, err := srv.LoadViewerWith(w, r, subject, early)
		if err != nil {
			srv.Fail(w, r, v, err)
			return
		}
		if id != "" && subject == 0 {
			srv.Fail(w, r, v, web.ErrNotFound)
			return
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
			// Only the people team's own pages are refused for being theirs; elsewhere the
			// viewer may be on the people team, or someone's manager, and still not the one.
			msg := "This is not yours to do: it is for someone else in the reporting chain."
			switch rt.rule {
			case policy.Admins:
				msg = "This page is for the people team."
			case policy.Managers:
				msg = "This page is for managers and the people team."
			}
			srv.Fail(w, r, v, web.Errorf(http.StatusForbidden, msg))
			return
		case policy.Hide:
			srv.Fail(w, r, v, web.ErrNotFound)
			return
		case policy.NeedSecondFactor:
			if r.Method == http.MethodGet || r.Method == http.MethodHead {
				http.Redirect(w, r, "/account/two-factor", http.StatusSeeOther)
				return
			}
			srv.Fail(w, r, v, web.Errorf(http.StatusForbidden, "Turn two-factor sign-in on first: the people team must use it here."))
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
		if read != nil {
			r = r.WithContext(web.WithEarly(r.Context(), read))
		}
		if err := rt.handle(srv, w, r, v); err != nil {
			srv.Fail(w, r, v, err)
		}
	})
}

// earlyReads are the pages, by method and route, whose reads the request's path alone
// decides, or the path and who the session opened at its last request (web.Seen): they go to
// the database with the session's read, one round trip where they took two (see
// web.LoadViewerWith), and the page finds them with web.Early once the route's rule has let
// the viewer in, and uses those made for a viewer seen only if the session opens that viewer
// now.
var earlyReads = map[string]web.EarlyReads{
	"GET /cycles/{cycle}/people/{id}": assess.EarlyReads,
	"GET " + home.Path:                home.EarlyReads,
	"GET /people/{id}":                people.EarlyReads,
	"GET /people":                     people.ListEarlyReads,
}

// serveSite serves the published ladder, behind a login when the app is private.
func (a *App) serveSite(w http.ResponseWriter, r *http.Request) {
	cfg := a.srv.Config()
	if cfg.Private {
		v, err := a.srv.LoadViewer(w, r, 0)
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

// Routes lists every route as "METHOD /pattern", in the order they are declared: the pages',
// then the API's.
func Routes() []string {
	var out []string
	for _, rt := range routeList(nil) {
		out = append(out, rt.method+" "+rt.path)
	}
	return append(out, APIRoutes()...)
}

// APIRoutes lists the API's routes as "METHOD /pattern".
func APIRoutes() []string {
	var out []string
	for _, rt := range apiRouteList() {
		out = append(out, rt.method+" "+rt.path)
	}
	return out
}

// APIRouteChanges reports, for an API route of APIRoutes, whether it changes anything.
func APIRouteChanges(route string) bool {
	for _, rt := range apiRouteList() {
		if rt.method+" "+rt.path == route {
			return rt.changes
		}
	}
	return false
}
