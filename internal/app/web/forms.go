package web

import (
	"net/url"
	"strings"
)

// PageSize is how many rows a list page shows.
const PageSize = 50

// SafeNext keeps a redirect after sign-in on this site: a plain path, never another host. The
// checks are strict because browsers are lenient: they drop tabs and newlines from a URL and
// read \ as /, so "/", a tab, "/evil.example" would take them to evil.example.
func SafeNext(next string) string {
	const fallback = "/home" // the home page (package home), which says what to do next
	if strings.ContainsFunc(next, func(c rune) bool { return c < 0x20 || c == 0x7f || c == '\\' }) {
		return fallback
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") {
		return fallback
	}
	return next
}
