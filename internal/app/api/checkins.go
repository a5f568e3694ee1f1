package api

import (
	"errors"
	"net/http"
	"time"

	"github.com/rungs/rungs/internal/app/policy"
	"github.com/rungs/rungs/internal/app/web"
	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/checkins"
)

// CheckIns is a person's check-ins, newest first.
type CheckIns struct {
	Items []CheckIn `json:"items"`
}

// CheckIn is one check-in as the API shows it: PrivateNote is the caller's own note on it,
// never anyone else's.
type CheckIn struct {
	ID           int64        `json:"id"`
	PersonID     int64        `json:"person_id"`
	ManagerID    int64        `json:"manager_id"`
	HeldOn       string       `json:"held_on"`
	SharedNotes  string       `json:"shared_notes"`
	Expectations []string     `json:"expectations"`
	ActionItems  []ActionItem `json:"action_items"`
	PrivateNote  string       `json:"private_note"`
}

// ActionItem is an action item of a check-in; DoneAt is absent while it is open.
type ActionItem struct {
	ID     int64      `json:"id"`
	Text   string     `json:"text"`
	Owner  string     `json:"owner"`
	DoneAt *time.Time `json:"done_at,omitempty"`
}

// GetCheckIns answers a person's check-ins to the person and anyone above them, each with
// the caller's own private note alone. A look at someone else's is in the audit log.
func GetCheckIns(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	id, _ := web.PathID(r)
	ctx := r.Context()
	s := srv.Store()
	if err := personRead(srv, r, v, id, "checkins.view"); err != nil {
		return err
	}
	list, err := checkins.CheckIns(ctx, s, id)
	if err != nil {
		return err
	}
	items, err := checkins.ActionItems(ctx, s, id, 0)
	if err != nil {
		return err
	}
	byCheckIn := map[int64][]ActionItem{}
	for _, a := range items {
		ai := ActionItem{ID: a.ID, Text: a.Text, Owner: string(a.Owner)}
		if a.Done() {
			ai.DoneAt = &a.DoneAt
		}
		byCheckIn[a.CheckInID] = append(byCheckIn[a.CheckInID], ai)
	}
	out := CheckIns{Items: []CheckIn{}}
	for _, c := range list {
		ci := CheckIn{ID: c.ID, PersonID: c.PersonID, ManagerID: c.ManagerID, HeldOn: c.HeldOn.Format(time.DateOnly),
			SharedNotes: c.Shared, Expectations: checkins.ExpectationLinks(c.Shared), ActionItems: byCheckIn[c.ID]}
		if ci.Expectations == nil {
			ci.Expectations = []string{}
		}
		if ci.ActionItems == nil {
			ci.ActionItems = []ActionItem{}
		}
		// The caller's own note: the store reads private notes by their author.
		n, err := checkins.PrivateNoteOf(ctx, s, id, c.ID, v.Person.ID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		ci.PrivateNote = n.Body
		out.Items = append(out.Items, ci)
	}
	return Write(w, r, http.StatusOK, out)
}
