package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/rungs/rungs/internal/app/policy"
	"github.com/rungs/rungs/internal/app/web"
	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/access"
)

// Person is a person as the API shows them.
type Person struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Email     string    `json:"email"`
	Title     string    `json:"title"`
	ManagerID *int64    `json:"manager_id"`
	Status    string    `json:"status"`
	StartDate string    `json:"start_date"`
	Level     *LevelRef `json:"level"`
	UpdatedAt time.Time `json:"updated_at"`
}

// LevelRef is a level on a ladder (and track).
type LevelRef struct {
	Ladder string `json:"ladder"`
	Track  string `json:"track"`
	Level  string `json:"level"`
}

func personOf(p store.Person) Person {
	out := Person{ID: p.ID, Name: p.Name, Email: p.Email, Title: p.Title, Status: string(p.Status),
		StartDate: p.StartDate.Format(time.DateOnly), UpdatedAt: p.UpdatedAt}
	if p.ManagerID != 0 {
		out.ManagerID = &p.ManagerID
	}
	if p.Level != "" {
		out.Level = &LevelRef{Ladder: p.Ladder, Track: p.Track, Level: p.Level}
	}
	return out
}

// PersonList is a page of people.
type PersonList struct {
	Items []Person `json:"items"`
	// NextCursor fetches the next page (?cursor=); empty on the last page.
	NextCursor string `json:"next_cursor,omitempty"`
}

// maxPage is the most people a page holds.
const maxPage = 500

// ListPeople lists the people the token may see, by name, a page at a time: everyone, for
// the people team; otherwise those below the token's person in the reporting chain (their
// own record is at /api/v1/people/{id}).
func ListPeople(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	q := r.URL.Query()
	var bad []FieldError
	limit := 50
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > maxPage {
			bad = append(bad, FieldError{"limit", "Give a number from 1 to " + strconv.Itoa(maxPage) + "."})
		}
		limit = n
	}
	f := store.PeopleFilter{Limit: limit + 1}
	if c := q.Get("cursor"); c != "" {
		id, ok := decodeCursor(c)
		if !ok {
			bad = append(bad, FieldError{"cursor", "Give the next_cursor of the page before, as it was."})
		}
		f.After = id
	}
	switch st := q.Get("status"); st {
	case "", string(store.Active), string(store.Left):
		f.Status = store.Status(st)
	default:
		bad = append(bad, FieldError{"status", "Give active or left, or leave it out for both."})
	}
	if len(bad) > 0 {
		p := Errorf(http.StatusBadRequest, "The query has invalid parameters.")
		p.Errors = bad
		return p
	}
	if all, under := policy.Scope(v); !all {
		f.Under = under
	}
	people, err := srv.Store().ListPeople(r.Context(), f)
	if err != nil {
		return err
	}
	out := PersonList{Items: []Person{}}
	for i, p := range people {
		if i == limit {
			last := people[limit-1]
			out.NextCursor = EncodeCursor(last.ID)
			break
		}
		out.Items = append(out.Items, personOf(p))
	}
	return Write(w, r, http.StatusOK, out)
}

// GetPerson shows one person.
func GetPerson(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	id, _ := web.PathID(r)
	p, err := srv.Store().Person(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		return ErrNotFound
	}
	if err != nil {
		return err
	}
	return Write(w, r, http.StatusOK, personOf(p))
}

// LevelChange is one entry of a person's level history.
type LevelChange struct {
	ID        int64  `json:"id"`
	FromLevel string `json:"from_level"`
	ToLevel   string `json:"to_level"`
	Ladder    string `json:"ladder"`
	Track     string `json:"track"`
	Date      string `json:"date"`
	Reason    string `json:"reason"`
	Note      string `json:"note"`
}

// LevelHistory is a person's level history, oldest first.
type LevelHistory struct {
	Items []LevelChange `json:"items"`
}

// GetLevels shows a person's level history.
func GetLevels(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	id, _ := web.PathID(r)
	ctx := r.Context()
	if _, err := srv.Store().Person(ctx, id); errors.Is(err, store.ErrNotFound) {
		return ErrNotFound
	} else if err != nil {
		return err
	}
	changes, err := srv.Store().LevelHistory(ctx, id)
	if err != nil {
		return err
	}
	out := LevelHistory{Items: []LevelChange{}}
	for _, c := range changes {
		out.Items = append(out.Items, LevelChange{ID: c.ID, FromLevel: c.FromLevel, ToLevel: c.ToLevel, Ladder: c.Ladder,
			Track: c.Track, Date: c.Date.Format(time.DateOnly), Reason: string(c.Reason), Note: c.Note})
	}
	return Write(w, r, http.StatusOK, out)
}

// NewPerson is the body that adds a person.
type NewPerson struct {
	Name         string `json:"name"`
	Email        string `json:"email"`
	Title        string `json:"title"`
	ManagerEmail string `json:"manager_email"`
	StartDate    string `json:"start_date"`
}

// maxBody is the largest request body the API reads.
const maxBody = 64 << 10

// readJSON decodes a request body into v, refusing unknown fields and anything after it.
func readJSON(w http.ResponseWriter, r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		return Errorf(http.StatusBadRequest, "Send the body as JSON, with Content-Type: application/json.")
	}
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		return Errorf(http.StatusBadRequest, "The body is larger than 64 KiB, or was cut short.")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return Errorf(http.StatusBadRequest, "The body is not the JSON expected: "+err.Error()+".")
	}
	if dec.More() {
		return Errorf(http.StatusBadRequest, "The body holds more than one JSON value.")
	}
	return nil
}

// CreatePerson adds a person, as the HR system's sync does for a new hire.
func CreatePerson(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	var in NewPerson
	if err := readJSON(w, r, &in); err != nil {
		return err
	}
	ctx := r.Context()
	p := store.Person{Name: strings.TrimSpace(in.Name), Email: strings.TrimSpace(in.Email), Title: strings.TrimSpace(in.Title), Status: store.Active}
	var created store.Person
	err := srv.Store().WithTx(ctx, func(tx *store.Store) error {
		var bad []FieldError
		if p.Name == "" {
			bad = append(bad, FieldError{"name", "Give a name."})
		} else if problem := store.TextProblem(p.Name, store.MaxName); problem != "" {
			bad = append(bad, FieldError{"name", "The name " + problem + "."})
		}
		if !store.ValidEmail(p.Email) {
			bad = append(bad, FieldError{"email", "Give an email address, such as ada@example.com."})
		} else if _, err := tx.PersonByEmail(ctx, p.Email); err == nil {
			bad = append(bad, FieldError{"email", "Someone already has this email address."})
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if problem := store.TextProblem(p.Title, store.MaxTitle); problem != "" {
			bad = append(bad, FieldError{"title", "The job title " + problem + "."})
		}
		start, err := time.Parse(time.DateOnly, strings.TrimSpace(in.StartDate))
		if err != nil {
			bad = append(bad, FieldError{"start_date", "Give the start date as YYYY-MM-DD."})
		}
		p.StartDate = start
		if m := strings.TrimSpace(in.ManagerEmail); m != "" {
			manager, err := tx.PersonByEmail(ctx, m)
			switch {
			case errors.Is(err, store.ErrNotFound):
				bad = append(bad, FieldError{"manager_email", "No one has the email " + m + "."})
			case err != nil:
				return err
			default:
				p.ManagerID = manager.ID
			}
		}
		if len(bad) > 0 {
			pr := Errorf(http.StatusUnprocessableEntity, "Some fields are invalid; nothing was saved.")
			pr.Errors = bad
			return pr
		}
		if created, err = tx.CreatePerson(ctx, p); err != nil {
			return err
		}
		return srv.Audit(tx, r, v, "person.create", created.ID, created.Email+", through the API")
	})
	if errors.Is(err, store.ErrConflict) {
		return Errorf(http.StatusConflict, "Someone already has this email address.")
	}
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/people/"+strconv.FormatInt(created.ID, 10))
	return Write(w, r, http.StatusCreated, personOf(created))
}

// PersonChange is the body that changes a person: only the fields it holds change.
type PersonChange struct {
	Name         *string `json:"name"`
	Email        *string `json:"email"`
	Title        *string `json:"title"`
	ManagerEmail *string `json:"manager_email"` // "" for no manager
	StartDate    *string `json:"start_date"`
	Status       *string `json:"status"`
}

// UpdatePerson changes the fields of a person the body holds, as the HR system's sync does
// for a new title, a new manager or someone who leaves (who is signed out at once).
func UpdatePerson(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	var in PersonChange
	if err := readJSON(w, r, &in); err != nil {
		return err
	}
	id, _ := web.PathID(r)
	var after store.Person
	// A change names only the fields it changes, so it applies as well to the person saved
	// by someone else a moment ago: a save that lost the race (ErrStale) is made again over
	// what they saved, a few times, rather than refused.
	var err error
	for range staleRetries {
		if err = updatePerson(srv, r, v, id, in, &after); !errors.Is(err, store.ErrStale) {
			break
		}
	}
	switch {
	case errors.Is(err, store.ErrNotFound):
		return ErrNotFound
	case errors.Is(err, store.ErrStale):
		return Errorf(http.StatusConflict, "Others changed this person while this change was being saved, again and again; nothing was saved. Send it again.")
	case errors.Is(err, store.ErrConflict):
		return Errorf(http.StatusConflict, "Someone else has this email address.")
	case err != nil:
		return err
	}
	return Write(w, r, http.StatusOK, personOf(after))
}

// staleRetries is how many times UpdatePerson tries a change that others' saves overtake.
const staleRetries = 3

// updatePerson applies the change in to the person as they are saved now, in a transaction.
func updatePerson(srv *web.Server, r *http.Request, v *policy.Viewer, id int64, in PersonChange, after *store.Person) error {
	ctx := r.Context()
	return srv.Store().WithTx(ctx, func(tx *store.Store) error {
		before, err := tx.Person(ctx, id)
		if err != nil {
			return err
		}
		p := before
		var bad []FieldError
		if in.Name != nil {
			if p.Name = strings.TrimSpace(*in.Name); p.Name == "" {
				bad = append(bad, FieldError{"name", "Give a name."})
			} else if problem := store.TextProblem(p.Name, store.MaxName); problem != "" {
				bad = append(bad, FieldError{"name", "The name " + problem + "."})
			}
		}
		if in.Email != nil {
			p.Email = strings.TrimSpace(*in.Email)
			if !store.ValidEmail(p.Email) {
				bad = append(bad, FieldError{"email", "Give an email address, such as ada@example.com."})
			} else if other, err := tx.PersonByEmail(ctx, p.Email); err == nil && other.ID != id {
				bad = append(bad, FieldError{"email", "Someone else has this email address."})
			} else if err != nil && !errors.Is(err, store.ErrNotFound) {
				return err
			}
		}
		if in.Title != nil {
			if p.Title = strings.TrimSpace(*in.Title); store.TextProblem(p.Title, store.MaxTitle) != "" {
				bad = append(bad, FieldError{"title", "The job title " + store.TextProblem(p.Title, store.MaxTitle) + "."})
			}
		}
		if in.StartDate != nil {
			if p.StartDate, err = time.Parse(time.DateOnly, strings.TrimSpace(*in.StartDate)); err != nil {
				bad = append(bad, FieldError{"start_date", "Give the start date as YYYY-MM-DD."})
			}
		}
		if in.Status != nil {
			if p.Status = store.Status(*in.Status); p.Status != store.Active && p.Status != store.Left {
				bad = append(bad, FieldError{"status", "Give active or left."})
			}
		}
		if in.ManagerEmail != nil {
			p.ManagerID = 0
			if m := strings.TrimSpace(*in.ManagerEmail); m != "" {
				manager, err := tx.PersonByEmail(ctx, m)
				switch {
				case errors.Is(err, store.ErrNotFound):
					bad = append(bad, FieldError{"manager_email", "No one has the email " + m + "."})
				case err != nil:
					return err
				case manager.ID == id:
					bad = append(bad, FieldError{"manager_email", "A person cannot be their own manager."})
				default:
					// Managing someone above you would make the chain a loop.
					if loop, err := tx.Manages(ctx, id, manager.ID); err != nil {
						return err
					} else if loop {
						bad = append(bad, FieldError{"manager_email", manager.Name + " reports to " + p.Name + ", so cannot be their manager."})
					}
					p.ManagerID = manager.ID
				}
			}
		}
		if len(bad) > 0 {
			pr := Errorf(http.StatusUnprocessableEntity, "Some fields are invalid; nothing was saved.")
			pr.Errors = bad
			return pr
		}
		if *after, err = tx.UpdatePerson(ctx, p); err != nil {
			return err
		}
		if before.Status == store.Active && after.Status == store.Left {
			// Someone who leaves is signed out at once, as from the person's page.
			if acct, err := access.AccountOfPerson(ctx, tx, id); err == nil {
				if _, err := access.DeleteSessionsOf(ctx, tx, acct.ID); err != nil {
					return err
				}
			} else if !errors.Is(err, store.ErrNotFound) {
				return err
			}
		}
		return srv.Audit(tx, r, v, "person.update", id, "through the API")
	})
}
