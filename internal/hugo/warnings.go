package hugo

import (
	"fmt"
	"strings"
)

// Warning is one thing an import could not map as it was, with the files it happened in: a
// ladder of forty levels that all use the same unusual heading gives one warning naming forty
// files, not forty warnings.
type Warning struct {
	Message string
	Files   []string // slash paths inside the source; none when it is about the whole source
}

// Format writes the warning with each file named by name (which may, for example, put the
// source folder in front), listing at most three.
func (w Warning) Format(name func(string) string) string {
	switch len(w.Files) {
	case 0:
		return w.Message
	case 1:
		return name(w.Files[0]) + ": " + w.Message
	}
	var shown []string
	for _, f := range w.Files[:min(3, len(w.Files))] {
		shown = append(shown, name(f))
	}
	list := strings.Join(shown, ", ")
	if more := len(w.Files) - len(shown); more > 0 {
		list += fmt.Sprintf(" and %d more", more)
	}
	return fmt.Sprintf("%s (%d files: %s)", w.Message, len(w.Files), list)
}

// String writes the warning with the files as they are.
func (w Warning) String() string {
	return w.Format(func(s string) string { return s })
}

// warnings gathers warnings, keeping the order they were first given and each file once.
type warnings struct {
	list []*Warning
	by   map[string]*Warning
}

func (ws *warnings) add(file, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if ws.by == nil {
		ws.by = map[string]*Warning{}
	}
	w := ws.by[msg]
	if w == nil {
		w = &Warning{Message: msg}
		ws.by[msg] = w
		ws.list = append(ws.list, w)
	}
	if file == "" {
		return
	}
	for _, f := range w.Files {
		if f == file {
			return
		}
	}
	w.Files = append(w.Files, file)
}

func (ws *warnings) result() []Warning {
	out := make([]Warning, 0, len(ws.list))
	for _, w := range ws.list {
		out = append(out, *w)
	}
	return out
}
