// Package design is the look the published site and the people app share: one stylesheet of
// tokens (colour, type, spacing) and components (tables, forms, buttons, badges, cards, empty
// states), and the script that applies the reader's light or dark choice before a page paints.
// The site puts the stylesheet before its own; the app before its own; both serve the script.
package design

import _ "embed"

// CSS is the shared stylesheet: the tokens, in light and dark, and the components built on them.
//
//go:embed design.css
var CSS []byte

// ThemeScript applies the theme the reader picked on the site ("rungs-theme" in local storage),
// or leaves the system's setting to apply. It is a file of its own, for pages whose policy
// allows no inline script.
//
//go:embed theme.js
var ThemeScript []byte

// With returns the shared stylesheet followed by a page family's own, as one file.
func With(own []byte) []byte {
	b := make([]byte, 0, len(CSS)+1+len(own))
	b = append(b, CSS...)
	b = append(b, '\n')
	return append(b, own...)
}
