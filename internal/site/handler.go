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
	site *Site
	base string
	gz   sync.Map // path -> []byte, the gzip form of the file
	tags sync.Map // path -> string, the file's ETag
}

// NewHandler serves s, whose links start with the path of baseURL.
func NewHandler(s *Site, baseURL string) (*Handler, error) {
	base, err := basePath(baseURL)
	if err != nil {
		return nil, err
	}
	return &Handler{site: s, base: base}, nil
}

// Site returns the site being served.
func (h *Handler) Site() *Site { return h.site }

func (h *Handler) ServeHTTP(w http.ResponseWriter, req *http.Request) {
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
	hdr := w.Header()
	etag := h.etag(f)
	hdr.Set("Content-Type", f.Type)
	hdr.Set("ETag", etag)
	hdr.Set("Vary", "Accept-Encoding")
	hdr.Set("X-Content-Type-Options", "nosniff")
	if strings.HasPrefix(p, "assets/") {
		hdr.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		hdr.Set("Cache-Control", "no-cache")
	}
	if match := req.Header.Get("If-None-Match"); match != "" && etagMatches(match, etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.write(w, req, f, http.StatusOK)
}

func (h *Handler) notFound(w http.ResponseWriter, req *http.Request) {
	f := h.site.Files["404.html"]
	if f == nil {
		http.NotFound(w, req)
		return
	}
	w.Header().Set("Content-Type", f.Type)
	w.Header().Set("Cache-Control", "no-cache")
	h.write(w, req, f, http.StatusNotFound)
}

// write sends the body, gzipped when worthwhile and accepted.
func (h *Handler) write(w http.ResponseWriter, req *http.Request, f *File, status int) {
	body := f.Body
	if len(body) > 512 && compressible(f.Type) && acceptsGzip(req) {
		body = h.gzipped(f)
		w.Header().Set("Content-Encoding", "gzip")
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	if req.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

// etag is a strong validator of the file's content, computed on first request: a build that is
// written to disk never needs one.
func (h *Handler) etag(f *File) string {
	if v, ok := h.tags.Load(f.Path); ok {
		return v.(string)
	}
	sum := sha256.Sum256(f.Body)
	tag := `"` + hex.EncodeToString(sum[:10]) + `"`
	h.tags.Store(f.Path, tag)
	return tag
}

func (h *Handler) gzipped(f *File) []byte {
	if v, ok := h.gz.Load(f.Path); ok {
		return v.([]byte)
	}
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	_, _ = zw.Write(f.Body)
	_ = zw.Close()
	v, _ := h.gz.LoadOrStore(f.Path, b.Bytes())
	return v.([]byte)
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
