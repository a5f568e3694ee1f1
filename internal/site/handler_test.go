package site

import (
	"compress/gzip"
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/rungs/rungs/frameworks"
	"github.com/rungs/rungs/internal/ladder"
)

// TestHandlerReusing: after an edit the new handler keeps what the old one worked out for the
// pages the edit did not touch, and serves the touched ones afresh.
func TestHandlerReusing(t *testing.T) {
	t.Parallel()
	fsys, _ := frameworks.FS("minimal")
	old, _, _ := ladder.Load(fsys)
	s1, err := Render(old, fsys, Options{})
	if err != nil {
		t.Fatal(err)
	}
	h1, _ := NewHandler(s1, "")
	get := func(h *Handler, path string) (string, string) {
		req := httptest.NewRequest("GET", path, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		zr, err := gzip.NewReader(w.Body)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		b, _ := io.ReadAll(zr)
		return w.Header().Get("ETag"), string(b)
	}
	const kept, edited = "/pages/introduction/", "/ladders/engineering/senior/"
	tag1, _ := get(h1, kept)
	edTag1, _ := get(h1, edited)

	f, _, _ := ladder.Load(fsys)
	e := f.Ladder("engineering").Level("senior").Areas[0].Expectations[0]
	e.Text = "Plans that the whole team can pick up."
	s2, _, err := Rerender(s1, old, f, fsys, Options{})
	if err != nil {
		t.Fatal(err)
	}
	h2, _ := NewHandlerReusing(h1, s2, "")
	if v1, _ := h1.cache.Load(s1.Files["pages/introduction/index.html"]); v1 == nil {
		t.Fatal("the first handler kept nothing for the page it served")
	} else if v2, _ := h2.cache.Load(s2.Files["pages/introduction/index.html"]); v2 != v1 {
		t.Error("the untouched page is worked out again")
	}
	if tag2, _ := get(h2, kept); tag2 != tag1 {
		t.Errorf("the untouched page's ETag changed: %s -> %s", tag1, tag2)
	}
	edTag2, body := get(h2, edited)
	if edTag2 == edTag1 || !strings.Contains(body, e.Text) {
		t.Errorf("the edited page is served as it was (ETag %s -> %s)", edTag1, edTag2)
	}
}
