// Package browsertest holds the end-to-end checks of the rendered site and the people app:
// browser tests in real headless Chromium, an HTML validity check of every page and a checker
// of every internal link.
// Everything is in its tests; run them with scripts/test, which installs what they need.
package browsertest
