package ladder

import (
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

// The YAML in a framework is decoded by walking yaml.Node trees rather than with yaml.Unmarshal,
// because every problem must be reported (not only the first) with its line and column, and an
// unknown key must be an error with a suggestion, never silently ignored.

// yamlDecoder reports problems in one YAML document of one file.
type yamlDecoder struct {
	file       string
	lineOffset int // lines before the YAML starts (front matter starts on line 2)
	r          *reporter
}

// nodeDecoder is implemented by types that decode themselves from a node.
type nodeDecoder interface {
	decodeNode(d *yamlDecoder, n *yaml.Node)
}

// keyPositions records where each key's value was found in a mapping.
type keyPositions map[string]Pos

var (
	posType  = reflect.TypeFor[Pos]()
	keysType = reflect.TypeFor[keyPositions]()
)

var yamlLineRE = regexp.MustCompile(`line (\d+)(?::|,)?(?: column (\d+))?`)

// parseYAML parses src into a node tree. It returns nil after reporting a syntax error. An empty
// document gives an empty mapping so that required keys are reported as missing.
func (d *yamlDecoder) parseYAML(src []byte) (root *yaml.Node) {
	defer func() {
		// The YAML parser has panicked on malformed input before; a bad file must never take the
		// whole command down.
		if p := recover(); p != nil {
			d.r.errorf(d.pos(1, 1), "YAML syntax: the parser failed on this file (%v)", p)
			root = nil
		}
	}()
	if n := simpleYAML(src); n != nil {
		return n
	}
	dec := yaml.NewDecoder(strings.NewReader(string(src)))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return &yaml.Node{Kind: yaml.MappingNode, Line: 1, Column: 1}
		}
		d.syntaxError(err, src)
		return nil
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		d.r.errorf(d.pos(extra.Line, 1), "YAML syntax: a second document (---) is not allowed here")
		return nil
	} else if !errors.Is(err, io.EOF) {
		d.syntaxError(err, src)
		return nil
	}
	if len(doc.Content) == 0 {
		return &yaml.Node{Kind: yaml.MappingNode, Line: 1, Column: 1}
	}
	return doc.Content[0]
}

func (d *yamlDecoder) syntaxError(err error, src []byte) {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line, col := 1, 1
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		if m[2] != "" {
			col, _ = strconv.Atoi(m[2])
		}
		msg = strings.TrimSpace(strings.Replace(msg, m[0], "", 1))
		msg = strings.TrimPrefix(msg, ": ")
	}
	if l := problemLine(src, line); l != line {
		line, col = l, 1
	}
	d.r.errorf(d.pos(line, col), "YAML syntax: %s", msg)
}

// problemLine finds the line that broke the YAML. The parser names the line where the enclosing
// block started (its context), which is often far above the mistake; the first line that makes
// the document unreadable is the one after the longest prefix that still parses.
func problemLine(src []byte, contextLine int) int {
	lines := strings.SplitAfter(string(src), "\n")
	if len(lines) > 300 || len(src) > 30_000 || contextLine < 1 {
		return contextLine // bound the work: each try parses a prefix
	}
	for n := len(lines) - 1; n >= contextLine; n-- {
		var node yaml.Node
		if parsesCleanly(strings.Join(lines[:n], ""), &node) {
			return n + 1
		}
	}
	return contextLine
}

func parsesCleanly(s string, n *yaml.Node) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	return yaml.Unmarshal([]byte(s), n) == nil
}

func (d *yamlDecoder) pos(line, col int) Pos {
	return Pos{File: d.file, Line: line + d.lineOffset, Col: col}
}

func (d *yamlDecoder) nodePos(n *yaml.Node) Pos {
	return d.pos(n.Line, n.Column)
}

// decode fills v (a pointer) from n, reporting every problem it finds.
func (d *yamlDecoder) decode(n *yaml.Node, v any) {
	d.decodeValue(n, reflect.ValueOf(v).Elem())
}

func (d *yamlDecoder) decodeValue(n *yaml.Node, v reflect.Value) {
	if n.Kind == yaml.AliasNode || n.Anchor != "" {
		d.r.errorf(d.nodePos(n), "YAML anchors and aliases are not supported in framework files; write the value out")
		return
	}
	if v.CanAddr() {
		if nd, ok := v.Addr().Interface().(nodeDecoder); ok {
			nd.decodeNode(d, n)
			return
		}
	}
	switch v.Kind() {
	case reflect.Pointer:
		if isNull(n) {
			return
		}
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		d.decodeValue(n, v.Elem())
	case reflect.Struct:
		d.decodeStruct(n, v)
	case reflect.Slice:
		if isNull(n) {
			return
		}
		if n.Kind != yaml.SequenceNode {
			d.r.errorf(d.nodePos(n), "expected a list, found %s", describe(n))
			return
		}
		s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, item := range n.Content {
			d.decodeValue(item, s.Index(i))
		}
		v.Set(s)
	case reflect.String:
		if s, ok := d.scalar(n, "text"); ok {
			v.SetString(s)
		}
	case reflect.Bool:
		s, ok := d.scalar(n, "true or false")
		if !ok {
			return
		}
		b, err := strconv.ParseBool(s)
		if err != nil || (s != "true" && s != "false") {
			d.r.errorf(d.nodePos(n), "expected true or false, found %q", s)
			return
		}
		v.SetBool(b)
	case reflect.Int:
		s, ok := d.scalar(n, "a whole number")
		if !ok {
			return
		}
		i, err := strconv.Atoi(s)
		if err != nil {
			d.r.errorf(d.nodePos(n), "expected a whole number, found %q", s)
			return
		}
		v.SetInt(int64(i))
	default:
		panic(fmt.Sprintf("yamlDecoder: unsupported kind %s", v.Kind()))
	}
}

// scalar returns the text of a scalar node; null is the empty string.
func (d *yamlDecoder) scalar(n *yaml.Node, want string) (string, bool) {
	if n.Kind != yaml.ScalarNode {
		d.r.errorf(d.nodePos(n), "expected %s, found %s", want, describe(n))
		return "", false
	}
	if n.Tag == "!!null" {
		return "", true
	}
	return n.Value, true
}

// isEmpty reports whether a value is null, blank text or an empty list or mapping.
func isEmpty(n *yaml.Node) bool {
	if n.Kind == yaml.ScalarNode {
		return n.Tag == "!!null" || strings.TrimSpace(n.Value) == ""
	}
	return (n.Kind == yaml.SequenceNode || n.Kind == yaml.MappingNode) && len(n.Content) == 0
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return fmt.Sprintf("%q", n.Value)
	}
	return "something else"
}

// fieldInfo describes how one struct field is named in YAML.
type fieldInfo struct {
	index    int
	required bool
}

// structFieldsOf caches structFields by type: every level's front matter is decoded into the
// same struct, thousands of times.
var structFieldsOf sync.Map // reflect.Type -> structInfo

type structInfo struct {
	fields map[string]fieldInfo
	names  []string
}

// cachedStructFields is structFields, worked out once per type. Callers must not change what
// it returns.
func cachedStructFields(t reflect.Type) (map[string]fieldInfo, []string) {
	if v, ok := structFieldsOf.Load(t); ok {
		si := v.(structInfo)
		return si.fields, si.names
	}
	fields, names := structFields(t)
	structFieldsOf.Store(t, structInfo{fields, names})
	return fields, names
}

func structFields(t reflect.Type) (map[string]fieldInfo, []string) {
	fields := map[string]fieldInfo{}
	var names []string
	for i := range t.NumField() {
		tag := t.Field(i).Tag.Get("yaml")
		if tag == "" || tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		fields[name] = fieldInfo{index: i, required: opts == "required"}
		names = append(names, name)
	}
	return fields, names
}

func (d *yamlDecoder) decodeStruct(n *yaml.Node, v reflect.Value) {
	t := v.Type()
	for i := range t.NumField() {
		if t.Field(i).Type == posType && t.Field(i).Name == "Pos" {
			v.Field(i).Set(reflect.ValueOf(d.nodePos(n)))
		}
	}
	if n.Kind != yaml.MappingNode {
		d.r.errorf(d.nodePos(n), "expected a mapping of keys to values, found %s", describe(n))
		return
	}
	fields, names := cachedStructFields(t)
	keys := keyPositions{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			d.r.errorf(d.nodePos(k), "expected a key, found %s", describe(k))
			continue
		}
		if k.Value == "<<" {
			d.r.errorf(d.nodePos(k), "YAML merge keys (<<) are not supported in framework files")
			continue
		}
		if _, dup := keys[k.Value]; dup {
			d.r.errorf(d.nodePos(k), "key %q appears twice", k.Value)
			continue
		}
		keys[k.Value] = d.nodePos(val)
		f, ok := fields[k.Value]
		if !ok {
			sorted := append([]string(nil), names...)
			sort.Strings(sorted)
			d.r.errorf(d.nodePos(k), "unknown key %q%s; known keys: %s", k.Value, Suggest(k.Value, names), strings.Join(sorted, ", "))
			continue
		}
		d.decodeValue(val, v.Field(f.index))
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if f, ok := fields[n.Content[i].Value]; ok && f.required && isEmpty(n.Content[i+1]) {
			d.r.errorf(d.nodePos(n.Content[i+1]), "%q must not be empty", n.Content[i].Value)
		}
	}
	for _, name := range names {
		if fields[name].required {
			if _, ok := keys[name]; !ok {
				d.r.errorf(d.nodePos(n), "missing required key %q", name)
			}
		}
	}
	for i := range t.NumField() {
		if t.Field(i).Type == keysType {
			v.Field(i).Set(reflect.ValueOf(keys))
		}
	}
}

// ident is an id read from YAML, with where it was written.
type ident struct {
	Value string
	Pos   Pos
}

func (id *ident) decodeNode(d *yamlDecoder, n *yaml.Node) {
	id.Pos = d.nodePos(n)
	if s, ok := d.scalar(n, "an id"); ok {
		id.Value = s
	}
}

// rangeValue is a range read from YAML: "2-3", "4", "5+" or a plain number.
type rangeValue struct {
	Range Range
	Pos   Pos
	Set   bool
}

func (rv *rangeValue) decodeNode(d *yamlDecoder, n *yaml.Node) {
	rv.Pos = d.nodePos(n)
	s, ok := d.scalar(n, `a range such as "2-3", "4" or "5+"`)
	if !ok || s == "" {
		return
	}
	r, err := parseRange(s)
	if err != nil {
		d.r.errorf(rv.Pos, "%v", err)
		return
	}
	rv.Range, rv.Set = r, true
}

// parseRange reads "2-3", "4", "5+", allowing spaces and a trailing "%"; a "~" in front of
// either number ("~2-3", "~2-~3") makes the range approximate.
func parseRange(s string) (Range, error) {
	t := strings.TrimSpace(s)
	approx := strings.Contains(t, "~")
	t = strings.ReplaceAll(t, "~", "")
	t = strings.TrimSpace(strings.TrimSuffix(t, "%"))
	// A function, not a value: a framework has thousands of ranges, nearly all of them right.
	bad := func() error { return fmt.Errorf("%q is not a range; write it like \"2-3\", \"4\" or \"5+\"", s) }
	num := func(x string) (float64, bool) {
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		return f, err == nil && f >= 0 && f < 1e6
	}
	if rest, ok := strings.CutSuffix(t, "+"); ok {
		lo, ok := num(rest)
		if !ok {
			return Range{}, bad()
		}
		return Range{Min: lo, Approx: approx}, nil
	}
	if a, b, ok := strings.Cut(t, "-"); ok {
		lo, ok1 := num(a)
		hi, ok2 := num(b)
		if !ok1 || !ok2 {
			return Range{}, bad()
		}
		return Range{Min: lo, Max: &hi, Approx: approx}, nil
	}
	v, ok := num(t)
	if !ok {
		return Range{}, bad()
	}
	return Range{Min: v, Max: &v, Approx: approx}, nil
}

// String writes the range back in the form parseRange reads, with "~" in front when it is
// approximate.
func (r Range) String() string {
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	s := ""
	switch {
	case r.Max == nil:
		s = f(r.Min) + "+"
	case *r.Max == r.Min:
		s = f(r.Min)
	default:
		s = f(r.Min) + "-" + f(*r.Max)
	}
	if r.Approx {
		return "~" + s
	}
	return s
}

// IsZero reports whether the range is unset: no minimum, no maximum, not approximate.
func (r Range) IsZero() bool {
	return r.Min == 0 && r.Max == nil && !r.Approx
}

// splitEntry is one area's share of time as written in a level's front matter.
type splitEntry struct {
	Area  ident
	Range rangeValue
}

// splitMap keeps the areas in the order they were written.
type splitMap []splitEntry

func (ts *splitMap) decodeNode(d *yamlDecoder, n *yaml.Node) {
	if isNull(n) {
		return
	}
	if n.Kind != yaml.MappingNode {
		d.r.errorf(d.nodePos(n), "expected a mapping of area ids to percent ranges, found %s", describe(n))
		return
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		var e splitEntry
		d.decodeValue(n.Content[i], reflect.ValueOf(&e.Area).Elem())
		if seen[e.Area.Value] {
			d.r.errorf(e.Area.Pos, "area %q appears twice in time_split", e.Area.Value)
			continue
		}
		seen[e.Area.Value] = true
		d.decodeValue(n.Content[i+1], reflect.ValueOf(&e.Range).Elem())
		*ts = append(*ts, e)
	}
}
