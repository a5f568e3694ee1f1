package loadtest

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"time"
)

// The measurements of scripts/bench-serve: one page fetched again and again, from rungs serve
// and from a plain static file server, and how soon after an edit rungs serve serves it.

// Fetch is a Scenario that fetches path, asking for a gzipped answer when gzip is set, and reads
// the whole answer as sent, adding its length to bytes. Any answer but 200 is an error.
func Fetch(name, path string, gzip bool, bytes *atomic.Int64) Scenario {
	return Scenario{Name: name, Weight: 1, Do: func(ctx context.Context, c *Client) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.Base+path, nil)
		if err != nil {
			return err
		}
		if gzip {
			req.Header.Set("Accept-Encoding", "gzip")
		}
		res, err := c.HTTP.Do(req) // the client does not decompress: the bytes are as sent
		if err != nil {
			return err
		}
		n, err := io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if ctx.Err() == nil { // an answer cut off by the end of the run is not counted
			bytes.Add(n)
		}
		if err != nil {
			return err
		}
		return Expect(res.StatusCode, nil, http.StatusOK)
	}}
}

// Served waits until url answers with a body that contains want, asking every poll, and
// returns how long that took from start.
func Served(ctx context.Context, url, want string, start time.Time, poll time.Duration) (time.Duration, error) {
	client := &http.Client{Timeout: 5 * time.Second}
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return 0, err
		}
		if res, err := client.Do(req); err == nil {
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if strings.Contains(string(b), want) {
				return time.Since(start), nil
			}
		}
		select {
		case <-ctx.Done():
			return 0, fmt.Errorf("%s never showed %q: %w", url, want, ctx.Err())
		case <-t.C:
		}
	}
}
