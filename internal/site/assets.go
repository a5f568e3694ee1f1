package site

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/rungs/rungs/internal/design"
)

//go:embed assets
var assetFS embed.FS

// assets adds the stylesheet and scripts under names that carry a hash of their content, so
// browsers may cache them for a year and still never see a stale one; and the framework's logo.
func (r *renderer) assets() error {
	r.assetURL = map[string]string{}
	entries, err := assetFS.ReadDir("assets")
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.Name() == "live.js" && !r.opts.LiveReload {
			continue // only rungs serve's preview reloads pages
		}
		b, err := assetFS.ReadFile("assets/" + e.Name())
		if err != nil {
			return err
		}
		if e.Name() == "style.css" {
			b = design.With(b) // the tokens and components the app shares, then the site's own
		}
		if err := r.asset(e.Name(), b); err != nil {
			return err
		}
	}
	if err := r.asset("theme.js", design.ThemeScript); err != nil {
		return err
	}
	// The icons keep the names browsers look for at a site's root when a page names none; the
	// touch icon is drawn beside the pages (see dataJobs).
	if err := r.put("favicon.svg", faviconSVG); err != nil {
		return err
	}
	if r.f.Logo != "" {
		b, err := fs.ReadFile(r.fsys, strings.TrimPrefix(r.f.Logo, "/"))
		if err != nil {
			return fmt.Errorf("logo: %w", err)
		}
		p := "assets/" + fingerprint("logo"+path.Ext(r.f.Logo), b)
		if err := r.put(p, b); err != nil {
			return err
		}
		r.logoURL = r.url(p)
	}
	return nil
}

// asset adds one file under its fingerprinted name.
func (r *renderer) asset(name string, b []byte) error {
	p := "assets/" + fingerprint(name, b)
	if err := r.put(p, b); err != nil {
		return err
	}
	r.assetURL[name] = r.url(p)
	return nil
}

// fingerprint puts a short content hash before the extension: style.css -> style.1a2b3c4d5e.css.
func fingerprint(name string, b []byte) string {
	sum := sha256.Sum256(b)
	ext := path.Ext(name)
	return strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:5]) + ext
}
