package changes

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/rungs/rungs/internal/ladder"
)

// notCompared are the fields of the model the diff leaves out on purpose: where a file is
// (it follows from the ids) and where a bullet starts (for messages). Every other field, including
// any added later, must be compared: TestCompareSeesEveryField fails until it is.
var notCompared = map[string]bool{
	"Ladder.Path": true, "Level.Path": true, "Page.Path": true, "Expectation.Line": true,
}

// filler sets every empty value it reaches: strings to distinct words, numbers to distinct
// numbers, pointers to filled values and lists to two distinct filled entries. A framework filled
// this way has a value in every field the model has, today's and tomorrow's.
type filler struct{ n int }

func (f *filler) fill(v reflect.Value) {
	switch v.Kind() {
	case reflect.Struct:
		for i := range v.NumField() {
			f.fill(v.Field(i))
		}
	case reflect.Pointer:
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		f.fill(v.Elem())
	case reflect.Slice:
		if v.Len() == 0 {
			v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		}
		for i := range v.Len() {
			f.fill(v.Index(i))
		}
	case reflect.String:
		if v.String() == "" {
			f.n++
			v.SetString(fmt.Sprintf("v%d", f.n))
		}
	case reflect.Int:
		if v.Int() == 0 {
			f.n++
			v.SetInt(int64(f.n))
		}
	case reflect.Float64:
		if v.Float() == 0 {
			f.n++
			v.SetFloat(float64(f.n))
		}
	case reflect.Bool:
		v.SetBool(true)
	default:
		panic("filler: the model has a field of kind " + v.Kind().String() + "; teach the test to fill it")
	}
}

// clone copies a value deeply, so a change to the copy leaves the original as it was.
func clone(v reflect.Value) reflect.Value {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return reflect.Zero(v.Type())
		}
		c := reflect.New(v.Type().Elem())
		c.Elem().Set(clone(v.Elem()))
		return c
	case reflect.Struct:
		c := reflect.New(v.Type()).Elem()
		for i := range v.NumField() {
			c.Field(i).Set(clone(v.Field(i)))
		}
		return c
	case reflect.Slice:
		if v.IsNil() {
			return reflect.Zero(v.Type())
		}
		c := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := range v.Len() {
			c.Index(i).Set(clone(v.Index(i)))
		}
		return c
	}
	return v
}

func cloneFramework(f *ladder.Framework) *ladder.Framework {
	return clone(reflect.ValueOf(f)).Interface().(*ladder.Framework)
}

// visitor walks a value and calls change with a description and a function that changes one
// thing: a string, number or flag, a pointer set to nil, a list's first entry removed, its first
// two entries swapped. Walking a copy with the same visitor reaches the same places in the same
// order, so the k-th change can be made on a fresh copy each time.
type visitor struct {
	change func(what string, do func())
}

func (w *visitor) walk(v reflect.Value, path string) {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return
		}
		// An optional value (a pointer field) may go; an entry of a list is never nil.
		if !strings.HasSuffix(path, "]") {
			w.change(path+" set to nil", func() { v.Set(reflect.Zero(v.Type())) })
		}
		if !v.IsNil() {
			w.walk(v.Elem(), path)
		}
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			if notCompared[t.Name()+"."+t.Field(i).Name] {
				continue
			}
			w.walk(v.Field(i), path+"."+t.Field(i).Name)
		}
	case reflect.Slice:
		if v.Len() > 0 {
			w.change(path+": first removed", func() { v.Set(reflect.AppendSlice(v.Slice(0, 0), v.Slice(1, v.Len()))) })
		}
		if v.Len() > 1 {
			w.change(path+": first two swapped", func() {
				a, b := clone(v.Index(0)), clone(v.Index(1))
				v.Index(0).Set(b)
				v.Index(1).Set(a)
			})
		}
		for i := range v.Len() {
			w.walk(v.Index(i), fmt.Sprintf("%s[%d]", path, i))
		}
	case reflect.String:
		w.change(path+" edited", func() { v.SetString(v.String() + "x") })
	case reflect.Int:
		w.change(path+" edited", func() { v.SetInt(v.Int() + 1) })
	case reflect.Float64:
		w.change(path+" edited", func() { v.SetFloat(v.Float() + 0.5) })
	case reflect.Bool:
		w.change(path+" flipped", func() { v.SetBool(!v.Bool()) })
	default:
		panic("visitor: the model has a field of kind " + v.Kind().String() + "; teach the test to change it")
	}
}

// TestCompareSeesEveryField changes every field of the model, one at a time, and expects the
// diff to report it (in both directions). A field added to the model without diff support fails
// here, naming the field.
func TestCompareSeesEveryField(t *testing.T) {
	base := &ladder.Framework{}
	(&filler{}).fill(reflect.ValueOf(base).Elem())
	if d := Compare(base, cloneFramework(base)); !d.Empty() {
		t.Fatalf("a framework compared with its copy differs: %+v", d)
	}
	changes := 0
	for k := 0; ; k++ {
		changed := cloneFramework(base)
		what := ""
		n := 0
		(&visitor{change: func(w string, do func()) {
			if n == k {
				what = w
				do()
			}
			n++
		}}).walk(reflect.ValueOf(changed).Elem(), "Framework")
		if what == "" {
			break
		}
		changes++
		if Compare(base, changed).Empty() {
			t.Errorf("%s: the diff reports no change", what)
		}
		if Compare(changed, base).Empty() {
			t.Errorf("%s: the diff back reports no change", what)
		}
	}
	if changes < 100 {
		t.Fatalf("made only %d changes; the walk is broken", changes)
	}
	t.Logf("made %d changes", changes)
}

// TestRenderShowsEveryKind renders a diff with every kind of change and expects each in the text
// and the Markdown.
func TestRenderShowsEveryKind(t *testing.T) {
	old := minimal(t)
	new := cloneFramework(old)
	new.Scale[0].Description = "Has not shown this at all yet."
	new.Crosswalk = append(new.Crosswalk, ladder.TitleMatch{Title: "SDE II", Ladder: "engineering", Level: "senior", Note: "Common at large companies."})
	ld := new.Ladders[0]
	ld.Groups[0].Areas[1].From = "senior"
	ld.Equivalences = append(ld.Equivalences, ladder.Equivalence{Level: "staff", Equals: ladder.LevelRef{Ladder: "design", Level: "lead"}})
	seventy := 70.0
	lv := ld.Level("senior")
	lv.Tenure.Approx = true
	lv.TimeSplit[0], lv.TimeSplit[1] = lv.TimeSplit[1], lv.TimeSplit[0]
	lv.TimeSplit[1].Range.Max = &seventy
	lv.IndicatorNotes = "A guide, not a rule."
	es := lv.Areas[0].Expectations
	es[0], es[1] = es[1], es[0]
	new.Pages[0], new.Pages = nil, new.Pages[1:]

	d := Compare(old, new)
	var text strings.Builder
	WriteText(&text, d, false)
	md := Markdown(d)
	for _, want := range []string{
		"~ rating not-yet\n    description: ",
		"+ title SDE II -> engineering/senior (SDE II)\n",
		"  ~ area collaboration\n      starts at: (none) -> \"senior\"\n",
		"  + equivalence staff = design/lead\n",
		"      indicator notes: (none) -> \"A guide, not a rule.\"\n",
		"      tenure: \"3-5\" -> \"~3-5\"\n",
		"      time split craft: \"60-75\" -> \"60-70\"\n",
		"      time split reordered: craft, collaboration -> collaboration, craft\n",
		"      expectations in craft reordered: ",
		"- page introduction (Introduction)\n",
	} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, text.String())
		}
	}
	for _, want := range []string{
		"- Rating not-yet changed\n  - Description: ",
		"- Area collaboration changed\n  - Starts at: (none) → “senior”",
		"- Indicator notes: (none) → “A guide, not a rule.”",
		"- Expectations in craft reordered: ",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
}
