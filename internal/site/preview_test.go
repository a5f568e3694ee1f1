package site

import (
	"bufio"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// The preview holds at most MaxStreams event streams; past that it answers 503 at once, and a
// stream that ends frees its place.
func TestPreviewCapsStreams(t *testing.T) {
	t.Parallel()
	_, s := bundled(t, "minimal")
	h, err := NewHandler(s, "")
	if err != nil {
		t.Fatal(err)
	}
	p := NewPreview(PreviewOptions{Live: true, MaxStreams: 2})
	p.Update(h)
	srv := httptest.NewServer(p)
	defer srv.Close()
	defer p.Close()
	open := func() (*http.Response, context.CancelFunc) {
		ctx, cancel := context.WithCancel(context.Background())
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/_rungs/events", nil)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		if res.StatusCode == http.StatusOK {
			// The first event: the stream is open and counted.
			if line, _ := bufio.NewReader(res.Body).ReadString('\n'); !strings.HasPrefix(line, "data: ") {
				t.Fatalf("first line %q", line)
			}
		}
		return res, cancel
	}
	_, cancel1 := open()
	_, cancel2 := open()
	third, cancel3 := open()
	cancel3()
	if third.StatusCode != http.StatusServiceUnavailable || third.Header.Get("Retry-After") == "" {
		t.Fatalf("a third stream: status %d, want 503 with Retry-After", third.StatusCode)
	}
	cancel1()
	// The first stream's handler returns once it sees the client gone; until then the
	// place is taken, so try until it is free (each try is answered at once).
	for {
		res, cancel := open()
		cancel()
		if res.StatusCode == http.StatusOK {
			break
		}
	}
	cancel2()
}

// Without Live there is no event stream and no live script, and a framework that never
// rendered shows visitors no details.
func TestPreviewNotLive(t *testing.T) {
	t.Parallel()
	p := NewPreview(PreviewOptions{})
	p.Fail([]string{"ladders/x.md:1:1: error: secret detail"})
	for _, path := range []string{"/", "/_rungs/events", "/_rungs/live.js"} {
		rec := httptest.NewRecorder()
		p.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Code != http.StatusServiceUnavailable || strings.Contains(rec.Body.String(), "secret detail") {
			t.Errorf("%s: status %d, body %q", path, rec.Code, rec.Body.String())
		}
		if rec.Header().Get("Content-Security-Policy") != ContentSecurityPolicy {
			t.Errorf("%s: no Content-Security-Policy", path)
		}
	}
}
