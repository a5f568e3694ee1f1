package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/rungs/rungs/internal/fsutil"
)

// ImportRow is one person of an import: matched to an existing person by email (case-insensitive),
// created otherwise. ManagerEmail names the manager, in the same import or already stored; "" for none.
type ImportRow struct {
	Person       Person // Name, Email, Title, StartDate, Status; ID/level fields ignored
	ManagerEmail string
	// Ladder and Level, when both are set (with Track, on a ladder that has tracks), give a NEW person
	// their first level: a level_history row with reason hire, dated StartDate, MadeBy = the importer.
	// Ignored for an existing person (the caller has already checked it agrees).
	Ladder, Track, Level string
}

// ImportResult says how many people an import created and how many existing people it
// changed; an existing person it left as they were is in neither count.
type ImportResult struct{ Created, Updated int }

// importBatch is how many rows one statement of an import writes. Far below both databases'
// caps on parameters (PostgreSQL 65535, SQLite 32766), while big enough that the cost of a
// statement is spread thin.
const importBatch = 500

// ImportWait is how long, while an import is running on an SQLite database (in any rungs
// process), the app's writes wait for the database's write lock, in place of the busy timeout:
// the import holds the lock for as long as it writes (tens of seconds for 100,000 people on a
// busy machine), and a save made meanwhile waits for it rather than failing. It stays below
// the server's two-minute limit on writing an answer.
const ImportWait = 90 * time.Second

// WithImport runs fn as an import's transaction, after LockImports. On SQLite the import is
// announced for as long as it runs, with a shared lock on the file <database>-import (released
// by the system however the process ends), so that the writes of every rungs process on the
// database wait for it up to ImportWait (see writeGate).
func (s *Store) WithImport(ctx context.Context, fn func(tx *Store) error) error {
	if s.gate != nil && s.gate.importFile != "" {
		f, err := os.OpenFile(s.gate.importFile, os.O_RDWR|os.O_CREATE, 0o600)
		if err != nil {
			return fmt.Errorf("announce the import: %w", err)
		}
		defer f.Close() // and the lock with it
		if err := fsutil.LockShared(f); err != nil && !errors.Is(err, errors.ErrUnsupported) {
			return fmt.Errorf("announce the import: %w", err)
		}
	}
	return s.WithTx(ctx, func(tx *Store) error {
		if err := tx.LockImports(ctx); err != nil {
			return err
		}
		return fn(tx)
	})
}

// LockImports makes imports take turns: an import calls it first in its transaction, before
// it reads the people it checks its file against, so that the check and the write see the
// same people, and two imports at once never mix. The later one waits here until the
// earlier one has committed or rolled back, then reads what it left.
func (s *Store) LockImports(ctx context.Context) error {
	if !s.inTx {
		return errors.New("lock imports: called outside a transaction, where the lock would end at once")
	}
	if lock := s.d.lockImports(); lock != "" {
		if _, err := s.exec(ctx, lock); err != nil {
			return s.fail(err, "wait for another import to end")
		}
	}
	return nil
}

// ImportPeople writes rows in one transaction: all of them or, on any error, none. The caller has
// validated them (unknown managers, cycles, duplicates), in the same transaction after
// LockImports; the database still enforces what it can, and ImportPeople takes the lock
// itself for a caller that did not. Two rows with one email and a manager that is neither
// imported nor stored are refused before anything is written.
func (s *Store) ImportPeople(ctx context.Context, rows []ImportRow, madeBy int64) (ImportResult, error) {
	// Normalised copies, so that the caller's rows are left as they were.
	people := make([]Person, len(rows))
	keys := make([]string, len(rows))   // lower-case email
	bosses := make([]string, len(rows)) // lower-case manager email
	row := make(map[string]int, len(rows))
	for i, r := range rows {
		p := r.Person
		p.ID, p.ManagerID = 0, 0
		if err := p.validate(); err != nil {
			return ImportResult{}, fmt.Errorf("import people: row %d: %w", i+1, err)
		}
		p.Ladder, p.Track, p.Level = strings.TrimSpace(r.Ladder), strings.TrimSpace(r.Track), strings.TrimSpace(r.Level)
		if p.Ladder == "" || p.Level == "" {
			p.Ladder, p.Track, p.Level = "", "", ""
		}
		people[i], keys[i], bosses[i] = p, strings.ToLower(p.Email), strings.ToLower(strings.TrimSpace(r.ManagerEmail))
		if j, dup := row[keys[i]]; dup {
			return ImportResult{}, fmt.Errorf("import people: rows %d and %d both have email %s: %w", j+1, i+1, p.Email, ErrConflict)
		}
		row[keys[i]] = i
	}
	var result ImportResult
	err := s.WithTx(ctx, func(tx *Store) error {
		// Taken again by a caller that has it already: PostgreSQL counts it, and it is
		// released with the transaction.
		if err := tx.LockImports(ctx); err != nil {
			return err
		}
		stored, err := tx.peopleByEmail(ctx)
		if err != nil {
			return err
		}
		ids := make(map[string]int64, len(stored)+len(rows)) // lower-case email to id, new people too
		for k, p := range stored {
			ids[k] = p.ID
		}
		var fresh, known []int // indexes of rows to create and of rows of stored people
		for i, k := range keys {
			if id, ok := ids[k]; ok {
				people[i].ID = id
				known = append(known, i)
			} else {
				fresh = append(fresh, i)
			}
			if b := bosses[i]; b != "" {
				_, inDB := ids[b]
				_, imported := row[b]
				if !inDB && !imported {
					return fmt.Errorf("row %d: manager %s is neither imported nor stored: %w", i+1, b, ErrNotFound)
				}
			}
		}
		now := tx.now()
		managerOf := func(i int) int64 { return ids[bosses[i]] } // 0 for none, or for a manager not written yet
		// New people go in managers first, with their managers' ids known: that saves a second
		// pass to set managers, whose foreign key checks cost more than the inserts. Only new
		// people whose new managers form a cycle (which the caller should have refused) are left
		// for a second pass, that the database may refuse.
		var levelled []int
		for _, i := range fresh {
			if people[i].Level != "" {
				levelled = append(levelled, i)
			}
		}
		// Progress counts rows: each new person, each stored one compared (and written if
		// changed), each first level.
		report, done, total := progressOf(ctx), 0, len(fresh)+len(known)+len(levelled)
		wrote := func(n int) {
			if n > 0 {
				done += n
				report(done, total)
			}
		}
		generations, rest := managersFirst(fresh, bosses, row, ids)
		for _, gen := range append(generations, rest) {
			for batch := range slices.Chunk(gen, importBatch) {
				if err := tx.insertPeople(ctx, people, batch, managerOf, ids, now); err != nil {
					return err
				}
				wrote(len(batch))
			}
		}
		for _, i := range fresh {
			people[i].ID = ids[keys[i]]
		}
		for batch := range slices.Chunk(rest, importBatch) {
			if err := tx.setManagers(ctx, people, batch, managerOf); err != nil {
				return err
			}
		}
		// Only the people who change are written: rewriting a row costs a lot more than
		// comparing it, and a repeated import changes few.
		var changed []int
		for _, i := range known {
			if p, old := people[i], stored[keys[i]]; p.Name != old.Name || p.Email != old.Email || p.Title != old.Title ||
				managerOf(i) != old.ManagerID || !p.StartDate.Equal(old.StartDate) || p.Status != old.Status {
				changed = append(changed, i)
			}
		}
		for batch := range slices.Chunk(changed, importBatch) {
			if err := tx.updatePeople(ctx, people, batch, managerOf, now); err != nil {
				return err
			}
			wrote(len(batch))
		}
		wrote(len(known) - len(changed))
		// The reporting chain: walked again for new people and for people with a new
		// manager (and everyone below them); names and statuses copied for the others.
		var moved, renamed []int64
		for _, i := range fresh {
			moved = append(moved, people[i].ID)
		}
		for _, i := range changed {
			if p, old := people[i], stored[keys[i]]; managerOf(i) != old.ManagerID {
				moved = append(moved, p.ID)
			} else if p.Name != old.Name || p.Status != old.Status {
				renamed = append(renamed, p.ID)
			}
		}
		if err := tx.rechain(ctx, moved); err != nil {
			return err
		}
		if err := tx.recopy(ctx, renamed); err != nil {
			return err
		}
		for batch := range slices.Chunk(levelled, importBatch) {
			if err := tx.insertHires(ctx, people, batch, madeBy, now); err != nil {
				return err
			}
			wrote(len(batch))
		}
		if len(changed) > 0 {
			if err := tx.expireLinksOfLeavers(ctx); err != nil {
				return err
			}
		}
		result = ImportResult{Created: len(fresh), Updated: len(changed)}
		tx.wroteMany(len(fresh) + len(changed))
		return nil
	})
	if err != nil {
		return ImportResult{}, s.fail(err, "import people")
	}
	return result, nil
}

// Progress is told, as a long write or export goes on, how much of it is done: done of total
// units, or done alone when total is 0 (not known ahead). It is called on the working
// goroutine (inside the transaction of a write), so it must be quick.
type Progress func(done, total int)

type progressKey struct{}

// WithProgress returns ctx carrying p, which ImportPeople calls as it writes (and the CSV
// exports as they write rows). A context
// rather than a parameter: progress is what a terminal or a page shows, not part of the
// write.
func WithProgress(ctx context.Context, p Progress) context.Context {
	return context.WithValue(ctx, progressKey{}, p)
}

// ProgressOf is ctx's Progress (see WithProgress), or one that does nothing: for exports
// outside the store that report the rows they write.
func ProgressOf(ctx context.Context) Progress { return progressOf(ctx) }

// progressOf is ctx's Progress, or one that does nothing.
func progressOf(ctx context.Context) Progress {
	if p, ok := ctx.Value(progressKey{}).(Progress); ok && p != nil {
		return p
	}
	return func(int, int) {}
}

// managersFirst orders the new people (fresh, indexes of rows) in generations: the first has
// those without a manager or whose manager is stored already, each next one the reports of
// the one before. The rest are the new people that this leaves out: those whose new managers
// form a cycle, and their reports.
func managersFirst(fresh []int, bosses []string, row map[string]int, stored map[string]int64) (generations [][]int, rest []int) {
	reports := map[int][]int{}
	var gen []int
	for _, i := range fresh {
		b := bosses[i]
		if _, ok := stored[b]; b == "" || ok {
			gen = append(gen, i)
		} else {
			reports[row[b]] = append(reports[row[b]], i)
		}
	}
	for len(gen) > 0 {
		generations = append(generations, gen)
		var next []int
		for _, i := range gen {
			next = append(next, reports[i]...)
			delete(reports, i)
		}
		gen = next
	}
	for _, r := range reports {
		rest = append(rest, r...)
	}
	slices.Sort(rest) // in the order of the rows, not of the map
	return generations, rest
}

// values is a VALUES list of n rows, each spelled row.
func values(row string, n int) string {
	return strings.TrimSuffix(strings.Repeat(row+", ", n), ", ")
}

// peopleByEmail maps every stored person's lower-case email to them. Lower-cased in Go, like
// the import's emails, so that both sides of the match are folded alike.
func (s *Store) peopleByEmail(ctx context.Context) (map[string]Person, error) {
	people := map[string]Person{}
	err := each(ctx, s, "people", scanPeople(), func(p Person) error {
		people[strings.ToLower(p.Email)] = p
		return nil
	}, `SELECT `+s.d.personColumns("")+` FROM people`)
	return people, err
}

// insertPeople creates the people of batch, levelled when their row says so, and adds their
// ids to ids. RETURNING gives no promise of order, so the ids are matched by email.
func (s *Store) insertPeople(ctx context.Context, people []Person, batch []int, managerOf func(int) int64, ids map[string]int64, now time.Time) error {
	args := make([]any, 0, len(batch)*12)
	for _, i := range batch {
		p := people[i]
		// A levelled person's level is theirs since their start date, the date of the hire
		// row insertHires writes (levelSinceOfRow).
		var since sql.NullTime
		if p.Level != "" {
			since = nullTime(p.StartDate)
		}
		args = append(args, p.Name, p.Email, p.Title, nullID(managerOf(i)), p.Ladder, p.Track, p.Level, p.StartDate, since, string(p.Status), now, now)
	}
	rows, err := s.writeQuery(ctx, `
		INSERT INTO people (name, email, title, manager_id, ladder, track, level, start_date, level_since, status, created_at, updated_at)
		VALUES `+values("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", len(batch))+`
		RETURNING id, email`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var email string
		if err := rows.Scan(&id, &email); err != nil {
			return err
		}
		ids[strings.ToLower(email)] = id
	}
	return rows.Err()
}

// updatePeople saves the batch's existing people, managers included: by now every id is known.
func (s *Store) updatePeople(ctx context.Context, people []Person, batch []int, managerOf func(int) int64, now time.Time) error {
	args := make([]any, 0, len(batch)*7+1)
	for _, i := range batch {
		p := people[i]
		args = append(args, p.ID, p.Name, p.Email, p.Title, nullID(managerOf(i)), p.StartDate, string(p.Status))
	}
	_, err := s.exec(ctx, `
		WITH v (id, name, email, title, manager_id, start_date, status) AS (
			VALUES `+values("(CAST(? AS BIGINT), ?, ?, ?, CAST(? AS BIGINT), "+s.d.dateParam()+", ?)", len(batch))+`
		)
		UPDATE people SET name = v.name, email = v.email, title = v.title, manager_id = v.manager_id,
			start_date = v.start_date, status = v.status, updated_at = ?, version = people.version + 1
		FROM v WHERE people.id = v.id`, append(args, now)...)
	return err
}

// setManagers gives the batch's new people their managers, for those insertPeople could not.
func (s *Store) setManagers(ctx context.Context, people []Person, batch []int, managerOf func(int) int64) error {
	args := make([]any, 0, len(batch)*2)
	for _, i := range batch {
		args = append(args, people[i].ID, managerOf(i))
	}
	_, err := s.exec(ctx, `
		WITH v (id, manager_id) AS (VALUES `+values("(CAST(? AS BIGINT), CAST(? AS BIGINT))", len(batch))+`)
		UPDATE people SET manager_id = v.manager_id FROM v WHERE people.id = v.id`, args...)
	return err
}

// insertHires writes the first level_history row of the batch's new people, whose current
// level insertPeople already set: the two agree when the transaction commits.
func (s *Store) insertHires(ctx context.Context, people []Person, batch []int, madeBy int64, now time.Time) error {
	args := make([]any, 0, len(batch)*7)
	for _, i := range batch {
		p := people[i]
		args = append(args, p.ID, p.Level, p.Ladder, p.Track, p.StartDate, nullID(madeBy), now)
	}
	_, err := s.exec(ctx, `
		INSERT INTO level_history (person_id, from_level, to_level, ladder, track, date, reason, note, made_by, created_at)
		VALUES `+values("(?, '', ?, ?, ?, ?, 'hire', '', ?, ?)", len(batch)), args...)
	return err
}

// Upload is a file kept between an import's preview and its apply (see 0008_import_uploads).
type Upload struct {
	Name    string
	Content []byte
}

// UploadLifetime is how long a previewed file waits for its apply.
const UploadLifetime = time.Hour

// SaveUpload keeps u for account and returns the key that names it, for the preview's form.
// Uploads whose time has passed are removed first, so the table holds only those waiting.
func (s *Store) SaveUpload(ctx context.Context, account int64, u Upload) (string, error) {
	key, err := NewToken()
	if err != nil {
		return "", fmt.Errorf("save upload: %w", err)
	}
	now := s.now()
	err = s.WithTx(ctx, func(tx *Store) error {
		if _, err := tx.exec(ctx, `DELETE FROM import_uploads WHERE expires_at <= ?`, now); err != nil {
			return err
		}
		_, err := tx.exec(ctx, `INSERT INTO import_uploads (key_hash, account_id, file_name, content, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?)`, TokenHash(key), account, u.Name, u.Content, now, now.Add(UploadLifetime))
		return err
	})
	if err != nil {
		return "", s.fail(err, "save upload")
	}
	return key, nil
}

// TakeUpload returns account's upload named key and removes it: it is applied once. There is
// none (ErrNotFound) once it was taken, when its time has passed, or when it is another
// account's. Taken in the transaction of the import, a failed import keeps it.
func (s *Store) TakeUpload(ctx context.Context, account int64, key string) (Upload, error) {
	var u Upload
	err := s.writeRow(ctx, `DELETE FROM import_uploads WHERE key_hash = ? AND account_id = ? AND expires_at > ?
		RETURNING file_name, content`, TokenHash(key), account, s.now()).Scan(&u.Name, &u.Content)
	if err != nil {
		// Never the key in a message.
		return Upload{}, s.fail(err, "take upload")
	}
	return u, nil
}
