// Package assess holds the pages of assessment cycles: opening and closing a cycle, a
// person's self and manager assessment with evidence, the two side by side with the ladder's
// promotion guidance, and the reports over a cycle. A cycle reads its expectations from the
// framework it was opened on, never from the framework in use, so it reads the same after
// the framework's files change; what changed since is marked.
package assess

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"sync"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"

	"github.com/rungs/rungs/internal/app/web"
	"github.com/rungs/rungs/internal/guidance"
	"github.com/rungs/rungs/internal/ladder"
	"github.com/rungs/rungs/internal/site"
	"github.com/rungs/rungs/internal/store"
	storeassess "github.com/rungs/rungs/internal/store/assess"
)

// Version is the content hash a cycle is pinned to: the site's framework version, which a
// self-assessment file downloaded from the published site names too.
func Version(f *ladder.Framework) (string, []byte, error) {
	b, err := ladder.JSON(f)
	if err != nil {
		return "", nil, err
	}
	v, err := site.FrameworkVersion(f)
	return v, b, err
}

// snapshots keeps the frameworks cycles were opened on, decoded, by cycle and framework
// version: a cycle's snapshot never changes, and reading and decoding one for every page
// would cost more than the page (a side by side read the snapshot's hundreds of kilobytes
// and hashed them, a fifth of its time). It holds a few: there are few open cycles at a time.
var snapshots = newKept[snapshotKey, *ladder.Framework](16)

// snapshotKey names a cycle's snapshot: the cycle, and the version it was opened on (a
// database restored from a backup may have another cycle under the same id).
type snapshotKey struct {
	cycle   int64
	version string
}

// snapshot is the framework cycle c was opened on, from c.FrameworkJSON when it is not
// decoded yet.
func snapshot(c storeassess.Cycle) (*ladder.Framework, error) {
	if f := cachedSnapshot(c); f != nil {
		return f, nil
	}
	f := &ladder.Framework{}
	if err := json.Unmarshal(c.FrameworkJSON, f); err != nil {
		return nil, fmt.Errorf("cycle %d: framework snapshot: %w", c.ID, err)
	}
	snapshots.put(snapshotKey{c.ID, c.FrameworkVersion}, f)
	return f, nil
}

// cachedSnapshot is cycle c's framework if it is decoded already, or nil.
func cachedSnapshot(c storeassess.Cycle) *ladder.Framework {
	f, _ := snapshots.get(snapshotKey{c.ID, c.FrameworkVersion})
	return f
}

// loadCycle reads the {cycle} of the route and its framework; a cycle that is not there is
// not found. The snapshot is read from the database only when it is not decoded yet.
func loadCycle(srv *web.Server, r *http.Request) (storeassess.Cycle, *ladder.Framework, error) {
	return loadCycleWith(srv, r, nil)
}

// loadCycleWith is loadCycle, with the reads more adds (given the cycle's id) sent with the
// cycle's (see store.Reads).
func loadCycleWith(srv *web.Server, r *http.Request, more func(reads *store.Reads, cycle int64)) (storeassess.Cycle, *ladder.Framework, error) {
	id, err := strconv.ParseInt(r.PathValue("cycle"), 10, 64)
	if err != nil || id <= 0 {
		return storeassess.Cycle{}, nil, web.ErrNotFound
	}
	reads := srv.Store().Reads()
	var c storeassess.Cycle
	var found bool
	storeassess.ReadCycleHeader(reads, id, &c, &found)
	if more != nil {
		more(reads, id)
	}
	err = reads.Run(r.Context())
	return cycleRead(srv, r, id, c, found, err)
}

// cycleRead is the cycle id and its framework, as the read of its header found it (found,
// err); its snapshot is read from the database only when it is not decoded yet.
func cycleRead(srv *web.Server, r *http.Request, id int64, c storeassess.Cycle, found bool, err error) (storeassess.Cycle, *ladder.Framework, error) {
	if err == nil && !found {
		err = store.ErrNotFound
	}
	if err == nil {
		if f := cachedSnapshot(c); f != nil {
			return c, f, nil
		}
		c, err = storeassess.CycleByID(r.Context(), srv.Store(), id)
	}
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return storeassess.Cycle{}, nil, web.ErrNotFound
		}
		return storeassess.Cycle{}, nil, err
	}
	f, err := snapshot(c)
	return c, f, err
}

// item is one expectation a person is assessed on, from the cycle's framework.
type item struct {
	Key       string // level/id: the form fields' and the file's key
	Level     *ladder.Level
	Area      *ladder.Area
	ID        string
	Name      string // a trait's name
	Text      template.HTML
	Plain     string
	Next      bool   // of the next level
	Changed   string // what happened to it in the framework in use since the cycle opened
	LevelCode string
	fieldID   string // the key as it is written in form fields' ids
}

// group is the items of one area at one level, in the framework's order.
type group struct {
	Level *ladder.Level
	Area  *ladder.Area
	Next  bool
	Items []*item
}

// plan is what a person is assessed on in a cycle: their level's expectations for their
// track, and the next level's when the cycle asks about it.
type plan struct {
	Ladder *ladder.Ladder
	Level  *ladder.Level
	NextLv *ladder.Level
	Track  string
	Groups []*group
	Items  map[string]*item
	Order  []*item
	// Added are expectations the framework in use has at these levels that the cycle's
	// framework did not: new since the cycle opened, not asked about in it.
	Added []string
	// Guidance is the ladder as the promotion guidance reads it, and Scale the scale's
	// ratings: the same for everyone on the plan, made once rather than at every page.
	Guidance guidance.Ladder
	Scale    []string
}

// planKey names a plan: the same frameworks, place on the ladder and cycle setting make the
// same plan.
type planKey struct {
	f, now               *ladder.Framework
	ladder, level, track string
	next                 bool
}

// plans keeps the plans built, expectation texts rendered: a cycle's framework never changes
// and many people share a level, so a person's page need not render the texts again. When the
// framework in use is reloaded the plans on the old one are no longer asked for, and leave
// when the cache is full.
var plans = newKept[planKey, *plan](512)

// planFor is the plan of participant p in cycle c with framework f (the cycle's); now is the
// framework in use, to mark what changed since. Plans are shared: nobody may change one.
func planFor(c storeassess.Cycle, f, now *ladder.Framework, p storeassess.Participant) *plan {
	key := planKey{f: f, now: now, ladder: p.Ladder, level: p.Level, track: p.Track, next: c.IncludeNext}
	return plans.of(key, func() *plan { return buildPlan(c, f, now, p) })
}

// buildPlan builds the plan of participant p in cycle c with framework f, what changed since
// marked from now.
func buildPlan(c storeassess.Cycle, f, now *ladder.Framework, p storeassess.Participant) *plan {
	pl := &plan{Items: map[string]*item{}, Track: p.Track}
	l := f.Ladder(p.Ladder)
	if l == nil {
		return pl
	}
	pl.Ladder = l
	if l.Promotion != nil {
		pl.Guidance, pl.Scale = guidance.FromLadder(l), scaleIDs(f)
	}
	for i, lv := range l.Levels {
		if lv.ID == p.Level {
			pl.Level = lv
			if c.IncludeNext && i+1 < len(l.Levels) {
				pl.NextLv = l.Levels[i+1]
			}
		}
	}
	if pl.Level == nil {
		return pl
	}
	nowLadder := now.Ladder(p.Ladder)
	for _, lv := range []*ladder.Level{pl.Level, pl.NextLv} {
		if lv == nil {
			continue
		}
		var nowLevel *ladder.Level
		if nowLadder != nil {
			nowLevel = nowLadder.Level(lv.ID)
		}
		for _, a := range l.Areas() {
			la := lv.Area(a.ID)
			if la == nil {
				continue
			}
			g := &group{Level: lv, Area: a, Next: lv != pl.Level}
			for _, e := range la.Expectations {
				if e.Track != "" && e.Track != p.Track {
					continue
				}
				it := &item{Key: lv.ID + "/" + e.ID, Level: lv, Area: a, ID: e.ID, Name: e.Name, Plain: e.Text,
					Text: markdown(e.Text), Next: g.Next, LevelCode: lv.Code}
				it.Changed = changedSince(e, nowLevel)
				it.fieldID = fieldID(it.Key)
				g.Items = append(g.Items, it)
				pl.Items[it.Key] = it
				pl.Order = append(pl.Order, it)
			}
			if len(g.Items) > 0 {
				pl.Groups = append(pl.Groups, g)
			}
		}
		if nowLevel != nil {
			for _, la := range nowLevel.Areas {
				for _, e := range la.Expectations {
					if (e.Track == "" || e.Track == p.Track) && pl.Items[lv.ID+"/"+e.ID] == nil {
						pl.Added = append(pl.Added, lv.Title+": "+e.Text)
					}
				}
			}
		}
	}
	return pl
}

// changedSince says what the framework in use did to expectation e of a level since the
// cycle opened: "" when nothing.
func changedSince(e *ladder.Expectation, now *ladder.Level) string {
	if now == nil {
		return "The level is no longer in the framework."
	}
	for _, la := range now.Areas {
		for _, ne := range la.Expectations {
			if ne.ID == e.ID {
				if ne.Text != e.Text || ne.Name != e.Name {
					return "Reworded since: " + ne.Text
				}
				return ""
			}
		}
	}
	return "No longer expected at this level."
}

// md renders evidence and expectations: CommonMark with links found in plain text, and no
// raw HTML (goldmark leaves it out, and drops links to javascript: and the like).
var md = goldmark.New(goldmark.WithExtensions(extension.Linkify))

// evidenceCache keeps evidence rendered, by a hash of its text: the same evidence shows on
// every page of the person, and one person's often repeats from one expectation to the next.
// It keeps two generations, the one filling and the one before, so what is read often stays.
var evidenceCache = struct {
	sync.Mutex
	now, old map[[32]byte]template.HTML
}{now: map[[32]byte]template.HTML{}}

const maxEvidence = 4096

// evidence renders evidence text, from the cache when it was rendered before.
func evidence(s string) template.HTML {
	key := sha256.Sum256([]byte(s))
	evidenceCache.Lock()
	h, ok := evidenceCache.now[key]
	if !ok {
		if h, ok = evidenceCache.old[key]; ok {
			evidenceCache.now[key] = h
		}
	}
	evidenceCache.Unlock()
	if ok {
		return h
	}
	h = markdown(s)
	evidenceCache.Lock()
	if len(evidenceCache.now) >= maxEvidence {
		evidenceCache.old, evidenceCache.now = evidenceCache.now, make(map[[32]byte]template.HTML, maxEvidence)
	}
	evidenceCache.now[key] = h
	evidenceCache.Unlock()
	return h
}

// markdown renders Markdown text safely.
func markdown(s string) template.HTML {
	var b bytes.Buffer
	if err := md.Convert([]byte(s), &b); err != nil {
		return template.HTML(template.HTMLEscapeString(s))
	}
	return template.HTML(b.String()) //nolint:gosec // goldmark without WithUnsafe escapes raw HTML
}

// scaleIDs are the rating ids of the cycle's scale, lowest first.
func scaleIDs(f *ladder.Framework) []string {
	out := make([]string, len(f.Scale))
	for i, r := range f.Scale {
		out[i] = r.ID
	}
	return out
}

// scoreOf is a rating's position on the scale, -1 when it is not on it.
func scoreOf(f *ladder.Framework, rating string) int {
	for i, r := range f.Scale {
		if r.ID == rating {
			return i
		}
	}
	return -1
}

// labelOf is a rating's label on the scale.
func labelOf(f *ladder.Framework, rating string) string {
	for _, r := range f.Scale {
		if r.ID == rating {
			return r.Label
		}
	}
	return rating
}
