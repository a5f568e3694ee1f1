package assess

import "testing"

// kept makes an entry once and gives it back after, and is emptied when full rather than
// growing past its size.
func TestKept(t *testing.T) {
	k := newKept[string, int](2)
	built := 0
	build := func(v int) func() int { return func() int { built++; return v } }
	if v := k.of("a", build(1)); v != 1 || built != 1 {
		t.Fatalf("first: %d after %d builds", v, built)
	}
	if v := k.of("a", build(9)); v != 1 || built != 1 {
		t.Errorf("again: %d after %d builds, want the kept 1 and no build", v, built)
	}
	k.put("b", 2)
	if v, ok := k.get("b"); !ok || v != 2 {
		t.Errorf("get b: %d, %v", v, ok)
	}
	k.put("c", 3) // full at two: emptied, then c kept
	if _, ok := k.get("a"); ok {
		t.Error("a still kept after the third entry, past the size of two")
	}
	if v, ok := k.get("c"); !ok || v != 3 || len(k.m) != 1 {
		t.Errorf("c: %d, %v, %d entries", v, ok, len(k.m))
	}
}
