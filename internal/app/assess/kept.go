package assess

import "sync"

// kept holds what pages make once and read many times, from many requests at once (a
// cycle's decoded framework, a level's plan, a radar's frame), up to most entries: when it is
// full it is emptied, and what is still asked for is made again. What it holds is shared, so
// nobody may change it.
type kept[K comparable, V any] struct {
	mu   sync.Mutex
	m    map[K]V
	most int
}

func newKept[K comparable, V any](most int) *kept[K, V] {
	return &kept[K, V]{m: map[K]V{}, most: most}
}

// get is the entry of key, and whether there is one.
func (k *kept[K, V]) get(key K) (V, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	v, ok := k.m[key]
	return v, ok
}

// put keeps v as key's entry.
func (k *kept[K, V]) put(key K, v V) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if len(k.m) >= k.most {
		clear(k.m)
	}
	k.m[key] = v
}

// of is key's entry, made by build and kept when there is none. The lock is not held while
// build runs: two requests may build the same entry at once, and the second one's is kept.
func (k *kept[K, V]) of(key K, build func() V) V {
	if v, ok := k.get(key); ok {
		return v
	}
	v := build()
	k.put(key, v)
	return v
}
