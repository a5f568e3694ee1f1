package handout

import (
	"strings"
	"testing"

	"github.com/rungs/rungs/frameworks"
	"github.com/rungs/rungs/internal/ladder"
)

func TestDocument(t *testing.T) {
	fsys, _ := frameworks.FS("engineering")
	f, _, err := ladder.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	names, docs := Documents(f)
	if strings.Join(names, " ") != "engineering.md engineering-management.md" {
		t.Fatalf("names %q", names)
	}
	doc := string(docs["engineering.md"])
	for _, want := range []string{
		"# Engineering\n\n*Example Co*\n",
		"| [Senior Engineer](#senior-engineer-en3) | EN3 | 3+ | Owns the team's systems",
		"\n## Senior Engineer (EN3)\n\n*Owns the team's systems end to end",
		"**Tenure:** 3+ years  \n**Time split:** Core 50-65%, Management 10-20%",
		"\n### Core\n\n- Turns vague problems into concrete plans",
		"*Site Reliability only:*\n\n- Defines service level objectives",
		"- **Ownership**: Feels responsible for the health of the team's systems",
		"  - Example: turned \"checkout feels slow\"",
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("handout lacks %q", want)
		}
	}
	// Every expectation of every level is in the handout, in order.
	at := 0
	for _, lv := range f.Ladder("engineering").Levels {
		for _, la := range lv.Areas {
			for _, e := range la.Expectations {
				i := strings.Index(doc[at:], plainLinks(e.Text))
				if i < 0 {
					t.Fatalf("%s: %q missing or out of order", lv.ID, e.Text)
				}
				at += i
			}
		}
	}
	mgmt := string(docs["engineering-management.md"])
	if !strings.Contains(mgmt, "This ladder starts beside Senior Engineer on the Engineering ladder.") ||
		!strings.Contains(mgmt, "**Equal to:** Senior Engineer (Engineering)") {
		t.Errorf("branch and equivalences missing:\n%.600s", mgmt)
	}
	if strings.Contains(doc, ".md)") {
		t.Error("links between framework files must become text in a handout")
	}
}
