package changes

import (
	"strconv"
	"strings"
)

// entry is one member of a list the diff compares by id (a rating, an area, a crosswalk title):
// its id, its title, and its other values as name, value pairs.
type entry struct {
	id, title string
	fields    []string
}

// each maps a list to entries.
func each[T any](xs []T, f func(T) entry) []entry {
	out := make([]entry, 0, len(xs))
	for _, x := range xs {
		out = append(out, f(x))
	}
	return out
}

// keyed gives each entry a key that is unique even when an id repeats: the id and how many times
// it came before.
func keyed(es []entry) ([]string, map[string]entry) {
	seen := map[string]int{}
	keys := make([]string, len(es))
	byKey := make(map[string]entry, len(es))
	for i, e := range es {
		k := e.id + "\x00" + strconv.Itoa(seen[e.id])
		seen[e.id]++
		keys[i], byKey[k] = k, e
	}
	return keys, byKey
}

// items lists the entries removed, added and changed (in title or another value) from old to new.
func items(old, new []entry) []Item {
	oldKeys, oldBy := keyed(old)
	newKeys, newBy := keyed(new)
	var out []Item
	for _, k := range oldKeys {
		o := oldBy[k]
		n, ok := newBy[k]
		if !ok {
			out = append(out, Item{ID: o.id, Change: Removed, Old: o.title})
			continue
		}
		it := Item{ID: n.id, Change: Changed}
		if o.title != n.title {
			it.Old, it.New = o.title, n.title
		}
		// Both entries come from the same function, so their fields line up.
		for i := 0; i+1 < len(n.fields) && i+1 < len(o.fields); i += 2 {
			if a, b := o.fields[i+1], n.fields[i+1]; a != b {
				it.Fields = append(it.Fields, Field{Name: n.fields[i], Old: a, New: b})
			}
		}
		if it.Old != it.New || len(it.Fields) > 0 {
			out = append(out, it)
		}
	}
	for _, k := range newKeys {
		if _, ok := oldBy[k]; !ok {
			n := newBy[k]
			out = append(out, Item{ID: n.id, Change: Added, New: n.title})
		}
	}
	return out
}

// appendOrder adds an Order when the entries both lists hold come in a different order.
func appendOrder(orders []Order, what string, old, new []entry) []Order {
	oldKeys, _ := keyed(old)
	newKeys, _ := keyed(new)
	inOld, inNew := map[string]bool{}, map[string]bool{}
	for _, k := range oldKeys {
		inOld[k] = true
	}
	for _, k := range newKeys {
		inNew[k] = true
	}
	var a, b []string
	for _, k := range oldKeys {
		if inNew[k] {
			a = append(a, k)
		}
	}
	for _, k := range newKeys {
		if inOld[k] {
			b = append(b, k)
		}
	}
	if strings.Join(a, "\x01") == strings.Join(b, "\x01") {
		return orders
	}
	id := func(ks []string) []string {
		out := make([]string, len(ks))
		for i, k := range ks {
			out[i], _, _ = strings.Cut(k, "\x00")
		}
		return out
	}
	return append(orders, Order{What: what, Old: id(a), New: id(b)})
}
