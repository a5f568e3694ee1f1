package hugo

import (
	"encoding/json"
	"fmt"
	"regexp"
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
