package app_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"

	"github.com/rungs/rungs/internal/app"
	"github.com/rungs/rungs/internal/app/api"
	"github.com/rungs/rungs/internal/obs/obstest"
	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/access"
	"github.com/rungs/rungs/internal/store/storetest"
)

// openAPI is the API's description, read by libopenapi, a validator of OpenAPI 3.1.
var openAPI = sync.OnceValues(func() (validator.Validator, error) {
	doc, err := libopenapi.NewDocument(api.OpenAPI())
	if err != nil {
		return nil, err
	}
	v, errs := validator.NewValidator(doc)
	if len(errs) > 0 {
		return nil, errs[0]
	}
	return v, nil
})

// The description is a valid OpenAPI 3.1 document that describes exactly the API's routes:
// a route added without its description, or a description of no route, fails here.
func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	t.Parallel()
	v, err := openAPI()
	if err != nil {
		t.Fatal(err)
	}
	if ok, errs := v.ValidateDocument(); !ok {
		for _, e := range errs {
			t.Errorf("openapi.json: %s", e.Message)
		}
	}
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(api.OpenAPI(), &doc); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.1") {
		t.Errorf("openapi %q, want 3.1", doc.OpenAPI)
	}
	var described []string
	for path, ops := range doc.Paths {
		for method := range ops {
			if method != "parameters" {
				described = append(described, strings.ToUpper(method)+" "+path)
			}
		}
	}
	routes := app.APIRoutes()
	for _, r := range routes {
		if !slices.Contains(described, r) {
			t.Errorf("route %s is not in openapi.json", r)
		}
	}
	for _, d := range described {
		if !slices.Contains(routes, d) {
			t.Errorf("openapi.json describes %s, which is not a route", d)
		}
	}
}

// apiClient calls the API with a token, and checks every answer against openapi.json: the
// contract test runs through every call of the API's tests.
type apiClient struct {
	e     *env
	token string
}

func (e *env) api(token string) *apiClient { return &apiClient{e: e, token: token} }

// newToken makes a token in the store: personal for p's account, or a service token when p
// is nil.
func (e *env) newToken(p *store.Person, scope access.TokenScope) string {
	e.t.Helper()
	t := access.Token{Name: "test", Kind: access.ServiceToken, Scope: scope, ExpiresAt: time.Now().Add(time.Hour)}
	if p != nil {
		t.Kind, t.AccountID = access.PersonalToken, mustAccount(e.t, e, *p).ID
	}
	secret, _, err := access.CreateToken(e.ctx, e.store, t)
	if err != nil {
		e.t.Fatal(err)
	}
	obstest.Forbid(secret)
	return secret
}

func (c *apiClient) do(method, path string, body any, hdr ...string) response {
	c.e.t.Helper()
	var in []byte
	if body != nil {
		in, _ = json.Marshal(body)
	}
	req, _ := http.NewRequest(method, c.e.srv.URL+path, bytes.NewReader(in))
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		c.e.t.Fatal(err)
	}
	out, _ := io.ReadAll(res.Body)
	res.Body.Close()
	c.conforms(req, res, out)
	return response{status: res.StatusCode, header: res.Header, body: string(out)}
}

// conforms checks an answer against openapi.json.
func (c *apiClient) conforms(req *http.Request, res *http.Response, body []byte) {
	c.e.t.Helper()
	v, err := openAPI()
	if err != nil {
		c.e.t.Fatal(err)
	}
	res.Body = io.NopCloser(bytes.NewReader(body))
	check, _ := http.NewRequest(req.Method, req.URL.String(), nil)
	check.Header = req.Header.Clone()
	if ok, errs := v.ValidateHttpResponse(check, res); !ok {
		for _, e := range errs {
			c.e.t.Errorf("%s %s answered %d, which openapi.json does not allow: %s (%s)", req.Method, req.URL.Path, res.StatusCode, e.Message, e.Reason)
		}
	}
}

func (c *apiClient) get(path string, hdr ...string) response {
	c.e.t.Helper()
	return c.do("GET", path, nil, hdr...)
}

// apiRoles are those the API's authorisation table tries each route as: no token, personal
// tokens of the roles of the pages' table, and a service token.
var apiRoles = []string{"anonymous", "self", "member", "manager", "grand", "unrelated", "admin", "service"}

// apiExpected is the status each role gets from each API route with a read token and with a
// write token, given an empty body for a POST. 401 is no token; 403 a role (or a read token)
// that may not; 404 a person who is not theirs to see; 422 a body with invalid fields.
var apiExpected = map[string]struct{ read, write [8]int }{
	//                                        anonymous self member manager grand unrelated admin service
	"GET /api/v1/openapi.json":                          {[8]int{200, 200, 200, 200, 200, 200, 200, 200}, [8]int{200, 200, 200, 200, 200, 200, 200, 200}},
	"GET /api/v1/people":                                {[8]int{401, 200, 200, 200, 200, 200, 200, 200}, [8]int{401, 200, 200, 200, 200, 200, 200, 200}},
	"POST /api/v1/people":                               {[8]int{401, 403, 403, 403, 403, 403, 403, 403}, [8]int{401, 403, 403, 403, 403, 403, 422, 422}},
	"GET /api/v1/people/{id}":                           {[8]int{401, 200, 404, 200, 200, 404, 200, 200}, [8]int{401, 200, 404, 200, 200, 404, 200, 200}},
	"PATCH /api/v1/people/{id}":                         {[8]int{401, 403, 403, 403, 403, 403, 403, 403}, [8]int{401, 403, 403, 403, 403, 403, 200, 200}},
	"GET /api/v1/people/{id}/levels":                    {[8]int{401, 200, 404, 200, 200, 404, 200, 200}, [8]int{401, 200, 404, 200, 200, 404, 200, 200}},
	"GET /api/v1/people/{id}/checkins":                  {[8]int{401, 200, 404, 200, 200, 404, 404, 404}, [8]int{401, 200, 404, 200, 200, 404, 404, 404}},
	"GET /api/v1/people/{id}/plan":                      {[8]int{401, 200, 404, 200, 200, 404, 200, 200}, [8]int{401, 200, 404, 200, 200, 404, 200, 200}},
	"GET /api/v1/people/{id}/cases":                     {[8]int{401, 200, 404, 200, 200, 404, 200, 200}, [8]int{401, 200, 404, 200, 200, 404, 200, 200}},
	"GET /api/v1/cycles":                                {[8]int{401, 200, 200, 200, 200, 200, 200, 200}, [8]int{401, 200, 200, 200, 200, 200, 200, 200}},
	"GET /api/v1/cycles/{cycle}/people/{id}/assessment": {[8]int{401, 200, 404, 200, 200, 404, 200, 200}, [8]int{401, 200, 404, 200, 200, 404, 200, 200}},
	"GET /api/v1/framework":                             {[8]int{401, 200, 200, 200, 200, 200, 200, 200}, [8]int{401, 200, 200, 200, 200, 200, 200, 200}},
	"GET /api/v1/ladders/{ladder}/levels/{level}":       {[8]int{401, 200, 200, 200, 200, 200, 200, 200}, [8]int{401, 200, 200, 200, 200, 200, 200, 200}},
}

func TestAPIAuthorisation(t *testing.T) {
	t.Parallel()
	routes := app.APIRoutes()
	for _, r := range routes {
		if _, ok := apiExpected[r]; !ok {
			t.Errorf("API route %s has no row in the API's authorisation table", r)
		}
	}
	for r := range apiExpected {
		if !slices.Contains(routes, r) {
			t.Errorf("the API's authorisation table has %s, which is not a route", r)
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
		people := map[string]*store.Person{"self": &self, "member": &member, "manager": &manager, "grand": &grand, "unrelated": &unrelated, "admin": &admin}
		cycle := e.cycle(admin, self, member, manager, grand, unrelated)
		for _, scope := range []access.TokenScope{access.ReadScope, access.WriteScope} {
			tokens := map[string]string{"anonymous": "", "service": e.newToken(nil, scope)}
			for role, p := range people {
				tokens[role] = e.newToken(p, scope)
			}
			for _, r := range routes {
				method, pattern, _ := strings.Cut(r, " ")
				path := strings.NewReplacer("{id}", itoa(self.ID), "{cycle}", itoa(cycle.ID), "{ladder}", "engineering", "{level}", "senior").Replace(pattern)
				want := apiExpected[r].read
				if scope == access.WriteScope {
					want = apiExpected[r].write
				}
				for i, role := range apiRoles {
					var body any
					if method == "POST" || method == "PATCH" {
						body = map[string]string{}
					}
					if res := e.api(tokens[role]).do(method, path, body); res.status != want[i] {
						t.Errorf("%s as %s with a %s token: status %d, want %d", r, role, scope, res.status, want[i])
					}
				}
			}
		}
	})
}

func TestAPIPeople(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, cfg store.Config) {
		clk := newTestClock()
		e := newEnv(t, cfg, withClock(clk))
		admin := e.person("Ada Admin", "ada@example.com", 0, store.Admin)
		for _, n := range []string{"Cy", "Al", "Bo", "Al", "Di"} {
			e.person(n+" Person", strings.ToLower(n)+itoa(int64(len(n)))+time.Now().Format("150405.000000")+"@example.com", admin.ID, "")
		}
		c := e.api(e.newToken(&admin, access.WriteScope))

		// Pages by cursor: everyone once, in order.
		var names []string
		next := "/api/v1/people?limit=2"
		for next != "" {
			res := c.get(next)
			var page api.PersonList
			if res.status != http.StatusOK || json.Unmarshal([]byte(res.body), &page) != nil {
				t.Fatalf("%s: status %d %s", next, res.status, res.body)
			}
			for _, p := range page.Items {
				names = append(names, strings.Fields(p.Name)[0])
			}
			next = ""
			if page.NextCursor != "" {
				next = "/api/v1/people?limit=2&cursor=" + url.QueryEscape(page.NextCursor)
			}
		}
		if got := strings.Join(names, ","); got != "Ada,Al,Al,Bo,Cy,Di" {
			t.Errorf("people by pages: %s", got)
		}

		// Every field error is named.
		res := c.get("/api/v1/people?limit=0&status=gone&cursor=%25")
		var p api.Problem
		_ = json.Unmarshal([]byte(res.body), &p)
		if res.status != http.StatusBadRequest || len(p.Errors) != 3 || res.header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("bad query: status %d, %+v", res.status, p)
		}

		// An ETag: the same answer again is 304.
		first := c.get("/api/v1/people/" + itoa(admin.ID))
		if etag := first.header.Get("ETag"); etag == "" {
			t.Error("no ETag")
		} else if again := c.get("/api/v1/people/"+itoa(admin.ID), "If-None-Match", etag); again.status != http.StatusNotModified || again.body != "" {
			t.Errorf("If-None-Match with the ETag: status %d", again.status)
		}

		// Adding a person: every field checked and named, nothing half-written.
		res = c.do("POST", "/api/v1/people", map[string]string{"name": "", "email": "not-an-email", "start_date": "2024-13-01", "manager_email": "nobody@example.com"})
		p = api.Problem{}
		_ = json.Unmarshal([]byte(res.body), &p)
		var fields []string
		for _, f := range p.Errors {
			fields = append(fields, f.Field)
		}
		if res.status != http.StatusUnprocessableEntity || strings.Join(fields, ",") != "name,email,start_date,manager_email" {
			t.Errorf("invalid person: status %d, fields %v", res.status, fields)
		}
		if res := c.do("POST", "/api/v1/people", map[string]string{"name": "X", "emial": "typo@example.com"}); res.status != http.StatusBadRequest {
			t.Errorf("an unknown field: status %d, want 400", res.status)
		}
		res = c.do("POST", "/api/v1/people", map[string]string{"name": "Hal Hire", "email": "hal@example.com", "title": "Engineer", "start_date": "2025-02-03", "manager_email": "ada@example.com"})
		var created api.Person
		if res.status != http.StatusCreated || json.Unmarshal([]byte(res.body), &created) != nil || created.ManagerID == nil || *created.ManagerID != admin.ID {
			t.Fatalf("create: status %d %s", res.status, res.body)
		}
		if res.header.Get("Location") != "/api/v1/people/"+itoa(created.ID) {
			t.Errorf("Location %q", res.header.Get("Location"))
		}
		if res := c.do("POST", "/api/v1/people", map[string]string{"name": "Hal Again", "email": "HAL@example.com", "start_date": "2025-02-03"}); res.status != http.StatusUnprocessableEntity {
			t.Errorf("a taken email: status %d", res.status)
		}
		if n, _ := e.store.CountAudit(e.ctx, store.AuditFilter{Action: "person.create", Subject: created.ID, Actor: admin.ID}); n != 1 {
			t.Errorf("%d audit entries for the person made through the API", n)
		}
		if res := c.get("/api/v1/people/" + itoa(created.ID) + "/levels"); res.status != http.StatusOK || !strings.Contains(res.body, `"items":[]`) {
			t.Errorf("history of a new person: %d %s", res.status, res.body)
		}

		// Changing a person: only the fields sent; each invalid one named; leaving signs out.
		res = c.do("PATCH", "/api/v1/people/"+itoa(created.ID), map[string]string{"title": "Senior Engineer"})
		var changed api.Person
		if res.status != http.StatusOK || json.Unmarshal([]byte(res.body), &changed) != nil || changed.Title != "Senior Engineer" ||
			changed.ManagerID == nil || *changed.ManagerID != admin.ID || changed.Name != "Hal Hire" {
			t.Errorf("patch: status %d %s", res.status, res.body)
		}
		res = c.do("PATCH", "/api/v1/people/"+itoa(admin.ID), map[string]string{"manager_email": "hal@example.com", "status": "gone", "email": "HAL@example.com"})
		p = api.Problem{}
		_ = json.Unmarshal([]byte(res.body), &p)
		fields = nil
		for _, f := range p.Errors {
			fields = append(fields, f.Field)
		}
		if res.status != http.StatusUnprocessableEntity || strings.Join(fields, ",") != "email,status,manager_email" {
			t.Errorf("invalid patch: status %d, fields %v", res.status, fields)
		}
		if res := c.do("PATCH", "/api/v1/people/999999", map[string]string{"title": "x"}); res.status != http.StatusNotFound {
			t.Errorf("patch of no one: status %d", res.status)
		}
		if res := c.do("PATCH", "/api/v1/people/"+itoa(created.ID), map[string]string{"manager_email": "", "status": "left"}); res.status != http.StatusOK ||
			!strings.Contains(res.body, `"manager_id":null`) || !strings.Contains(res.body, `"status":"left"`) {
			t.Errorf("patch to no manager, and left: status %d %s", res.status, res.body)
		}

		// The framework, and a level with its expectations by id.
		if res := c.get("/api/v1/framework"); !strings.Contains(res.body, `"id":"engineering"`) {
			t.Errorf("framework: %d", res.status)
		}
		if res := c.get("/api/v1/ladders/engineering/levels/senior"); res.status != http.StatusOK || !strings.Contains(res.body, `"expectations":[{"id":"`) {
			t.Errorf("level: %d", res.status)
		}
		if res := c.get("/api/v1/ladders/engineering/levels/nope"); res.status != http.StatusNotFound {
			t.Errorf("an unknown level: %d", res.status)
		}
	})
}

func TestAPITokens(t *testing.T) {
	t.Parallel()
	clk := newTestClock()
	e := newEnv(t, store.Config{SQLitePath: storetest.SQLite(t)}, withClock(clk))
	admin := e.person("Ada Admin", "ada@example.com", 0, store.Admin)
	member := e.person("Mia Member", "mia@example.com", 0, store.Member)

	// A token made on the page is shown once and works at once.
	page := e.signedIn(member)
	if res := page.post("/account/tokens", url.Values{"name": {""}, "scope": {"admin"}, "kind": {"service"}, "days": {"0"}}); res.status != http.StatusBadRequest ||
		!strings.Contains(res.body, `id="name-error"`) || !strings.Contains(res.body, `id="scope-error"`) || !strings.Contains(res.body, `id="kind-error"`) || !strings.Contains(res.body, `id="days-error"`) {
		t.Errorf("invalid token form: status %d", res.status)
	}
	res := page.post("/account/tokens", url.Values{"name": {"laptop"}, "scope": {"read"}, "kind": {"personal"}, "days": {"30"}})
	secret := tokenShown.FindStringSubmatch(res.body)
	if res.status != http.StatusOK || secret == nil {
		t.Fatalf("make a token: status %d", res.status)
	}
	obstest.Forbid(secret[1])
	c := e.api(secret[1])
	if res := c.get("/api/v1/people/" + itoa(member.ID)); res.status != http.StatusOK {
		t.Errorf("the new token: status %d", res.status)
	}
	if res := c.get("/api/v1/people/" + itoa(admin.ID)); res.status != http.StatusNotFound {
		t.Errorf("a member's token, someone else's record: status %d", res.status)
	}
	// Every use is in the audit log.
	if n, _ := e.store.CountAudit(e.ctx, store.AuditFilter{Action: "api", Actor: member.ID}); n != 2 {
		t.Errorf("%d uses in the audit log, want 2", n)
	}

	// Wrong, expired and revoked tokens answer 401 with a problem.
	for name, bad := range map[string]string{"no scheme": "", "unknown": access.TokenPrefix + "nope"} {
		if res := e.api(bad).get("/api/v1/people"); res.status != http.StatusUnauthorized || res.header.Get("WWW-Authenticate") == "" {
			t.Errorf("%s token: status %d", name, res.status)
		}
	}
	tokens, _ := access.Tokens(e.ctx, e.store, mustAccount(t, e, member).ID)
	if res := e.signedIn(admin).post("/account/tokens/"+itoa(tokens[0].ID)+"/revoke", nil); res.status != http.StatusNotFound {
		t.Errorf("revoking someone else's personal token: status %d, want 404", res.status)
	}
	if res := page.post("/account/tokens/"+itoa(tokens[0].ID)+"/revoke", nil); res.status != http.StatusSeeOther {
		t.Errorf("revoke: status %d", res.status)
	}
	if res := c.get("/api/v1/people"); res.status != http.StatusUnauthorized {
		t.Errorf("a revoked token: status %d", res.status)
	}

	// Service tokens are the people team's to make.
	if res := e.signedIn(admin).post("/account/tokens", url.Values{"name": {"HR sync"}, "scope": {"write"}, "kind": {"service"}, "days": {"90"}}); res.status != http.StatusOK || tokenShown.FindStringSubmatch(res.body) == nil {
		t.Errorf("an admin's service token: status %d", res.status)
	} else {
		obstest.Forbid(tokenShown.FindStringSubmatch(res.body)[1])
	}

	// A person who has left keeps no access through their tokens.
	left := e.newToken(&member, access.ReadScope)
	member.Status = store.Left
	if _, err := e.store.UpdatePerson(e.ctx, member); err != nil {
		t.Fatal(err)
	}
	if res := e.api(left).get("/api/v1/people"); res.status != http.StatusUnauthorized {
		t.Errorf("a token of someone who left: status %d", res.status)
	}

	// A token expires (newToken's last an hour).
	short := e.api(e.newToken(&admin, access.ReadScope))
	if res := short.get("/api/v1/people"); res.status != http.StatusOK {
		t.Errorf("a token before it expires: status %d", res.status)
	}
	clk.advance(2 * time.Hour)
	if res := short.get("/api/v1/people"); res.status != http.StatusUnauthorized {
		t.Errorf("an expired token: status %d", res.status)
	}

	// Anything else under /api/ is a problem, not a page.
	raw, err := http.Get(e.srv.URL + "/api/v1/nothing")
	if err != nil {
		t.Fatal(err)
	}
	raw.Body.Close()
	if raw.StatusCode != http.StatusNotFound || raw.Header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("/api/v1/nothing: %d %s", raw.StatusCode, raw.Header.Get("Content-Type"))
	}
}

var tokenShown = regexp.MustCompile(`<code class="secret">(rungs_[A-Za-z0-9_-]+)</code>`)
