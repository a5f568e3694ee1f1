package hugo

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// page is a Hugo content file split into its front matter and body.
type page struct {
	file      string // slash path inside the site
	front     map[string]any
	body      string
	bodyStart int // line number of the first body line, for messages
	// name and anchor are set for a level that is a section of a file holding a whole ladder:
	// the name it goes by, and the id of its heading in the file.
	name, anchor string
	node         *yaml.Node // YAML front matter as written, for mappings whose order matters
}

// pairs returns the entries of a mapping in the front matter, in the order written (YAML) or by
// key (TOML, JSON).
func (p *page) pairs(key string) [][2]string {
	var out [][2]string
	if p.node != nil && len(p.node.Content) > 0 {
		m := p.node.Content[0]
		for i := 0; i+1 < len(m.Content); i += 2 {
			if strings.EqualFold(m.Content[i].Value, key) && m.Content[i+1].Kind == yaml.MappingNode {
				kv := m.Content[i+1].Content
				for j := 0; j+1 < len(kv); j += 2 {
					out = append(out, [2]string{kv[j].Value, kv[j+1].Value})
				}
				return out
			}
		}
		return nil
	}
	if m, ok := p.front[key].(map[string]any); ok {
		for k, v := range m {
			out = append(out, [2]string{k, fmt.Sprint(v)})
		}
		sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	}
	return out
}

// id is the name the page goes by: its file's name, or its section's.
func (p *page) id() string {
	if p.name != "" {
		return p.name
	}
	return pageName(p.file)
}

func (p *page) str(key string) string {
	switch v := p.front[key].(type) {
	case string:
		return strings.TrimSpace(v)
	case nil:
		return ""
	default:
		return fmt.Sprint(v)
	}
}

// title is the page's title: its front matter's, else that of the # heading it starts with.
func (p *page) title() string {
	if t := p.str("title"); t != "" {
		return t
	}
	for _, line := range strings.Split(p.body, "\n") {
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "<!--") {
			continue
		}
		if m := headingRE.FindStringSubmatch(t); m != nil && len(m[1]) == 1 {
			return strings.TrimSpace(headingAttr.ReplaceAllString(m[2], ""))
		}
		return ""
	}
	return ""
}

// dropTitle takes away the # heading a page starts with when it is the page's title, which a
// framework shows on its own.
func dropTitle(body, title string) string {
	lines := strings.Split(body, "\n")
	for i, line := range lines {
		t := strings.TrimSpace(line)
		if t == "" {
			continue
		}
		if m := headingRE.FindStringSubmatch(t); m != nil && len(m[1]) == 1 && strings.EqualFold(strings.TrimSpace(headingAttr.ReplaceAllString(m[2], "")), title) {
			return strings.Join(lines[i+1:], "\n")
		}
		break
	}
	return body
}

// weight is the page's order among its siblings; Hugo puts pages without one after the others.
func (p *page) weight() (float64, bool) {
	switch v := p.front["weight"].(type) {
	case int:
		return float64(v), true
	case int64:
		return float64(v), true
	case float64:
		return v, true
	case string:
		f, err := strconv.ParseFloat(v, 64)
		return f, err == nil
	}
	return 0, false
}

// parsePage reads YAML (---), TOML (+++) or JSON ({...}) front matter, as Hugo does.
func parsePage(file string, src []byte) (*page, error) {
	s := strings.ReplaceAll(strings.TrimPrefix(string(src), "\ufeff"), "\r\n", "\n")
	p := &page{file: file, front: map[string]any{}, body: s, bodyStart: 1}
	lines := strings.Split(s, "\n")
	if len(lines) == 0 {
		return p, nil
	}
	first := strings.TrimSpace(lines[0])
	switch first {
	case "---", "+++":
		for i := 1; i < len(lines); i++ {
			if strings.TrimSpace(lines[i]) != first {
				continue
			}
			front := strings.Join(lines[1:i], "\n")
			p.body = strings.Join(lines[i+1:], "\n")
			p.bodyStart = i + 2
			var err error
			if first == "---" {
				err = yaml.Unmarshal([]byte(front), &p.front)
				if err != nil {
					return nil, fmt.Errorf("%s:%d: front matter: %v", file, yamlLine(err)+1, strings.TrimPrefix(err.Error(), "yaml: "))
				}
				var n yaml.Node
				if yaml.Unmarshal([]byte(front), &n) == nil {
					p.node = &n
				}
			} else {
				p.front, err = parseTOML(front)
				if err != nil {
					return nil, fmt.Errorf("%s:%v", file, err)
				}
			}
			p.front = lowerKeys(p.front)
			return p, nil
		}
		return nil, fmt.Errorf("%s:1: front matter is not closed: no second %s line", file, first)
	}
	if strings.HasPrefix(first, "{") {
		dec := json.NewDecoder(strings.NewReader(s))
		if err := dec.Decode(&p.front); err != nil {
			return nil, fmt.Errorf("%s:1: JSON front matter: %v", file, err)
		}
		p.front = lowerKeys(p.front)
		rest := s[dec.InputOffset():]
		p.bodyStart = strings.Count(s[:dec.InputOffset()], "\n") + 1
		p.body = strings.TrimPrefix(rest, "\n")
	}
	return p, nil
}

var yamlLineRE = regexp.MustCompile(`line (\d+)`)

func yamlLine(err error) int {
	if m := yamlLineRE.FindStringSubmatch(err.Error()); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n
	}
	return 1
}

// parseTOML reads the flat TOML that front matter and site configs use: key = value with
// strings, numbers, booleans and arrays of strings. Tables ([params]) are skipped: nothing an
// import keeps lives there.
func parseTOML(src string) (map[string]any, error) {
	out := map[string]any{}
	inTable := false
	for i, line := range strings.Split(src, "\n") {
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		if strings.HasPrefix(t, "[") {
			inTable = true
			continue
		}
		if inTable {
			continue
		}
		k, v, ok := strings.Cut(t, "=")
		if !ok {
			return nil, fmt.Errorf("%d: TOML front matter: expected key = value", i+2)
		}
		k = strings.Trim(strings.TrimSpace(k), `"`)
		v = strings.TrimSpace(v)
		switch {
		case strings.HasPrefix(v, `"`):
			if s, err := strconv.Unquote(v); err == nil {
				out[k] = s
			} else {
				out[k] = strings.Trim(v, `"`)
			}
		case strings.HasPrefix(v, "'"):
			out[k] = strings.Trim(v, "'") // a literal string: no escapes
		case v == "true" || v == "false":
			out[k] = v == "true"
		case strings.HasPrefix(v, "["):
			var list []string
			for _, item := range strings.Split(strings.Trim(v, "[]"), ",") {
				if item = strings.Trim(strings.TrimSpace(item), `"'`); item != "" {
					list = append(list, item)
				}
			}
			out[k] = list
		default:
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				out[k] = f
			} else {
				out[k] = v
			}
		}
	}
	return out, nil
}

// lowerKeys makes front matter keys lowercase: Hugo reads linkTitle and linktitle alike.
func lowerKeys(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[strings.ToLower(k)] = v
	}
	return out
}
