package app_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/rungs/rungs/internal/app"
	"github.com/rungs/rungs/internal/store"
)

// The roles every route is tried with. The subject of routes with an {id} is "self"; the
// reporting chain is grand <- manager <- self, and manager <- member; "unrelated" manages
// someone else; admin is on the people team and in no chain.
var roles = []string{"anonymous", "self", "member", "manager", "grand", "unrelated", "admin"}

// expected is the exact status each role gets from each route, given an empty form (and a
// valid CSRF token) for a POST. 303 from a GET by anonymous is the redirect to sign in, 401
// a POST without a session, 403 a role that may not, 404 a person who is not theirs to see.
// Every route of app.Routes must be here: a new route without a decision fails the test.
var expected = map[string][7]int{
	//                                     anonymous self member manager grand unrelated admin
	"GET /app-assets/{file}":            {200, 200, 200, 200, 200, 200, 200},
	"GET /login":                        {200, 303, 303, 303, 303, 303, 303},
	"POST /login":                       {401, 401, 401, 401, 401, 401, 401},
	"POST /logout":                      {401, 303, 303, 303, 303, 303, 303},
	"GET /setup/{token}":                {404, 404, 404, 404, 404, 404, 404},
	"POST /setup/{token}":               {404, 404, 404, 404, 404, 404, 404},
	"GET /home":                         {303, 200, 200, 200, 200, 200, 200},
	"GET /account":                      {303, 200, 200, 200, 200, 200, 200},
	"POST /account/password":            {401, 400, 400, 400, 400, 400, 400},
	"POST /account/sign-out-everywhere": {401, 303, 303, 303, 303, 303, 303},
	"GET /people":                       {303, 200, 200, 200, 200, 200, 200},
	"GET /people/new":                   {303, 403, 403, 403, 403, 403, 200},
	"POST /people":                      {401, 403, 403, 403, 403, 403, 400},
	"GET /people/{id}":                  {303, 200, 404, 200, 200, 404, 200},
	"GET /people/{id}/edit":             {303, 403, 403, 403, 403, 403, 200},
	"POST /people/{id}":                 {401, 403, 403, 403, 403, 403, 400},
	"POST /people/{id}/levels":          {401, 403, 403, 403, 403, 403, 400},
	"POST /people/{id}/sign-in-link":    {401, 403, 403, 403, 403, 403, 200},
	"GET /import":                       {303, 403, 403, 403, 403, 403, 200},
	"POST /import":                      {401, 403, 403, 403, 403, 403, 400},
	"POST /import/apply":                {401, 403, 403, 403, 403, 403, 400},
	"GET /import/jobs/{job}":            {303, 403, 403, 403, 403, 403, 404},
	"GET /export/people.csv":            {303, 403, 403, 403, 403, 403, 200},
	"GET /export/history.csv":           {303, 403, 403, 403, 403, 403, 200},
	"GET /export/audit.csv":             {303, 403, 403, 403, 403, 403, 200},
	"GET /rollout":                      {303, 403, 403, 403, 403, 403, 200},
	"POST /rollout/rules":               {401, 403, 403, 403, 403, 403, 303},
	"GET /rollout/review":               {303, 403, 403, 200, 200, 200, 200},
	"POST /rollout/review/{id}":         {401, 404, 404, 400, 400, 404, 400},
	"POST /rollout/apply":               {401, 403, 403, 403, 403, 403, 400},
	"POST /rollout/discard":             {401, 403, 403, 403, 403, 403, 400},
	"GET /audit":                        {303, 403, 403, 403, 403, 403, 200},
	// Assessments: {cycle} is an open cycle everyone is in; nothing is submitted yet.
	"GET /cycles":                                     {303, 200, 200, 200, 200, 200, 200},
	"POST /cycles":                                    {401, 403, 403, 403, 403, 403, 400},
	"GET /cycles/{cycle}":                             {303, 403, 403, 200, 200, 200, 200},
	"POST /cycles/{cycle}/close":                      {401, 403, 403, 403, 403, 403, 400},
	"GET /cycles/{cycle}/report":                      {303, 403, 403, 200, 200, 200, 200},
	"GET /cycles/{cycle}/report.csv":                  {303, 403, 403, 200, 200, 200, 200},
	"GET /cycles/{cycle}/calibration":                 {303, 403, 403, 200, 200, 200, 200},
	"GET /cycles/{cycle}/people/{id}":                 {303, 200, 404, 200, 200, 404, 200},
	"GET /cycles/{cycle}/people/{id}/assessment.json": {303, 200, 404, 200, 200, 404, 200},
	"POST /cycles/{cycle}/people/{id}/self":           {401, 400, 404, 403, 403, 404, 403},
	"POST /cycles/{cycle}/people/{id}/import":         {401, 400, 404, 403, 403, 404, 403},
	"POST /cycles/{cycle}/people/{id}/acknowledge":    {401, 409, 404, 403, 403, 404, 403},
	"POST /cycles/{cycle}/people/{id}/manager":        {401, 403, 404, 400, 400, 404, 403},
	"POST /cycles/{cycle}/people/{id}/share":          {401, 403, 404, 409, 409, 404, 403},
	// Check-ins: {checkin} is one manager held with self, {item} an action item of it; admins
	// see when check-ins were held, not what was said.
	"GET /people/{id}/checkins":                              {303, 200, 404, 200, 200, 404, 200},
	"GET /people/{id}/checkins/new":                          {303, 403, 404, 200, 200, 404, 403},
	"POST /people/{id}/checkins":                             {401, 403, 404, 400, 400, 404, 403},
	"GET /people/{id}/checkins/{checkin}":                    {303, 200, 404, 200, 200, 404, 404},
	"POST /people/{id}/checkins/{checkin}":                   {401, 400, 404, 400, 403, 404, 404},
	"POST /people/{id}/checkins/{checkin}/private":           {401, 303, 404, 303, 303, 404, 404},
	"POST /people/{id}/checkins/{checkin}/items":             {401, 400, 404, 400, 403, 404, 404},
	"POST /people/{id}/checkins/{checkin}/items/{item}/done": {401, 400, 404, 400, 403, 404, 404},
	// Growth plans and promotion cases: {goal} is a goal of self's plan, {case} a case the
	// manager submitted for self, {feedback} an item no case has. The chain writes the plan
	// with the person; the people team reads it. Reviewers are admins (and the panel, which
	// nobody here is on); nobody in the chain decides.
	"GET /people/{id}/plan":                                   {303, 200, 404, 200, 200, 404, 200},
	"POST /people/{id}/plan":                                  {401, 400, 404, 400, 400, 404, 403},
	"POST /people/{id}/plan/agree":                            {401, 400, 404, 400, 400, 404, 403},
	"POST /people/{id}/plan/goals":                            {401, 400, 404, 400, 400, 404, 403},
	"POST /people/{id}/plan/goals/{goal}":                     {401, 400, 404, 400, 400, 404, 403},
	"GET /people/{id}/cases":                                  {303, 200, 404, 200, 200, 404, 200},
	"POST /people/{id}/cases":                                 {401, 403, 404, 400, 400, 404, 403},
	"GET /people/{id}/cases/{case}":                           {303, 200, 404, 200, 200, 404, 200},
	"POST /people/{id}/cases/{case}":                          {401, 403, 404, 409, 409, 404, 403},
	"POST /people/{id}/cases/{case}/comments":                 {401, 403, 404, 400, 400, 404, 400},
	"POST /people/{id}/cases/{case}/decision":                 {401, 403, 404, 403, 403, 404, 400},
	"POST /people/{id}/cases/{case}/feedback/{feedback}/goal": {401, 409, 404, 409, 409, 404, 403},
	"GET /cases":              {303, 403, 403, 403, 403, 403, 200},
	"POST /people/{id}/panel": {401, 403, 403, 403, 403, 403, 400},
	// Sign-in, two-factor and API tokens (issue 19).
	"GET /login/code":                         {401, 303, 303, 303, 303, 303, 303},
	"POST /login/code":                        {401, 401, 401, 401, 401, 401, 401},
	"GET /login/sso":                          {404, 404, 404, 404, 404, 404, 404}, // no identity provider here: sso_test.go
	"GET /login/sso/callback":                 {404, 404, 404, 404, 404, 404, 404},
	"GET /account/two-factor":                 {303, 200, 200, 200, 200, 200, 200},
	"POST /account/two-factor/start":          {401, 303, 303, 303, 303, 303, 303},
	"POST /account/two-factor/confirm":        {401, 400, 400, 400, 400, 400, 400},
	"POST /account/two-factor/recovery-codes": {401, 400, 400, 400, 400, 400, 400},
	"POST /account/two-factor/disable":        {401, 400, 400, 400, 400, 400, 400},
	"POST /people/{id}/two-factor/reset":      {401, 403, 403, 403, 403, 403, 303},
	"GET /account/tokens":                     {303, 200, 200, 200, 200, 200, 200},
	"POST /account/tokens":                    {401, 400, 400, 400, 400, 400, 400},
	"POST /account/tokens/{token}/revoke":     {401, 404, 404, 404, 404, 404, 404},
	// The API takes tokens, never the session of a browser: api_test.go has its table.
	"GET /api/v1/openapi.json":                          {200, 200, 200, 200, 200, 200, 200},
	"GET /api/v1/people":                                {401, 401, 401, 401, 401, 401, 401},
	"POST /api/v1/people":                               {401, 401, 401, 401, 401, 401, 401},
	"GET /api/v1/people/{id}":                           {401, 401, 401, 401, 401, 401, 401},
	"GET /api/v1/people/{id}/levels":                    {401, 401, 401, 401, 401, 401, 401},
	"GET /api/v1/people/{id}/checkins":                  {401, 401, 401, 401, 401, 401, 401},
	"GET /api/v1/people/{id}/plan":                      {401, 401, 401, 401, 401, 401, 401},
	"GET /api/v1/people/{id}/cases":                     {401, 401, 401, 401, 401, 401, 401},
	"GET /api/v1/cycles":                                {401, 401, 401, 401, 401, 401, 401},
	"GET /api/v1/cycles/{cycle}/people/{id}/assessment": {401, 401, 401, 401, 401, 401, 401},
	"PATCH /api/v1/people/{id}":                         {401, 401, 401, 401, 401, 401, 401},
	"GET /api/v1/framework":                             {401, 401, 401, 401, 401, 401, 401},
	"GET /api/v1/ladders/{ladder}/levels/{level}":       {401, 401, 401, 401, 401, 401, 401},
}

func TestAuthorisation(t *testing.T) {
	t.Parallel()
	routes := app.Routes()
	declared := map[string]bool{}
	for _, r := range routes {
		declared[r] = true
		if _, ok := expected[r]; !ok {
			t.Errorf("route %s has no row in the authorisation table", r)
		}
	}
	for r := range expected {
		if !declared[r] {
			t.Errorf("the authorisation table has %s, which is not a route", r)
		}
	}
	eachBackend(t, func(t *testing.T, cfg store.Config) {
		e := newEnv(t, cfg)
		admin := e.person("Ada Admin", "ada@example.com", 0, store.Admin)
		grand := e.person("Grace Grand", "grace@example.com", 0, store.Member)
		manager := e.person("Max Manager", "max@example.com", grand.ID, store.Member)
		self := e.person("Sam Self", "sam@example.com", manager.ID, store.Member)
		member := e.person("Mia Member", "mia@example.com", manager.ID, store.Member)
		unrelated := e.person("Uma Unrelated", "uma@example.com", 0, store.Member)
		e.person("Otto Other", "otto@example.com", unrelated.ID, store.Member)
		people := map[string]store.Person{"self": self, "member": member, "manager": manager, "grand": grand, "unrelated": unrelated, "admin": admin}
		cycle := e.cycle(admin, self, member, manager, grand, unrelated)
		checkIn, item := e.checkIn(self, manager)
		goal, kase := e.growth(self, manager, checkIn)

		for _, r := range routes {
			method, pattern, _ := strings.Cut(r, " ")
			path := strings.NewReplacer("{id}", strconv.FormatInt(self.ID, 10),
				"{token}", strings.Repeat("x", 43), "{cycle}", strconv.FormatInt(cycle.ID, 10), "{file}", app.StylesheetName,
				"{checkin}", strconv.FormatInt(checkIn.ID, 10), "{item}", strconv.FormatInt(item.ID, 10), "{job}", "no-such-job",
				"{goal}", strconv.FormatInt(goal.ID, 10), "{case}", strconv.FormatInt(kase.ID, 10), "{feedback}", "1").Replace(pattern)
			for i, role := range roles {
				var c *client
				if role == "anonymous" {
					c = e.client()
				} else {
					c = e.signedIn(people[role])
				}
				var res response
				switch method {
				case "GET":
					res = c.get(path)
				case "POST":
					res = c.post(path, url.Values{})
				default:
					req, _ := http.NewRequest(method, e.srv.URL+path, strings.NewReader(url.Values{"csrf": {c.csrf()}}.Encode()))
					req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
					res = c.do(req)
				}
				want := expected[r][i]
				if res.status != want {
					t.Errorf("%s as %s: status %d, want %d", r, role, res.status, want)
				}
				if role == "anonymous" && want == http.StatusSeeOther && !strings.HasPrefix(res.header.Get("Location"), "/login?next=") {
					t.Errorf("%s as anonymous: redirected to %q, not to sign in", r, res.header.Get("Location"))
				}
			}
		}
	})
}
