package site

import "net/http"

// ContentSecurityPolicy is the policy of the site's pages when served: everything from the
// site itself and nothing else. No inline script or style attribute runs, no plugin loads,
// no <base> changes where links go, forms post only here, and no other site may frame a page.
// The site needs nothing more: its scripts and stylesheet are files of its own, its charts
// are SVG in the page, and it makes no request outside itself.
const ContentSecurityPolicy = "default-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// MetaContentSecurityPolicy is the same policy as a page's <meta http-equiv> carries it in a
// built site, for hosts that send no header: frame-ancestors is left out, as browsers ignore
// it in a meta tag (framing can only be refused by a header).
const MetaContentSecurityPolicy = "default-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'"

// Header values, made once: assigning them does not allocate per request.
var (
	cspValue       = []string{ContentSecurityPolicy}
	denyValue      = []string{"DENY"}
	referrerValue  = []string{"same-origin"}
	sameOriginOnly = []string{"same-origin"}
)

// setSecurityHeaders sets the headers every response of a served site carries: the content
// security policy, no sniffing of types, no framing, no full address sent to other sites,
// and a window of its own (other sites' windows cannot reach into it).
func setSecurityHeaders(h http.Header) {
	h["Content-Security-Policy"] = cspValue
	h["X-Content-Type-Options"] = nosniffValue
	h["X-Frame-Options"] = denyValue
	h["Referrer-Policy"] = referrerValue
	h["Cross-Origin-Opener-Policy"] = sameOriginOnly
}
