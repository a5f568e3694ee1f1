package conversations

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/rungs/rungs/internal/app/policy"
	"github.com/rungs/rungs/internal/app/web"
	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/checkins"
)

// listData is what the list of a person's check-ins shows.
type listData struct {
	Person store.Person
	Access policy.CheckInAccess
	Open   []itemView // open action items of every check-in, oldest first
	Rows   []rowView
}

type rowView struct {
	C       checkins.CheckIn
	With    string // the manager who held it
	Summary string // the start of the shared notes
	Items   int
	Open    int
}

type itemView struct {
	A       checkins.ActionItem
	On      checkins.CheckIn // the check-in it came from
	Owner   string           // the owner's name
	MayTick bool             // the viewer may mark it done or open again
}

// loadPerson reads the person of the route and what the viewer may do with their check-ins.
func loadPerson(srv *web.Server, r *http.Request, v *policy.Viewer) (store.Person, policy.CheckInAccess, error) {
	id, _ := web.PathID(r)
	p, err := srv.Store().Person(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		return p, policy.CheckInAccess{}, web.ErrNotFound
	}
	if err != nil {
		return p, policy.CheckInAccess{}, err
	}
	acc, err := policy.CheckInsOf(r.Context(), srv.Store(), v, id)
	return p, acc, err
}

// owner is the name of whoever owns an item of check-in c.
func owner(n *web.Names, a checkins.ActionItem, c checkins.CheckIn) string {
	if a.Owner == checkins.PersonOwns {
		return n.Of(c.PersonID)
	}
	return n.Of(c.ManagerID)
}

// List shows a person's check-ins, newest first, with the action items still open above
// them. An admin outside the person's chain sees only when check-ins were held and by whom.
func List(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	ctx := r.Context()
	s := srv.Store()
	p, acc, err := loadPerson(srv, r, v)
	if err != nil {
		return err
	}
	if policy.AuditsRead(v, p.ID) {
		if err := srv.Audit(s, r, v, "checkins.view", p.ID, ""); err != nil {
			return err
		}
	}
	list, err := checkins.CheckIns(ctx, s, p.ID)
	if err != nil {
		return err
	}
	d := listData{Person: p, Access: acc}
	n := srv.Names(r)
	byID := map[int64]checkins.CheckIn{}
	for _, c := range list {
		byID[c.ID] = c
		row := rowView{C: c, With: n.Of(c.ManagerID)}
		if acc.Notes {
			row.Summary = summary(c.Shared)
		}
		d.Rows = append(d.Rows, row)
	}
	if acc.Notes {
		items, err := checkins.ActionItems(ctx, s, p.ID, 0)
		if err != nil {
			return err
		}
		count := map[int64][2]int{}
		for _, a := range items {
			k := count[a.CheckInID]
			k[0]++
			if !a.Done() {
				k[1]++
				c := byID[a.CheckInID]
				d.Open = append(d.Open, itemView{A: a, On: c, Owner: owner(n, a, c), MayTick: policy.HeldIt(v, c)})
			}
			count[a.CheckInID] = k
		}
		for i := range d.Rows {
			k := count[d.Rows[i].C.ID]
			d.Rows[i].Items, d.Rows[i].Open = k[0], k[1]
		}
	}
	srv.Render(w, r, v, http.StatusOK, "checkins", "Check-ins: "+p.Name, d)
	return nil
}

// summary is the first line of notes, cut to a length a list row holds.
func summary(notes string) string {
	line, _, _ := strings.Cut(notes, "\n")
	if r := []rune(line); len(r) > 120 {
		return string(r[:117]) + "..."
	}
	return line
}

// checkInURL is a check-in's page.
func checkInURL(person, id int64) string {
	return "/people/" + web.Itoa(person) + "/checkins/" + strconv.FormatInt(id, 10)
}
