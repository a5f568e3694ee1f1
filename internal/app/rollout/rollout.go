// Package rollout holds the pages of a ladder's rollout: the mapping of old titles to
// levels, the managers' review of their reports' proposals, and applying or discarding it.
package rollout

import (
	"cmp"
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/rungs/rungs/internal/app/policy"
	"github.com/rungs/rungs/internal/app/web"
	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/titles"
)

// The rollout levels the people who have no level yet: an admin maps old titles to levels,
// managers review their reports' proposals, and an admin applies it, which writes one
// "rollout" entry in each mapped person's history.

type rolloutData struct {
	Rollout  store.Rollout
	Progress []store.TeamProgress
	Totals   store.TeamProgress
	Titles   []titleRule
	Levels   []web.LadderChoices
	Tracks   []web.TrackChoice
	Past     []store.Rollout
	Today    string
	Errors   map[string]string
	Applying string // what applying would do, in words
}

// applySummary says what applying the rollout would do, for any number of people.
func applySummary(t store.TeamProgress) string {
	proposed := t.Reviewed + t.Mapped
	var b strings.Builder
	switch proposed {
	case 0:
		b.WriteString("No one has a proposed level yet: applying now would level no one.")
	case 1:
		b.WriteString("Applying gives 1 person the level proposed for them")
		if t.Mapped == 1 {
			b.WriteString(" (mapped by title; no manager has reviewed it).")
		} else {
			b.WriteString(" (reviewed by a manager).")
		}
	default:
		b.WriteString("Applying gives " + strconv.Itoa(proposed) + " people the level proposed for them")
		switch t.Mapped {
		case 0:
			b.WriteString(" (a manager has reviewed each of them).")
		case proposed:
			b.WriteString(" (mapped by title; no manager has reviewed any of them).")
		case 1:
			b.WriteString(" (1 of them mapped by title and not reviewed by a manager).")
		default:
			b.WriteString(" (" + strconv.Itoa(t.Mapped) + " of them mapped by title and not reviewed by a manager).")
		}
	}
	switch t.Unmapped {
	case 0:
	case 1:
		b.WriteString(" The 1 person not mapped stays without a level.")
	default:
		b.WriteString(" The " + strconv.Itoa(t.Unmapped) + " people not mapped stay without a level.")
	}
	return b.String()
}

// titleRule is one old title with its mapping rule, or the crosswalk's suggestion for it.
type titleRule struct {
	Index      int
	Title      string
	People     int
	Level      string // ladder/level of the rule, or of the suggestion when there is no rule
	Track      string
	Suggested  bool
	Suggestion string // what the crosswalk matched, to say where the suggestion comes from
	// Was is the rule stored when the page was made (ruleKey; "" for none), which the form
	// sends back: a save writes only the rows changed on the page, and a row someone else
	// changed meanwhile is refused rather than overwritten.
	Was string
}

// ruleKey writes a rule as the form's "was" fields carry it: "ladder/level track", or "" for
// no rule.
func ruleKey(r store.RolloutRule) string {
	if r.Level == "" {
		return ""
	}
	return r.Ladder + "/" + r.Level + " " + r.Track
}

// Page shows the titles of everyone without a level, with their rules or suggestions, and
// the rollout's progress per team.
func Page(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	return showRollout(srv, w, r, v, http.StatusOK, nil, nil)
}

func showRollout(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer, status int, posted []titleRule, errs map[string]string) error {
	ctx := r.Context()
	s := srv.Store()
	ro, err := currentRollout(ctx, s)
	if err != nil {
		return err
	}
	d := rolloutData{Rollout: ro, Today: srv.Now().Format(time.DateOnly), Errors: errs}
	if d.Progress, err = s.RolloutProgress(ctx, ro.ID); err != nil {
		return err
	}
	for _, t := range d.Progress {
		d.Totals.People += t.People
		d.Totals.Levelled += t.Levelled
		d.Totals.Mapped += t.Mapped
		d.Totals.Reviewed += t.Reviewed
		d.Totals.Unmapped += t.Unmapped
	}
	d.Applying = applySummary(d.Totals)
	if posted != nil {
		d.Titles = posted
	} else if d.Titles, err = titleRules(srv, r, ro.ID); err != nil {
		return err
	}
	f := srv.Framework()
	d.Levels, d.Tracks = web.LevelChoices(f), web.TrackChoices(f)
	all, err := s.Rollouts(ctx)
	if err != nil {
		return err
	}
	for _, past := range all {
		if past.ID != ro.ID {
			d.Past = append(d.Past, past)
		}
	}
	srv.Render(w, r, v, status, "rollout", "Rollout", d)
	return nil
}

// currentRollout is the rollout in progress, or the zero Rollout when there is none: pages
// show what one would start from, and only saving rules starts one.
func currentRollout(ctx context.Context, s *store.Store) (store.Rollout, error) {
	ro, err := s.CurrentRollout(ctx)
	if errors.Is(err, store.ErrNotFound) {
		return store.Rollout{}, nil
	}
	return ro, err
}

// errNoRollout answers a change to a rollout when none is in progress.
var errNoRollout = web.Errorf(http.StatusConflict, "There is no rollout in progress: an admin starts one by saving a title mapping.")

// titleRules pairs every title of the people the rollout covers with its rule, or with the
// crosswalk's best match as a suggestion the admin can accept by saving.
func titleRules(srv *web.Server, r *http.Request, rollout int64) ([]titleRule, error) {
	ctx := r.Context()
	counts, err := srv.Store().RolloutTitles(ctx)
	if err != nil {
		return nil, err
	}
	rules, err := srv.Store().RolloutRules(ctx, rollout)
	if err != nil {
		return nil, err
	}
	byKey := map[string]store.RolloutRule{}
	for _, rule := range rules {
		byKey[titleKey(rule.Title)] = rule
	}
	f := srv.Framework()
	entries := titles.Entries(f)
	var out []titleRule
	for i, c := range counts {
		t := titleRule{Index: i, Title: c.Title, People: c.People}
		if rule, ok := byKey[titleKey(c.Title)]; ok {
			t.Level, t.Track, t.Was = rule.Ladder+"/"+rule.Level, rule.Track, ruleKey(rule)
		} else if c.Title != "" {
			if res := titles.Lookup(entries, c.Title); len(res.Matches) > 0 {
				m := res.Matches[0]
				t.Level, t.Suggested, t.Suggestion = m.Ladder+"/"+m.Level, true, m.Title
				// The crosswalk names no track: suggest the ladder's first, so that saving
				// the suggestion as it stands is a valid rule.
				if l := f.Ladder(m.Ladder); l != nil && len(l.Tracks) > 0 {
					t.Track = l.Tracks[0].ID
				}
			}
		}
		out = append(out, t)
	}
	return out, nil
}

// titleKey is how titles are matched to rules: the store's lower(trim(title)).
func titleKey(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// SaveRules saves the mapping of the titles changed on the page; a title left without a level
// has no rule, and its people stay unmapped unless a manager proposes a level. Each row
// carries the rule it showed: a row left as shown is not written (so a change someone else
// saved to it meanwhile stays), and a row changed here that someone else changed meanwhile is
// refused with both mappings shown, nothing of the form saved (409), so that saving again is
// a choice made having seen theirs.
func SaveRules(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	ctx := r.Context()
	n, _ := strconv.Atoi(r.PostFormValue("titles"))
	if n < 0 || n > 10000 {
		return web.Errorf(http.StatusBadRequest, "The form is not one this page made.")
	}
	errs := map[string]string{}
	var posted []titleRule
	var rules []store.RolloutRule
	var rows []int // the index in posted of each rule
	for i := range n {
		k := strconv.Itoa(i)
		t := titleRule{Index: i, Title: r.PostFormValue("title" + k), Level: r.PostFormValue("level" + k), Track: r.PostFormValue("track" + k),
			Was: r.PostFormValue("was" + k)}
		t.People, _ = strconv.Atoi(r.PostFormValue("people" + k))
		if t.Level != "" {
			t.Track = web.FitTrack(srv.Framework(), t.Level, t.Track)
		}
		posted = append(posted, t)
		rule := store.RolloutRule{Title: t.Title}
		if t.Level != "" {
			ref, msg := web.ParseLevel(srv.Framework(), t.Level, t.Track)
			if msg != "" {
				// FitTrack leaves only the level to be wrong.
				errs[k] = "Level for " + cmp.Or(t.Title, "(no title)") + ": " + msg
				continue
			}
			rule.Ladder, rule.Track, rule.Level = ref.Ladder, ref.Track, ref.Level
		}
		if ruleKey(rule) == t.Was && r.PostForm.Has("was"+k) {
			continue // as the page showed it
		}
		rules, rows = append(rules, rule), append(rows, i)
	}
	if len(errs) > 0 {
		return showRollout(srv, w, r, v, http.StatusBadRequest, posted, errs)
	}
	err := srv.Store().WithTx(ctx, func(tx *store.Store) error {
		ro, err := tx.OpenRollout(ctx, v.Person.ID)
		if err != nil {
			return err
		}
		stored, err := tx.RolloutRules(ctx, ro.ID)
		if err != nil {
			return err
		}
		now := map[string]store.RolloutRule{}
		for _, rule := range stored {
			now[titleKey(rule.Title)] = rule
		}
		for j, rule := range rules {
			t := &posted[rows[j]]
			if !r.PostForm.Has("was" + strconv.Itoa(t.Index)) {
				continue // a form that does not say what it showed: the last save wins
			}
			// Changed meanwhile, and to something else than this form's choice.
			if theirs := ruleKey(now[titleKey(rule.Title)]); theirs != t.Was && theirs != ruleKey(rule) {
				errs[strconv.Itoa(t.Index)] = "Someone else mapped " + cmp.Or(t.Title, "(no title)") + " to " + ruleWords(srv, now[titleKey(rule.Title)]) +
					" while you had this page open; yours is selected. Save again to keep yours, or choose theirs."
				t.Was = theirs // saving again is then a choice made having seen theirs
			}
		}
		if len(errs) > 0 {
			return web.ErrInvalid
		}
		mapped := 0
		for _, rule := range rules {
			if err := tx.SetRolloutRule(ctx, ro.ID, rule); err != nil {
				return err
			}
			if rule.Level != "" {
				mapped++
			}
		}
		return srv.Audit(tx, r, v, "rollout.rules", 0, strconv.Itoa(mapped)+" titles mapped")
	})
	if errors.Is(err, web.ErrInvalid) {
		return showRollout(srv, w, r, v, http.StatusConflict, posted, errs)
	}
	if err != nil {
		return err
	}
	web.Redirect(w, r, "/rollout", "rules")
	return nil
}

// ruleWords names a rule's level and track as a person reads them, or "no level".
func ruleWords(srv *web.Server, rule store.RolloutRule) string {
	if rule.Level == "" {
		return "no level"
	}
	words := rule.Ladder + "/" + rule.Level
	if l := srv.Framework().Ladder(rule.Ladder); l != nil {
		if lv := l.Level(rule.Level); lv != nil {
			words = lv.Title
		}
		for _, tr := range l.Tracks {
			if tr.ID == rule.Track {
				words += " (" + tr.Title + ")"
			}
		}
	}
	return words
}

type reviewData struct {
	Rollout   store.Rollout
	Proposals []proposalRow
	Status    string
	Total     int
	PrevURL   string
	NextURL   string
	Levels    []web.LadderChoices
	Tracks    []web.TrackChoice
	All       bool
	Back      string // this page, for the forms to come back to
}

type proposalRow struct {
	P     store.Proposal
	Card  string // the card's element id
	Next  int64  // the person whose card follows, 0 for the last
	Level *web.LevelInfo
	Value string // ladder/level for the picker
	Track string
	Note  string
	Error string // what was wrong with the review just posted for this person
	// Seen is when the person's review shown was made, in microseconds since 1970 (0: not
	// reviewed yet): a review is saved only if it is still the latest (see
	// store.ReviewProposalAfter).
	Seen int64
}

// failedReview is a review that could not be saved, shown again in its person's form.
type failedReview struct {
	PersonID           int64
	Level, Track, Note string
	Error              string
	// Stale says that someone else reviewed the person since the form was shown: the page
	// shows that person alone, whatever list the form came from, which may no longer hold
	// them (a list of those not reviewed yet).
	Stale bool
	Back  string
}

// ReviewPage lists, person by person, the proposals the viewer may review: their reports'
// for a manager, everyone's for an admin.
func ReviewPage(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	return showReview(srv, w, r, v, http.StatusOK, r.URL.Query(), nil)
}

// showReview shows the review page the query q asks for; failed, when not nil, is kept in
// its person's form with the reason it was refused.
func showReview(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer, status int, q url.Values, failed *failedReview) error {
	ctx := r.Context()
	s := srv.Store()
	ro, err := currentRollout(ctx, s)
	if err != nil {
		return err
	}
	d := reviewData{Rollout: ro, Status: q.Get("status")}
	if ro.ID == 0 {
		srv.Render(w, r, v, status, "review", "Rollout review", d)
		return nil
	}
	f := store.ProposalFilter{Limit: web.PageSize}
	switch store.ProposalStatus(d.Status) {
	case store.Unmapped, store.Mapped, store.Reviewed:
		f.Status = store.ProposalStatus(d.Status)
	default:
		d.Status = ""
	}
	all, under := policy.Scope(v)
	d.All = all
	if !all {
		f.Under = under
	}
	f.Offset, _ = strconv.Atoi(q.Get("from"))
	f.Offset = max(f.Offset, 0)
	if failed != nil && failed.Stale {
		f.Person, f.Status, f.Offset, d.Status = failed.PersonID, "", 0, ""
	}
	if d.Total, err = s.CountProposals(ctx, ro.ID, f); err != nil {
		return err
	}
	proposals, err := s.Proposals(ctx, ro.ID, f)
	if err != nil {
		return err
	}
	if policy.AuditsList(v) {
		detail := "status " + cmp.Or(d.Status, "any") + ", from " + strconv.Itoa(f.Offset)
		if err := srv.Audit(s, r, v, "rollout.list", 0, detail); err != nil {
			return err
		}
	}
	fw := srv.Framework()
	for _, p := range proposals {
		row := proposalRow{P: p, Level: web.Describe(fw, web.LevelRef{Ladder: p.Ladder, Track: p.Track, Level: p.Level}), Track: p.Track, Note: p.Note}
		if !p.ReviewedAt.IsZero() {
			row.Seen = p.ReviewedAt.UnixMicro()
		}
		if p.Level != "" {
			row.Value = p.Ladder + "/" + p.Level
		}
		if failed != nil && failed.PersonID == p.Person.ID {
			row.Value, row.Track, row.Note, row.Error = failed.Level, failed.Track, failed.Note, failed.Error
		}
		row.Card = CardID(p.Person.ID)
		if n := len(d.Proposals); n > 0 {
			d.Proposals[n-1].Next = p.Person.ID
		}
		d.Proposals = append(d.Proposals, row)
	}
	link := func(from int) string {
		v := url.Values{}
		if from > 0 {
			v.Set("from", strconv.Itoa(from))
		}
		if d.Status != "" {
			v.Set("status", d.Status)
		}
		if len(v) == 0 {
			return "/rollout/review"
		}
		return "/rollout/review?" + v.Encode()
	}
	d.Back = link(f.Offset)
	if failed != nil && failed.Stale {
		d.Back = failed.Back // the list the form came from, to go back to
	}
	if f.Offset > 0 {
		d.PrevURL = link(max(0, f.Offset-web.PageSize))
	}
	if f.Offset+len(proposals) < d.Total {
		d.NextURL = link(f.Offset + web.PageSize)
	}
	d.Levels, d.Tracks = web.LevelChoices(fw), web.TrackChoices(fw)
	srv.Render(w, r, v, status, "review", "Rollout review", d)
	return nil
}

// errNoSeen answers a review posted without the review it was shown with.
var errNoSeen = web.Errorf(http.StatusBadRequest,
	"This form does not say which review it was shown with, so it could replace someone else's. Nothing was saved: open the review page again.")

// Review records a manager's decision on one report's proposed level, only if no one else
// reviewed them since the form was shown.
func Review(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	ctx := r.Context()
	id, _ := web.PathID(r)
	back := web.SafeNext(r.PostFormValue("back"))
	if !strings.HasPrefix(back, "/rollout/review") {
		back = "/rollout/review"
	}
	back, _, _ = strings.Cut(back, "#")
	seenMicro, err := strconv.ParseInt(r.PostFormValue("seen"), 10, 64)
	if err != nil || seenMicro < 0 {
		return errNoSeen
	}
	var seen time.Time
	if seenMicro != 0 {
		seen = time.UnixMicro(seenMicro).UTC()
	}
	posted := failedReview{PersonID: id, Level: r.PostFormValue("level"), Note: r.PostFormValue("note"), Back: back}
	posted.Track = web.FitTrack(srv.Framework(), posted.Level, r.PostFormValue("track"))
	ref, msg := web.ParseLevel(srv.Framework(), posted.Level, posted.Track)
	if msg != "" {
		msg = "Level: " + msg
	}
	note := strings.TrimSpace(posted.Note)
	if problem := store.NoteProblem(note); msg == "" && problem != "" {
		msg = "The note " + problem + "."
	}
	if msg != "" {
		// The page the form came from, again, with this person's form as it was sent.
		posted.Error = msg
		q := url.Values{}
		if u, err := url.Parse(back); err == nil {
			q = u.Query()
		}
		return showReview(srv, w, r, v, http.StatusBadRequest, q, &posted)
	}
	err = srv.Store().WithTx(ctx, func(tx *store.Store) error {
		ro, err := tx.CurrentRollout(ctx)
		if errors.Is(err, store.ErrNotFound) {
			return errNoRollout
		}
		if err != nil {
			return err
		}
		if err := tx.ReviewProposalAfter(ctx, ro.ID, store.RolloutReview{PersonID: id, Ladder: ref.Ladder, Track: ref.Track,
			Level: ref.Level, Note: note, ReviewedBy: v.Person.ID}, seen); err != nil {
			return err
		}
		return srv.Audit(tx, r, v, "rollout.review", id, ref.Ladder+"/"+ref.Level)
	})
	if errors.Is(err, store.ErrStale) {
		// The person's form again, alone, with what this reviewer chose, beside the review
		// saved now (the proposal above the form) and carrying its time, so that saving
		// again replaces it knowingly.
		posted.Stale = true
		posted.Error = "Someone else reviewed this person since you opened the page, and their review is the proposal shown above. Nothing of yours was saved: the form is as you sent it, and saving it again replaces their review."
		return showReview(srv, w, r, v, http.StatusConflict, url.Values{}, &posted)
	}
	if errors.Is(err, store.ErrConflict) {
		return web.Errorf(http.StatusConflict, "This person is not part of the rollout: they already have a level or have left.")
	}
	if err != nil {
		return err
	}
	// Back to the page, at the next person's card (or this one's, the last on the page), so
	// that the reviewer carries on where they were rather than at the top.
	at := id
	if next, err := strconv.ParseInt(r.PostFormValue("next"), 10, 64); err == nil && next > 0 {
		at = next
	}
	web.Redirect(w, r, back+"#"+CardID(at), "reviewed")
	return nil
}

// CardID is the element id of a person's card on the review page, the fragment a review
// comes back to.
func CardID(person int64) string { return "person-" + strconv.FormatInt(person, 10) }

// Apply closes the rollout: everyone with a proposal gets it as their level.
func Apply(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	ctx := r.Context()
	if r.PostFormValue("confirm") != "yes" {
		return showRollout(srv, w, r, v, http.StatusBadRequest, nil, map[string]string{"apply": "Tick the box to confirm: applying cannot be undone."})
	}
	date, err := time.Parse(time.DateOnly, strings.TrimSpace(r.PostFormValue("date")))
	if err != nil {
		return showRollout(srv, w, r, v, http.StatusBadRequest, nil, map[string]string{"apply": "Give the date the levels take effect as YYYY-MM-DD."})
	}
	err = srv.Store().WithTx(ctx, func(tx *store.Store) error {
		ro, err := tx.CurrentRollout(ctx)
		if errors.Is(err, store.ErrNotFound) {
			return errNoRollout
		}
		if err != nil {
			return err
		}
		n, err := tx.ApplyRollout(ctx, ro.ID, v.Person.ID, date)
		if err != nil {
			return err
		}
		return srv.Audit(tx, r, v, "rollout.apply", 0, strconv.Itoa(n)+" people levelled, effective "+date.Format(time.DateOnly))
	})
	if err != nil {
		return err
	}
	web.Redirect(w, r, "/rollout", "applied")
	return nil
}

// Discard throws away the rollout's rules and reviews; no one's level changes.
func Discard(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	ctx := r.Context()
	if r.PostFormValue("confirm") != "yes" {
		return showRollout(srv, w, r, v, http.StatusBadRequest, nil, map[string]string{"discard": "Tick the box to confirm: the rules and reviews will be lost."})
	}
	err := srv.Store().WithTx(ctx, func(tx *store.Store) error {
		ro, err := tx.CurrentRollout(ctx)
		if errors.Is(err, store.ErrNotFound) {
			return errNoRollout
		}
		if err != nil {
			return err
		}
		if err := tx.DiscardRollout(ctx, ro.ID); err != nil {
			return err
		}
		return srv.Audit(tx, r, v, "rollout.discard", 0, "")
	})
	if err != nil {
		return err
	}
	web.Redirect(w, r, "/rollout", "discarded")
	return nil
}
