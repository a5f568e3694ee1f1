package ladder

import (
	"embed"
	"sort"
	"strings"
)

//go:embed schema/*.json
var schemas embed.FS

// SchemaNames lists the JSON Schemas rungs ships: rungs, ladder, crosswalk, level, page.
func SchemaNames() []string {
	entries, _ := schemas.ReadDir("schema")
	var names []string
	for _, e := range entries {
		names = append(names, strings.TrimSuffix(e.Name(), ".json"))
	}
	sort.Strings(names)
	return names
}

// Schema returns the JSON Schema with the given name.
func Schema(name string) ([]byte, bool) {
	b, err := schemas.ReadFile("schema/" + name + ".json")
	return b, err == nil
}
