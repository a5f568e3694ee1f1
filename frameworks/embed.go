// Package frameworks embeds the starter frameworks that `rungs init` writes and that `rungs serve`
// shows when it finds no framework. They live at the top of the repository, not under internal/,
// so that they read as what they are: example content people open, copy and check.
package frameworks

import (
	"embed"
	"io/fs"
)

//go:embed engineering minimal product
var files embed.FS

// Template is one starter framework.
type Template struct {
	Name    string
	Summary string
}

// Default is the template used when none is named.
const Default = "engineering"

// Templates lists the bundled starter frameworks, the default first.
var Templates = []Template{
	{Name: "engineering", Summary: "Engineering IC ladder (five levels, four tracks) beside an Engineering Management ladder, with an introduction, FAQ and title crosswalk"},
	{Name: "product", Summary: "Product Management and Product Design ladders (five levels each) with their leadership ladders, on the same level numbers as the engineering template, with an introduction, FAQ and title crosswalk"},
	{Name: "minimal", Summary: "One ladder, three levels, two areas: the smallest framework worth copying"},
}

// FS returns the files of the named template, or false when there is no such template.
func FS(name string) (fs.FS, bool) {
	for _, t := range Templates {
		if t.Name == name {
			sub, err := fs.Sub(files, name)
			return sub, err == nil
		}
	}
	return nil, false
}
