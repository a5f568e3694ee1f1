package loadtest

import (
	"compress/gzip"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// A Page scenario asks for gzip when told, counts the bytes as sent, and takes a 404 for an
// error. Each request is made once, directly: no timing decides what the test sees.
func TestFetch(t *testing.T) {
	t.Parallel()
	page := strings.Repeat("level ", 100)
	var gzipped atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/level/" {
			http.NotFound(w, r)
			return
		}
		if r.Header.Get("Accept-Encoding") == "gzip" {
			gzipped.Add(1)
			w.Header().Set("Content-Encoding", "gzip")
			zw := gzip.NewWriter(w)
			zw.Write([]byte(page))
			zw.Close()
			return
		}
		w.Write([]byte(page))
	}))
	defer srv.Close()
	c := NewClient(srv.URL, 1)
	ctx := context.Background()

	var plain atomic.Int64
	if err := Fetch("level", "/level/", false, &plain).Do(ctx, c); err != nil {
		t.Fatal(err)
	}
	if plain.Load() != int64(len(page)) || gzipped.Load() != 0 {
		t.Errorf("plain: %d bytes counted, %d gzip requests; want %d and 0", plain.Load(), gzipped.Load(), len(page))
	}

	var zipped atomic.Int64
	if err := Fetch("level", "/level/", true, &zipped).Do(ctx, c); err != nil {
		t.Fatal(err)
	}
	if gzipped.Load() != 1 || zipped.Load() == 0 || zipped.Load() >= int64(len(page)) {
		t.Errorf("gzip: %d gzip requests, %d bytes counted; want 1, and the compressed size as sent", gzipped.Load(), zipped.Load())
	}

	var missing atomic.Int64
	if err := Fetch("missing", "/missing/", false, &missing).Do(ctx, c); err == nil || !strings.Contains(err.Error(), "status 404") {
		t.Errorf("a page answering 404: %v", err)
	}
}

func TestServed(t *testing.T) {
	t.Parallel()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) >= 3 {
			w.Write([]byte("<p>new text</p>"))
			return
		}
		w.Write([]byte("<p>old text</p>"))
	}))
	defer srv.Close()
	if _, err := Served(context.Background(), srv.URL, "new text", time.Now(), time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if n.Load() < 3 {
		t.Errorf("served after %d requests", n.Load())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	if _, err := Served(ctx, srv.URL, "never", time.Now(), time.Millisecond); err == nil {
		t.Error("never served, but no error")
	}
}
