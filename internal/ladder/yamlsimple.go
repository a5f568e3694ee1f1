package ladder

import (
	"strings"

	"go.yaml.in/yaml/v3"
)

// simpleYAML reads the YAML nearly every level's front matter is written in: lines of
// "key: value", and keys whose value is such lines indented under them (time_split), every
// value a plain scalar of printable ASCII. It returns nil for anything else (a blank line, a
// comment, a list, quotes, a value running over two lines...), which parseYAML then gives to
// the YAML parser: that parser was a fifth of loading a large framework.
//
// The nodes carry what the decoder reads: kind, value, line and column, and the tag !!null for
// a null (the decoder looks at no other tag; every other scalar is tagged !!str).
func simpleYAML(src []byte) *yaml.Node {
	s := string(src)
	if s == "" {
		return nil
	}
	root := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: 1, Column: 1}
	var (
		nested     *yaml.Node // the mapping that indented lines belong to, if any
		indent     int        // how far its lines are indented
		keys       = map[string]bool{}
		nestedKeys map[string]bool
		nestedMaps []*yaml.Node
	)
	for lineNo, more := 1, true; more; lineNo++ {
		var line string
		line, s, more = strings.Cut(s, "\n")
		n := len(line) - len(strings.TrimLeft(line, " "))
		if n > 0 {
			if nested == nil || (indent != 0 && n != indent) {
				return nil
			}
			indent = n
		} else {
			nested, indent = nil, 0
		}
		keyOf, rest, ok := strings.Cut(line[n:], ":")
		if !ok || !simpleKey(keyOf) {
			return nil
		}
		key := scalarNode(keyOf, lineNo, n+1)
		if rest == "" { // a mapping follows, indented
			if n > 0 {
				return nil // one level of nesting is all this reads
			}
			if keys[keyOf] {
				return nil
			}
			keys[keyOf] = true
			nested, nestedKeys = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}, map[string]bool{}
			nestedMaps = append(nestedMaps, nested)
			root.Content = append(root.Content, key, nested)
			continue
		}
		value := strings.TrimLeft(rest, " ")
		spaces := len(rest) - len(value)
		if spaces == 0 || !simpleValue(value) {
			return nil
		}
		val := scalarNode(value, lineNo, n+len(keyOf)+1+spaces+1)
		if n > 0 {
			if nestedKeys[keyOf] {
				return nil
			}
			nestedKeys[keyOf] = true
			if len(nested.Content) == 0 {
				nested.Line, nested.Column = lineNo, n+1
			}
			nested.Content = append(nested.Content, key, val)
			continue
		}
		if keys[keyOf] {
			return nil // the YAML parser's reading of a repeated key is the one to report
		}
		keys[keyOf] = true
		root.Content = append(root.Content, key, val)
	}
	for _, m := range nestedMaps {
		if len(m.Content) == 0 {
			return nil // "key:" with nothing under it is a null, placed where the parser places it
		}
	}
	return root
}

// scalarNode is a plain scalar at line and column, tagged as the decoder needs.
func scalarNode(v string, line, col int) *yaml.Node {
	tag := "!!str"
	switch v {
	case "null", "Null", "NULL", "~":
		tag = "!!null"
	}
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: v, Line: line, Column: col}
}

// simpleKey reports whether k is a key simpleYAML reads: at most 64 lower-case letters,
// digits, _ and -, starting with a letter, digit or _ (YAML refuses a key over 1,024).
func simpleKey(k string) bool {
	if k == "" || len(k) > 64 || k[0] == '-' {
		return false
	}
	for i := range len(k) {
		if c := k[i]; (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '_' && c != '-' {
			return false
		}
	}
	return true
}

// simpleValue reports whether v is a plain scalar whose value is its text: printable ASCII,
// not starting with a character that means something else in YAML, and with no ": " or " #"
// (a mapping, a comment) inside or a colon or space at the end.
func simpleValue(v string) bool {
	if v == "" || strings.ContainsRune("-?:,[]{}#&*!|>'\"%@`", rune(v[0])) {
		return false
	}
	for i := range len(v) {
		if v[i] < 0x20 || v[i] > 0x7e {
			return false
		}
	}
	last := v[len(v)-1]
	return last != ':' && last != ' ' && !strings.Contains(v, ": ") && !strings.Contains(v, " #")
}
