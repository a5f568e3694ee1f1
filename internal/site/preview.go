package site

import (
	"encoding/json"
	"html"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Preview is what `rungs serve` puts on the network: the current site, plus, when live, a
// stream of events that tells open pages to reload after a rebuild, or to show the
// framework's errors while the last good version stays up.
type Preview struct {
	opts     PreviewOptions
	streams  chan struct{} // one token per open event stream
	mu       sync.Mutex
	handler  *Handler
	version  int
	errors   []string
	changed  chan struct{} // closed and replaced on every update
	done     chan struct{} // closed by Close, ends the event streams
	basePath string
}

// PreviewOptions say how a Preview serves.
type PreviewOptions struct {
	// Live serves the event stream that reloads open pages, and shows the framework's errors
	// to whoever opens a page. Without it (the people app in production) errors are only
	// for the operator's terminal, and visitors see the last good version.
	Live bool
	// MaxStreams is how many event streams may be open at once; 0 means DefaultMaxStreams.
	// Each holds a connection: a cap keeps a forgotten tab, or many, from holding them all.
	MaxStreams int
	// Heartbeat is how often a quiet stream sends a comment, so that a client gone without
	// a word is noticed by the failed write; 0 means DefaultHeartbeat.
	Heartbeat time.Duration
}

// Defaults of PreviewOptions.
const (
	DefaultMaxStreams = 64
	DefaultHeartbeat  = 30 * time.Second
)

// streamWriteTimeout bounds one write to an event stream: the server's write timeout cannot
// apply to a response that lasts as long as the page is open, so each write has its own.
const streamWriteTimeout = 10 * time.Second

// EventsPath is where the event stream is served, under the site's base path.
const EventsPath = "_rungs/events"

// NewPreview makes a preview with nothing to show yet.
func NewPreview(opts PreviewOptions) *Preview {
	if opts.MaxStreams <= 0 {
		opts.MaxStreams = DefaultMaxStreams
	}
	if opts.Heartbeat <= 0 {
		opts.Heartbeat = DefaultHeartbeat
	}
	return &Preview{opts: opts, streams: make(chan struct{}, opts.MaxStreams),
		changed: make(chan struct{}), done: make(chan struct{}), basePath: "/"}
}

// Update swaps in a newly rendered site and clears any errors.
func (p *Preview) Update(h *Handler) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.handler = h
	p.basePath = h.base
	p.errors = nil
	p.version++
	p.notify()
}

// Fail records the errors of a framework that could not be rendered; the last good site stays.
func (p *Preview) Fail(errors []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.errors = errors
	p.notify()
}

func (p *Preview) notify() {
	close(p.changed)
	p.changed = make(chan struct{})
}

// Close ends every event stream, so the server can shut down without waiting for them.
func (p *Preview) Close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	select {
	case <-p.done:
	default:
		close(p.done)
	}
}

type previewState struct {
	Version int      `json:"version"`
	Errors  []string `json:"errors"`
}

func (p *Preview) state() (previewState, *Handler, chan struct{}) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return previewState{Version: p.version, Errors: p.errors}, p.handler, p.changed
}

func (p *Preview) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	setSecurityHeaders(w.Header())
	st, h, _ := p.state()
	if p.opts.Live {
		switch {
		case strings.HasSuffix(req.URL.Path, "/"+EventsPath):
			p.events(w, req)
			return
		case req.URL.Path == "/_rungs/live.js":
			serveLiveScript(w)
			return
		}
	}
	if h == nil {
		p.errorPage(w, st.Errors)
		return
	}
	h.ServeHTTP(w, req)
}

// events streams the preview's state as server-sent events until the client leaves or the
// preview closes.
func (p *Preview) events(w http.ResponseWriter, req *http.Request) {
	select {
	case p.streams <- struct{}{}:
		defer func() { <-p.streams }()
	default:
		w.Header().Set("Retry-After", "30")
		http.Error(w, "too many live-reload streams are open", http.StatusServiceUnavailable)
		return
	}
	// The stream outlives the server's read and write timeouts on purpose: it reads nothing,
	// and each write below has a deadline of its own.
	rc := http.NewResponseController(w)
	if err := rc.SetReadDeadline(time.Time{}); err != nil {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	send := func(msg string) bool {
		if rc.SetWriteDeadline(time.Now().Add(streamWriteTimeout)) != nil {
			return false
		}
		if _, err := io.WriteString(w, msg); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	heartbeat := time.NewTicker(p.opts.Heartbeat)
	defer heartbeat.Stop()
	for {
		st, _, changed := p.state()
		b, _ := json.Marshal(st)
		if !send("data: " + string(b) + "\n\n") {
			return
		}
		for quiet := true; quiet; {
			select {
			case <-changed:
				quiet = false
			case <-heartbeat.C:
				if !send(": still here\n\n") {
					return
				}
			case <-req.Context().Done():
				return
			case <-p.done:
				return
			}
		}
	}
}

// serveLiveScript serves live.js at a fixed address, for the page shown while no version of
// the framework has rendered yet (and so no fingerprinted copy exists).
func serveLiveScript(w http.ResponseWriter) {
	b, _ := assetFS.ReadFile("assets/live.js")
	w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	_, _ = w.Write(b)
}

// errorPage is shown while no version of the framework has rendered yet. Live, it lists the
// errors and reloads once they are fixed; otherwise visitors are told only that the site is
// not up, and the errors stay in the operator's terminal.
func (p *Preview) errorPage(w http.ResponseWriter, errors []string) {
	var b strings.Builder
	if p.opts.Live {
		b.WriteString(`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>The framework has errors</title><script src="/_rungs/live.js" defer></script></head><body><main><h1>The framework has errors</h1><p>Fix them and this page reloads by itself.</p><ul>`)
		for _, e := range errors {
			b.WriteString("<li><code>" + html.EscapeString(e) + "</code></li>")
		}
		b.WriteString(`</ul></main></body></html>`)
	} else {
		b.WriteString(`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Not available yet</title></head><body><main><h1>Not available yet</h1><p>This site is not available at the moment. Try again in a little while.</p></main></body></html>`)
		w.Header().Set("Retry-After", "60")
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusServiceUnavailable)
	_, _ = w.Write([]byte(b.String()))
}
