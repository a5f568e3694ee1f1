package changes

import "strings"

// Word is a run of words in a word diff: kept ("="), removed ("-") or added ("+").
type Word struct {
	Op   string `json:"op"`
	Text string `json:"text"`
}

// WordDiff compares two texts word by word (a longest common subsequence), so a reader sees the
// few words that changed in an expectation rather than two whole sentences.
func WordDiff(old, new string) []Word {
	a, b := strings.Fields(old), strings.Fields(new)
	// lcs[i][j] is the length of the longest common subsequence of a[i:] and b[j:].
	lcs := make([][]int, len(a)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out []Word
	add := func(op, w string) {
		if n := len(out); n > 0 && out[n-1].Op == op {
			out[n-1].Text += " " + w
			return
		}
		out = append(out, Word{Op: op, Text: w})
	}
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case i < len(a) && j < len(b) && a[i] == b[j]:
			add("=", a[i])
			i, j = i+1, j+1
		case j < len(b) && (i == len(a) || lcs[i][j+1] >= lcs[i+1][j]):
			add("+", b[j])
			j++
		default:
			add("-", a[i])
			i++
		}
	}
	// Removed words read best before the words that replace them.
	for k := 1; k < len(out); k++ {
		if out[k-1].Op == "+" && out[k].Op == "-" {
			out[k-1], out[k] = out[k], out[k-1]
		}
	}
	return out
}
