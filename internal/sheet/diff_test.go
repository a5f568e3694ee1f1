package sheet

import (
	"fmt"
	"strings"
)

// lineDiff shows the first lines where two texts differ, with a little context.
func lineDiff(a, b string) string {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(la) || i < len(lb); i++ {
		x, y := "", ""
		if i < len(la) {
			x = la[i]
		}
		if i < len(lb) {
			y = lb[i]
		}
		if x != y {
			lo := max(i-3, 0)
			var out strings.Builder
			for j := lo; j < i && j < len(la); j++ {
				out.WriteString("  " + la[j] + "\n")
			}
			fmt.Fprintf(&out, "- %s\n+ %s\n", x, y)
			return out.String()
		}
	}
	return ""
}
