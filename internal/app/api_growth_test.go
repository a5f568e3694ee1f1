package app_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/access"
)

// TestAPIGrowthAndAssessments: the API answers plans, promotion cases, cycles and
// assessments with what the pages show each reader and no more: the manager's side of an
// assessment reaches the person only once shared, a draft case is not the person's to see,
// the argument is not theirs to read, and every look at someone else's is audited.
func TestAPIGrowthAndAssessments(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, cfg store.Config) {
		e := newEnv(t, cfg)
		admin := e.person("Ada Admin", "ada@example.com", 0, store.Admin)
		boss := e.person("Bo Boss", "bo@example.com", 0, store.Member)
		sam := e.person("Sam Self", "sam@example.com", boss.ID, store.Member)
		other := e.person("Oli Other", "oli@example.com", 0, store.Member)
		dee := e.person("Dee Draft", "dee@example.com", boss.ID, store.Member)
		cycle := e.cycle(admin, boss, sam, other)
		asSam, asBoss, asOther, asAdmin := e.api(e.newToken(&sam, access.ReadScope)), e.api(e.newToken(&boss, access.ReadScope)),
			e.api(e.newToken(&other, access.ReadScope)), e.api(e.newToken(&admin, access.ReadScope))
		get := func(c *apiClient, path string, want int, v any) string {
			t.Helper()
			res := c.get(path)
			if res.status != want {
				t.Fatalf("GET %s: status %d, want %d: %s", path, res.status, want, res.body)
			}
			if v != nil {
				if err := json.Unmarshal([]byte(res.body), v); err != nil {
					t.Fatal(err)
				}
			}
			return res.body
		}

		// Assessments: Sam submits, the manager rates without sharing.
		page := "/cycles/" + itoa(cycle.ID) + "/people/" + itoa(sam.ID)
		if res := e.signedIn(sam).post(page+"/self", ratingForm("submit", "consistently", 2, "Shipped the zanzibar importer.")); res.status != http.StatusSeeOther {
			t.Fatalf("self submit: %d", res.status)
		}
		if res := e.signedIn(boss).post(page+"/manager", ratingForm("submit", "not-yet", 2, "Needs more quokka ownership.")); res.status != http.StatusSeeOther {
			t.Fatalf("manager submit: %d", res.status)
		}
		path := "/api/v1" + page + "/assessment"
		type file struct {
			Ratings map[string]string `json:"ratings"`
			Manager *struct {
				Ratings map[string]string `json:"ratings"`
			} `json:"manager"`
		}
		var f file
		body := get(asSam, path, 200, &f)
		if f.Ratings["engineer/delivery"] != "consistently" || f.Manager != nil || strings.Contains(body, "quokka") {
			t.Errorf("Sam's own assessment before sharing: %s", body)
		}
		f = file{}
		if get(asBoss, path, 200, &f); f.Manager == nil || f.Manager.Ratings["engineer/delivery"] != "not-yet" {
			t.Errorf("the manager's own side is missing: %+v", f)
		}
		get(asOther, path, 404, nil)
		if res := e.signedIn(boss).post(page+"/share", url.Values{}); res.status != http.StatusSeeOther {
			t.Fatalf("share: %d", res.status)
		}
		f = file{}
		if body := get(asSam, path, 200, &f); f.Manager == nil || !strings.Contains(body, "quokka") {
			t.Errorf("Sam does not see the shared manager's side: %s", body)
		}
		var cycles struct {
			Items []struct {
				ID   int64 `json:"id"`
				Open bool  `json:"open"`
			} `json:"items"`
		}
		if get(asOther, "/api/v1/cycles", 200, &cycles); len(cycles.Items) != 1 || cycles.Items[0].ID != cycle.ID || !cycles.Items[0].Open {
			t.Errorf("cycles: %+v", cycles)
		}

		// Growth: a plan with a goal, and a submitted case, then a draft one.
		c, _ := e.checkIn(sam, boss)
		goal, kase := e.growth(sam, boss, c)
		var plan struct {
			Plan *struct {
				TargetLevel string `json:"target_level"`
				Agreed      bool   `json:"agreed"`
			} `json:"plan"`
			Goals []struct {
				ID          int64  `json:"id"`
				Expectation string `json:"expectation"`
			} `json:"goals"`
		}
		get(asSam, "/api/v1/people/"+itoa(sam.ID)+"/plan", 200, &plan)
		if plan.Plan == nil || plan.Plan.TargetLevel != "senior" || plan.Plan.Agreed || len(plan.Goals) != 1 || plan.Goals[0].ID != goal.ID {
			t.Errorf("plan: %+v", plan)
		}
		get(asBoss, "/api/v1/people/"+itoa(sam.ID)+"/plan", 200, nil)
		get(asOther, "/api/v1/people/"+itoa(sam.ID)+"/plan", 404, nil)
		var none struct {
			Plan  any   `json:"plan"`
			Goals []any `json:"goals"`
		}
		if get(asBoss, "/api/v1/people/"+itoa(boss.ID)+"/plan", 200, &none); none.Plan != nil || none.Goals == nil {
			t.Errorf("no plan yet: %+v", none)
		}

		type cases struct {
			Items []struct {
				ID       int64   `json:"id"`
				Status   string  `json:"status"`
				Argument *string `json:"argument"`
			} `json:"items"`
		}
		var mine, theirs, reviewed cases
		get(asSam, "/api/v1/people/"+itoa(sam.ID)+"/cases", 200, &mine)
		if len(mine.Items) != 1 || mine.Items[0].ID != kase.ID || mine.Items[0].Status != "submitted" || mine.Items[0].Argument != nil {
			t.Errorf("Sam's view of their case (without the argument): %+v", mine)
		}
		get(asBoss, "/api/v1/people/"+itoa(sam.ID)+"/cases", 200, &theirs)
		if len(theirs.Items) != 1 || theirs.Items[0].Argument == nil || *theirs.Items[0].Argument != "Ready for senior." {
			t.Errorf("the manager's view: %+v", theirs)
		}
		get(asAdmin, "/api/v1/people/"+itoa(sam.ID)+"/cases", 200, &reviewed)
		if len(reviewed.Items) != 1 || reviewed.Items[0].Argument == nil {
			t.Errorf("a reviewer's view (with the argument): %+v", reviewed)
		}
		get(asOther, "/api/v1/people/"+itoa(sam.ID)+"/cases", 404, nil)
		// A draft is its writers' alone: not the person's, not the reviewers'.
		if res := e.signedIn(boss).post("/people/"+itoa(dee.ID)+"/cases", url.Values{"target": {"engineering/senior"}}); res.status != http.StatusSeeOther {
			t.Fatalf("open a draft case: %d", res.status)
		}
		for _, v := range []struct {
			c    *apiClient
			want int
		}{{e.api(e.newToken(&dee, access.ReadScope)), 0}, {asAdmin, 0}, {asBoss, 1}} {
			var got cases
			if get(v.c, "/api/v1/people/"+itoa(dee.ID)+"/cases", 200, &got); len(got.Items) != v.want {
				t.Errorf("a draft case: %d items, want %d", len(got.Items), v.want)
			}
		}

		// Looks at someone else's are audited; Sam's at their own are not.
		for _, action := range []string{"plan.view", "cases.view", "assessment.export"} {
			n, err := e.store.CountAudit(e.ctx, store.AuditFilter{Action: action, Subject: sam.ID, Actor: boss.ID})
			if err != nil || n == 0 {
				t.Errorf("%s by the manager: %d entries, %v", action, n, err)
			}
		}
		if n, _ := e.store.CountAudit(e.ctx, store.AuditFilter{Action: "plan.view", Actor: sam.ID}); n != 0 {
			t.Errorf("Sam's look at their own plan was audited %d times", n)
		}
	})
}
