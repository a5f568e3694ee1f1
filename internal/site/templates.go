package site

import (
	"embed"
	"html/template"
	"strings"
)

//go:embed templates
var templateFS embed.FS

// templates holds one template set per kind of page written from a template: the shared header,
// footer and parts, plus that page's content. Level and matrix pages and the shell of every
// page are written in Go (html.go, items.go).
var templates = parseTemplates()

func parseTemplates() map[string]*template.Template {
	funcs := template.FuncMap{
		"join": strings.Join,
		"add":  func(a, b int) int { return a + b },
		"list": func(s ...string) []string { return s },
		"cols": balancedColumns,
	}
	base := template.Must(template.New("").Funcs(funcs).ParseFS(templateFS, "templates/chrome.html", "templates/parts.html"))
	out := map[string]*template.Template{}
	for _, name := range []string{"home", "ladder", "compare", "crosswalk", "search", "page", "notfound", "changes", "assess"} {
		t := template.Must(base.Clone())
		out[name] = template.Must(t.ParseFS(templateFS, "templates/"+name+".html"))
	}
	return out
}

// balancedColumns is how many columns n cards take on a wide screen so that the rows are even
// or nearly: five levels make rows of three and two, never four and one.
func balancedColumns(n int) int {
	switch {
	case n <= 4:
		return max(n, 1)
	case n == 5 || n == 6 || n == 9:
		return 3
	default:
		return 4
	}
}
