package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rungs/rungs/internal/app/policy"
	"github.com/rungs/rungs/internal/design"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed assets/app.css
var ownCSS []byte

// appCSS is the stylesheet the app's pages load: the design the site shares, then the app's own.
var appCSS = design.With(ownCSS)

//go:embed assets/autosave.js
var autosaveJS []byte

// fingerprint is an asset's URL name: it carries a hash of the content, so browsers may keep
// it for good and a new release is fetched at once.
func fingerprint(name, ext string, content []byte) string {
	sum := sha256.Sum256(content)
	return name + "." + hex.EncodeToString(sum[:5]) + "." + ext
}

// StylesheetName is the stylesheet's URL name.
var StylesheetName = fingerprint("app", "css", appCSS)

// ThemeScriptName is the URL name of the script that applies the light or dark theme the
// reader picked on the site, which the app shares with it.
var ThemeScriptName = fingerprint("theme", "js", design.ThemeScript)

// AutosaveScriptName is the URL name of the script that saves assessment drafts as they are
// typed.
var AutosaveScriptName = fingerprint("autosave", "js", autosaveJS)

// ContentSecurityPolicy allows the app's pages their own stylesheet, their own script files
// (never inline script, event attributes or eval) and requests back here, and forms posted
// back here; no framing.
const ContentSecurityPolicy = "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// pages holds one template per page, its "content", which Render writes inside the layout
// (see writeLayoutHead).
type pages struct {
	byName map[string]*template.Template
}

var funcs = template.FuncMap{
	"day":       Day,
	"when":      When,
	"add":       func(a, b int) int { return a + b },
	"thousands": Thousands,
	// label is the words for a recorded code: an audit action, a level change's reason.
	"label": Label,
	"pct":   func(n, of int) int { return n * 100 / max(of, 1) },
	// dict passes several values to a template: dict "A" 1 "B" 2.
	"dict": func(kv ...any) map[string]any {
		m := make(map[string]any, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			if k, ok := kv[i].(string); ok {
				m[k] = kv[i+1]
			}
		}
		return m
	},
	"levelOptions": LevelOptions,
	"trackOptions": TrackOptions,
	"autosave":     func() string { return "/app-assets/" + AutosaveScriptName },
	// idOf makes an element id of a form field's name ("rating:level/id"): letters, digits,
	// dashes and underscores only.
	"idOf": func(name string) string { return strings.NewReplacer(":", "_", "/", "_").Replace(name) },
}

// Day is a date as pages show it, or "" for none.
func Day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

// When is a moment as pages show it, in UTC to the minute, or "" for none.
func When(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

func loadPages() (*pages, error) {
	names, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		return nil, err
	}
	p := &pages{byName: map[string]*template.Template{}}
	for _, name := range names {
		base := path.Base(name)
		t, err := template.New(base).Funcs(funcs).ParseFS(templateFiles, name)
		if err != nil {
			return nil, fmt.Errorf("app templates: %w", err)
		}
		if t.Lookup("content") == nil {
			return nil, fmt.Errorf("app templates: %s defines no \"content\"", name)
		}
		p.byName[strings.TrimSuffix(base, ".html")] = t
	}
	return p, nil
}

// page is what every template gets, and the layout.
type page struct {
	Title  string
	Viewer *policy.Viewer
	CSRF   string
	Flash  string
	Site   string // the framework's title
	Data   any
}

// flashes are the messages a redirect after a change can show, by the code in ?done=; a code
// rather than text, so that a link cannot make the page say anything else.
var flashes = map[string]string{
	"saved":              "Saved.",
	"created":            "Added.",
	"level":              "Level change recorded.",
	"password":           "Your password has been changed.",
	"signed-out":         "You have been signed out everywhere else.",
	"rules":              "Mapping rules saved.",
	"reviewed":           "Review saved.",
	"applied":            "The rollout has been applied.",
	"discarded":          "The rollout has been discarded.",
	"imported":           "Import done.",
	"opened":             "The cycle is open.",
	"closed":             "The cycle is closed.",
	"draft":              "Draft saved. Nobody else sees it until you submit.",
	"submitted":          "Submitted. Changes from now on are amendments, kept with their reason.",
	"amended":            "Amendment saved, with its reason.",
	"shared":             "Shared: they can read the manager's assessment now.",
	"acknowledged":       "Acknowledged.",
	"password-set":       "The password is set. They can sign in with it now; you are still signed in as yourself.",
	"token-revoked":      "The token is revoked: it opens nothing any more.",
	"two-factor-off":     "Two-factor sign-in is off. Your password alone signs you in now.",
	"two-factor-reset":   "Their two-factor sign-in is reset: their password alone signs them in, until they turn it on again.",
	"password-set-2fa":   "Your password is set. Sign in with it and a code from your authenticator app.",
	"checkin-created":    "Check-in saved.",
	"private-saved":      "Your private note is saved. You alone read it.",
	"item-added":         "Action item added.",
	"plan-saved":         "Plan saved.",
	"plan-agreed":        "Your agreement is recorded.",
	"goal-added":         "Goal added.",
	"goal-saved":         "Goal saved.",
	"case-opened":        "The case is open, as a draft: nobody but the chain above reads it until it is submitted.",
	"case-saved":         "Draft saved.",
	"case-submitted":     "Submitted to the reviewers.",
	"commented":          "Comment added.",
	"decided":            "Decision recorded.",
	"goal-from-feedback": "The feedback is a goal of the plan now.",
	"panel":              "Promotion panel updated.",
}

// Bodied is the data of a page that writes its content itself, in Go, as the person page and
// a person's assessment do: Render has it write straight into the page's buffer, and the page
// has no template.
type Bodied interface {
	WriteBody(b *bytes.Buffer, csrf string)
}

// Writer writes a Bodied page's parts as they are, one by one, never joined into a string
// first (see WriterTo).
type Writer func(parts ...string)

// WriterTo is the Writer into b.
func WriterTo(b *bytes.Buffer) Writer {
	return func(parts ...string) {
		for _, p := range parts {
			b.WriteString(p)
		}
	}
}

// Render writes the page name with status; data is the page's own. The page's content is
// its template's, or, when data is Bodied, what data writes.
func (srv *Server) Render(w http.ResponseWriter, r *http.Request, v *policy.Viewer, status int, name, title string, data any) {
	t := srv.pages.byName[name]
	bodied, isBodied := data.(Bodied)
	if t == nil && !isBodied {
		srv.Logf("no template %q", name)
		http.Error(w, "Something went wrong on our side.", http.StatusInternalServerError)
		return
	}
	pg := page{Title: title, Viewer: v, CSRF: srv.CSRFToken(w, r, v), Flash: flashes[r.URL.Query().Get("done")],
		Site: srv.Framework().Title, Data: data}
	buf := pageBuffers.Get().(*bytes.Buffer)
	defer putPageBuffer(buf)
	writeLayoutHead(buf, &pg)
	if isBodied {
		bodied.WriteBody(buf, pg.CSRF)
	} else if err := t.ExecuteTemplate(buf, "content", pg); err != nil {
		srv.Logf("render %s: %v", name, err)
		http.Error(w, "Something went wrong on our side.", http.StatusInternalServerError)
		return
	}
	writeLayoutTail(buf)
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	// With its length said, the page is sent as it is rather than in chunks, whose closing
	// chunk was a write of its own on the connection, a system call at every page.
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// pageBuffers keeps the buffers pages are rendered into: a page of tens of kilobytes grew a
// new buffer from nothing at every request, copying it at each doubling, and the garbage
// collector's work on those copies was a visible share of a page's time.
var pageBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledPage is the largest buffer kept for another page: a rare huge page's is let go.
const maxPooledPage = 1 << 20

func putPageBuffer(buf *bytes.Buffer) {
	if buf.Cap() > maxPooledPage {
		return
	}
	buf.Reset()
	pageBuffers.Put(buf)
}

// ServeAsset serves the app's stylesheet and script under their fingerprinted names; any
// other name, an older release's included, is not found.
func ServeAsset(_ *Server, w http.ResponseWriter, r *http.Request, _ *policy.Viewer) error {
	var body []byte
	switch r.PathValue("file") {
	case StylesheetName:
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
		body = appCSS
	case AutosaveScriptName:
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		body = autosaveJS
	case ThemeScriptName:
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		body = design.ThemeScript
	default:
		return ErrNotFound
	}
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	_, err := w.Write(body)
	return err
}

// Redirect sends the browser on after a change, with a message code for the next page; a
// fragment in to (#id) stays at the end, where browsers look for it.
func Redirect(w http.ResponseWriter, r *http.Request, to, done string) {
	to, fragment, hasFragment := strings.Cut(to, "#")
	if done != "" {
		sep := "?"
		if strings.Contains(to, "?") {
			sep = "&"
		}
		to += sep + "done=" + done
	}
	if hasFragment {
		to += "#" + fragment
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}
