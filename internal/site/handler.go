package site

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// Handler serves a rendered site from memory: compressed when the client accepts it (each file
// is compressed once, on first request), with ETags for revalidation and long caching for
// fingerprinted assets. It serves a file on GET and HEAD only.
type Handler struct {
	site  *Site
	base  string
	cache sync.Map // *File -> *served
}

// served is what the handler works out once per file and reuses for every request: header values
// ready to assign (no allocation per request) and the gzipped body.
type served struct {
	typ, etag, cache []string
	gzOnce           sync.Once
	gz               []byte
}

var (
	varyValue    = []string{"Accept-Encoding"}
	nosniffValue = []string{"nosniff"}
	gzipValue    = []string{"gzip"}
	noCache      = []string{"no-cache"}
	immutable    = []string{"public, max-age=31536000, immutable"}
)

// NewHandler serves s, whose links start with the path of baseURL.
func NewHandler(s *Site, baseURL string) (*Handler, error) {
	base, err := basePath(baseURL)
	if err != nil {
		return nil, err
	}
	return &Handler{site: s, base: base}, nil
}

// NewHandlerReusing is NewHandler for a site that replaces the one prev serves: what prev
// worked out for a file (its ETag, its compressed body) is kept for the files the new site
// shares with the old one, so that after an edit only what changed is compressed again.
func NewHandlerReusing(prev *Handler, s *Site, baseURL string) (*Handler, error) {
	h, err := NewHandler(s, baseURL)
	if err != nil || prev == nil {
		return h, err
	}
	for _, f := range s.Files {
		if v, ok := prev.cache.Load(f); ok {
			h.cache.Store(f, v)
		}
	}
	return h, nil
}

// Site returns the site being served.
func (h *Handler) Site() *Site { return h.site }

func (h *Handler) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	setSecurityHeaders(w.Header())
	if req.Method != http.MethodGet && req.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	p, ok := strings.CutPrefix(req.URL.Path, h.base)
	if !ok {
		if req.URL.Path+"/" == h.base {
			http.Redirect(w, req, h.base, http.StatusMovedPermanently)
			return
		}
		h.notFound(w, req)
		return
	}
	f := h.site.Files[file(p)]
	if f == nil && !strings.HasSuffix(p, "/") && h.site.Files[p+"/index.html"] != nil {
		target := h.base + p + "/"
		if req.URL.RawQuery != "" {
			target += "?" + req.URL.RawQuery
		}
		http.Redirect(w, req, target, http.StatusMovedPermanently)
		return
	}
	if f == nil {
		h.notFound(w, req)
		return
	}
	sv := h.served(f)
	hdr := w.Header()
	hdr["Content-Type"] = sv.typ
	hdr["Etag"] = sv.etag
	hdr["Vary"] = varyValue
	hdr["Cache-Control"] = sv.cache
	if match := req.Header.Get("If-None-Match"); match != "" && etagMatches(match, sv.etag[0]) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.write(w, req, f, sv, http.StatusOK)
}

// served returns what is worked out once for a file.
func (h *Handler) served(f *File) *served {
	if v, ok := h.cache.Load(f); ok {
		return v.(*served)
	}
	// The ETag is computed here, on first request, because a build written to disk needs none.
	sum := sha256.Sum256(f.Body)
	sv := &served{typ: []string{f.Type}, etag: []string{`"` + hex.EncodeToString(sum[:10]) + `"`}, cache: noCache}
	if strings.HasPrefix(f.Path, "assets/") {
		sv.cache = immutable // fingerprinted: the name changes when the content does
	}
	v, _ := h.cache.LoadOrStore(f, sv)
	return v.(*served)
}

func (h *Handler) notFound(w http.ResponseWriter, req *http.Request) {
	f := h.site.Files["404.html"]
	if f == nil {
		http.NotFound(w, req)
		return
	}
	sv := h.served(f)
	w.Header()["Content-Type"] = sv.typ
	w.Header()["Cache-Control"] = noCache
	h.write(w, req, f, sv, http.StatusNotFound)
}

// write sends the body, gzipped when worthwhile and accepted.
func (h *Handler) write(w http.ResponseWriter, req *http.Request, f *File, sv *served, status int) {
	body := f.Body
	if len(body) > 512 && compressible(f.Type) && acceptsGzip(req) {
		sv.gzOnce.Do(func() { sv.gz = gzipBytes(f.Body) })
		body = sv.gz
		w.Header()["Content-Encoding"] = gzipValue
	}
	w.Header()["Content-Length"] = []string{strconv.Itoa(len(body))}
	w.WriteHeader(status)
	if req.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

// gzipBytes compresses once at the best level: the result is served many times.
func gzipBytes(b []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	_, _ = zw.Write(b)
	_ = zw.Close()
	return buf.Bytes()
}

func compressible(typ string) bool {
	return strings.HasPrefix(typ, "text/") || strings.Contains(typ, "json") || strings.Contains(typ, "xml") ||
		strings.Contains(typ, "javascript") || strings.Contains(typ, "svg")
}

func acceptsGzip(req *http.Request) bool {
	for _, part := range strings.Split(req.Header.Get("Accept-Encoding"), ",") {
		name, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.TrimSpace(name) == "gzip" && strings.ReplaceAll(q, " ", "") != "q=0" {
			return true
		}
	}
	return false
}

func etagMatches(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(t), "W/"))
		if t == etag || t == "*" {
			return true
		}
	}
	return false
}
