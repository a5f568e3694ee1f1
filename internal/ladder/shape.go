package ladder

import (
	"errors"
	"io/fs"
)

// Shape is what a framework's YAML files say — rungs.yaml, crosswalk.yaml and each ladder's
// ladder.yaml — read without its level and page files: the settings and scale, and each ladder
// with its groups, areas and tracks but no levels. Importers that take the levels and pages from
// elsewhere (a Hugo site rungs exported keeps these files under data/rungs/; a folder of
// Markdown level pages may have them beside the pages) fill those in and call Resolve.
type Shape struct {
	Framework *Framework
	Levels    map[string][]string // each ladder's level ids, in order
	Pages     []string            // the page ids, in order
	l         *loader
}

// LoadShape reads the YAML files of the framework in fsys with the checks Load makes. It returns
// ErrNoFramework when there is no rungs.yaml, and nil with the problems when the files cannot be
// read.
func LoadShape(fsys fs.FS) (*Shape, Diagnostics, error) {
	src, err := fs.ReadFile(fsys, FrameworkFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, ErrNoFramework
	}
	if err != nil {
		return nil, nil, err
	}
	l := &loader{fsys: fsys, levelFiles: map[string]*levelSource{}, levelOrder: map[string]map[string]int{}, shapeOnly: true}
	f := l.framework(src)
	l.r.diags.Sort()
	if f == nil || l.r.diags.HasErrors() {
		return nil, l.r.diags, nil
	}
	s := &Shape{Framework: f, Levels: map[string][]string{}, l: l}
	for _, ld := range f.Ladders {
		for _, id := range l.ladderSrc[ld.ID].Levels {
			s.Levels[ld.ID] = append(s.Levels[ld.ID], id.Value)
		}
	}
	var ff frameworkFile
	d := &yamlDecoder{file: FrameworkFile, r: &reporter{}}
	if n := d.parseYAML(src); n != nil {
		d.decode(n, &ff)
	}
	for _, id := range ff.Pages {
		s.Pages = append(s.Pages, id.Value)
	}
	return s, l.r.diags, nil
}

// Resolve reads what refers to levels, now that the importer has put them in s.Framework:
// branches and equivalences between ladders, the crosswalk and each ladder's promotion
// guidance, with the checks Load makes. Ladders the importer added are left as they are.
func (s *Shape) Resolve() Diagnostics {
	s.l.r = reporter{}
	s.l.crossReferences(s.Framework)
	s.l.promotions(s.Framework)
	s.l.r.diags.Sort()
	return s.l.r.diags
}
