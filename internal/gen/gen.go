// Package gen writes large synthetic frameworks for benchmarks: realistic in shape (areas,
// tracks, traits, time splits, tenure, examples) and size (about 800 words a level), and the
// same every time for the same arguments.
package gen

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
)

// Spec says how big a framework to generate.
type Spec struct {
	Ladders       int // ladders in the framework
	Levels        int // levels per ladder
	WordsPerLevel int // roughly, across all of a level's expectations
}

var areas = []struct{ id, title string }{
	{"core", "Core"}, {"management", "Management"}, {"organisation-building", "Organisation building"},
	{"delighting-people", "Delighting people"}, {"community", "Community and social capital"},
}

var vocabulary = strings.Fields(`designs reviews ships measures improves documents explains mentors
plans estimates leads owns tests monitors refactors simplifies automates deploys debugs negotiates
the team's services features systems releases incidents dashboards budgets pipelines contracts
interfaces libraries migrations experiments roadmaps reviews hiring onboarding standards practices
with clear measurable careful thoughtful reliable safe small large several across within between
customers colleagues managers engineers designers analysts partners users teams groups departments
so that when before after while because until unless although and or but then also often
latency errors cost quality security accessibility performance capacity risk scope trade-offs`)

// Write writes the framework into dir, which must not exist yet.
func Write(dir string, s Spec) error {
	r := rand.New(rand.NewPCG(uint64(s.Ladders), uint64(s.Levels*1000+s.WordsPerLevel)))
	files := map[string]string{}
	var ladders []string
	for l := range s.Ladders {
		id := fmt.Sprintf("ladder-%03d", l+1)
		ladders = append(ladders, id)
		var levels []string
		for v := range s.Levels {
			levels = append(levels, fmt.Sprintf("level-%d", v+1))
		}
		files[filepath.Join("ladders", id, "ladder.yaml")] = ladderYAML(l, levels)
		for v, lv := range levels {
			files[filepath.Join("ladders", id, lv+".md")] = level(r, l, v, s.WordsPerLevel)
		}
	}
	files["rungs.yaml"] = fmt.Sprintf(`title: Generated Framework
organisation: Generated Org
scale:
  - id: not-yet
    label: Not yet
  - id: sometimes
    label: Sometimes
  - id: consistently
    label: Consistently
ladders: [%s]
pages: [introduction]
`, strings.Join(ladders, ", "))
	files["pages/introduction.md"] = "---\ntitle: Introduction\n---\n\n" + sentence(r, 120) + "\n"
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			return err
		}
	}
	return nil
}

func ladderYAML(n int, levels []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "title: Ladder %d\nsummary: A generated ladder.\ngroups:\n  - id: professional\n    title: Professional competencies\n    areas:\n", n+1)
	for _, a := range areas {
		fmt.Fprintf(&b, "      - id: %s\n        title: %s\n", a.id, a.title)
	}
	b.WriteString("  - id: behavioural\n    title: Behavioural competencies\n    areas:\n      - id: traits\n        title: Enabling traits\n        kind: traits\n")
	b.WriteString("tracks:\n  - id: product\n    title: Product\n  - id: platform\n    title: Platform\n")
	fmt.Fprintf(&b, "levels: [%s]\n", strings.Join(levels, ", "))
	return b.String()
}

// level writes level v of ladder l. Its expectation ids carry the ladder's number: the same id
// on the levels of one ladder is the same expectation, grown, but two ladders share none.
func level(r *rand.Rand, l, v, words int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "---\ntitle: Level %d\ncode: L%d\nsummary: %s\ntenure: %d-%d\ntime_split:\n", v+1, v+1, sentence(r, 10), v+1, v+3)
	core := 80 - 8*min(v, 8)
	fmt.Fprintf(&b, "  core: %d-%d\n", core-5, core+5)
	for _, a := range areas[1:] {
		share := (100 - core) / 4
		fmt.Fprintf(&b, "  %s: %d-%d\n", a.id, max(share-3, 0), share+3)
	}
	b.WriteString("---\n\n" + sentence(r, 60) + "\n")
	perBullet := 18
	bullets := max(words/perBullet/(len(areas)+1), 2)
	for i, a := range areas {
		fmt.Fprintf(&b, "\n## %s\n\n", a.title)
		for j := range bullets {
			fmt.Fprintf(&b, "- %s {#l%d-%s-%d}\n", sentence(r, perBullet), l+1, a.id, j+1)
			if j == 0 && i == 0 {
				fmt.Fprintf(&b, "  - Example: %s\n", sentence(r, 12))
			}
		}
		if i == 0 {
			b.WriteString("\n### Product\n\n")
			fmt.Fprintf(&b, "- %s {#l%d-product-1}\n", sentence(r, perBullet), l+1)
			b.WriteString("\n### Platform\n\n")
			fmt.Fprintf(&b, "- %s {#l%d-platform-1}\n", sentence(r, perBullet), l+1)
		}
	}
	b.WriteString("\n## Enabling traits\n\n")
	for j := range bullets {
		fmt.Fprintf(&b, "- **Trait %d**: %s {#trait-%d}\n", j+1, sentence(r, perBullet-3), j+1)
	}
	return b.String()
}

func sentence(r *rand.Rand, n int) string {
	w := make([]string, n)
	for i := range w {
		w[i] = vocabulary[r.IntN(len(vocabulary))]
	}
	s := strings.Join(w, " ")
	return strings.ToUpper(s[:1]) + s[1:] + "."
}
