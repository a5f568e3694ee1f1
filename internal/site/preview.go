package site

import (
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"strings"
	"sync"
)

// Preview is what `rungs serve` puts on the network: the current site, plus a stream of events
// that tells open pages to reload after a rebuild, or to show the framework's errors while the
// last good version stays up.
type Preview struct {
	mu       sync.Mutex
	handler  *Handler
	version  int
	errors   []string
	changed  chan struct{} // closed and replaced on every update
	done     chan struct{} // closed by Close, ends the event streams
	liveJS   string
	basePath string
}

// NewPreview makes a preview with nothing to show yet.
func NewPreview() *Preview {
	return &Preview{changed: make(chan struct{}), done: make(chan struct{}), basePath: "/"}
}

// Update swaps in a newly rendered site and clears any errors.
func (p *Preview) Update(h *Handler) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.handler = h
	p.basePath = h.base
	for path, f := range h.site.Files {
		if strings.HasPrefix(path, "assets/live.") {
			p.liveJS = h.base + f.Path
		}
	}
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
	st, h, _ := p.state()
	if strings.HasSuffix(req.URL.Path, "/_rungs/events") {
		p.events(w, req)
		return
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
	flusher, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	for {
		st, _, changed := p.state()
		b, _ := json.Marshal(st)
		if _, err := fmt.Fprintf(w, "data: %s\n\n", b); err != nil {
			return
		}
		flusher.Flush()
		select {
		case <-changed:
		case <-req.Context().Done():
			return
		case <-p.done:
			return
		}
	}
}

// errorPage is shown while no version of the framework has rendered yet.
func (p *Preview) errorPage(w http.ResponseWriter, errors []string) {
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>The framework has errors</title></head><body><main><h1>The framework has errors</h1><p>Fix them and this page reloads by itself.</p><ul>`)
	for _, e := range errors {
		b.WriteString("<li><code>" + html.EscapeString(e) + "</code></li>")
	}
	b.WriteString(`</ul></main><script>new EventSource("/_rungs/events").onmessage=function(e){if(JSON.parse(e.data).version>0)location.reload()}</script></body></html>`)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusServiceUnavailable)
	_, _ = w.Write([]byte(b.String()))
}
