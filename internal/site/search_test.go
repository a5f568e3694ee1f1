package site

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/rungs/rungs/frameworks"
	"github.com/rungs/rungs/internal/gen"
	"github.com/rungs/rungs/internal/ladder"
)

// decodePostings reads one list of document ids as search.go writes it (and app.js reads it).
func decodePostings(t *testing.T, b []byte) []int32 {
	t.Helper()
	if len(b) < 2 {
		t.Fatalf("list of %d bytes", len(b))
	}
	kind, b := b[0], b[1:]
	uvarint := func() int32 {
		v, k := binary.Uvarint(b)
		if k <= 0 {
			t.Fatal("bad varint")
		}
		b = b[k:]
		return int32(v)
	}
	var ids []int32
	switch kind {
	case 0:
		n, id := uvarint(), int32(-1)
		for range n {
			id += uvarint()
			ids = append(ids, id)
		}
	case 1:
		first, n := uvarint(), uvarint()
		for j := range n {
			for bit := range int32(8) {
				if b[j]&(1<<bit) != 0 {
					ids = append(ids, first+8*j+bit)
				}
			}
		}
		b = b[n:]
	default:
		t.Fatalf("list of kind %d", kind)
	}
	if len(b) != 0 {
		t.Fatalf("%d bytes after the list", len(b))
	}
	return ids
}

// TestPostings: a list of ids comes back as it went in, sparse or dense, in whichever form is
// smaller.
func TestPostings(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, density := range []float64{0.001, 0.05, 0.3, 0.9, 1} {
		t.Run(fmt.Sprint(density), func(t *testing.T) {
			p := postings{last: -1}
			var want []int32
			for id := int32(rng.IntN(50)); id < 20000; id++ {
				if rng.Float64() < density {
					p.add(id)
					want = append(want, id)
				}
			}
			enc := p.encode(nil)
			if got := decodePostings(t, enc); !slices.Equal(got, want) {
				t.Fatalf("%d ids came back as %d", len(want), len(got))
			}
			span := int(want[len(want)-1]-want[0])/8 + 1
			if len(enc) > span+2*binary.MaxVarintLen32+1 {
				t.Errorf("%d ids in %d bytes, more than a bitmap of %d", len(want), len(enc), span)
			}
		})
	}
}

// searchShards reads a built site's search index: every word with its two lists.
func searchShards(t *testing.T, s *Site) (manifest struct {
	Docs, Chunk int
	Version     string
	Shards      []string
}, words map[string][2][]int32, order []string) {
	t.Helper()
	if err := json.Unmarshal(s.Files["search/index.json"].Body, &manifest); err != nil {
		t.Fatal(err)
	}
	words = map[string][2][]int32{}
	for i, first := range manifest.Shards {
		f := s.Files[fmt.Sprintf("search/w%d.bin", i)]
		if f == nil {
			t.Fatalf("no shard %d", i)
		}
		b := f.Body
		read := func() []byte {
			n, k := binary.Uvarint(b)
			v := b[k : k+int(n)]
			b = b[k+int(n):]
			return v
		}
		n, k := binary.Uvarint(b)
		b = b[k:]
		for j := range int(n) {
			w := string(read())
			if j == 0 && w != first {
				t.Errorf("shard %d starts with %q, the manifest says %q", i, w, first)
			}
			words[w] = [2][]int32{decodePostings(t, read()), decodePostings(t, read())}
			order = append(order, w)
		}
		if len(b) != 0 {
			t.Errorf("shard %d: %d bytes left over", i, len(b))
		}
	}
	return manifest, words, order
}

// TestSearchIndex checks the index of a generated framework against its documents: words in
// the order the script searches them, every document's title words listed with it as title
// words, no document in both lists of a word, and documents where the manifest says.
func TestSearchIndex(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "fw")
	if err := gen.Write(dir, gen.Spec{Ladders: 40, Levels: 5, WordsPerLevel: 400}); err != nil {
		t.Fatal(err)
	}
	f, diags, err := ladder.Load(os.DirFS(dir))
	if err != nil || diags.HasErrors() {
		t.Fatalf("load: %v %s", err, diags.Error())
	}
	s, err := Render(f, os.DirFS(dir), Options{})
	if err != nil {
		t.Fatal(err)
	}
	m, words, order := searchShards(t, s)
	if !slices.IsSortedFunc(order, compareUTF16) {
		t.Error("words are not in order")
	}
	if len(m.Shards) < 2 {
		t.Errorf("%d word shards; this framework should need several", len(m.Shards))
	}
	type doc struct{ title, url string }
	var docs []doc
	for k := 0; k*m.Chunk < m.Docs; k++ {
		var chunk struct {
			D [][4]any
			U []string
		}
		if err := json.Unmarshal(s.Files[fmt.Sprintf("search/d%d.json", k)].Body, &chunk); err != nil {
			t.Fatal(err)
		}
		if len(chunk.D) != min(m.Chunk, m.Docs-k*m.Chunk) {
			t.Fatalf("chunk %d holds %d documents", k, len(chunk.D))
		}
		for _, d := range chunk.D {
			docs = append(docs, doc{title: d[0].(string), url: chunk.U[int(d[1].(float64))] + "#" + d[2].(string)})
		}
	}
	wantDocs := 1 + len(f.Pages) + len(f.Crosswalk)
	for _, l := range f.Ladders {
		wantDocs += 1 + len(l.Areas()) + len(l.Tracks)
		for _, lv := range l.Levels {
			wantDocs++
			for _, la := range lv.Areas {
				wantDocs += len(la.Expectations)
			}
		}
	}
	if len(docs) != wantDocs || m.Docs != wantDocs {
		t.Fatalf("%d documents (manifest: %d), want %d", len(docs), m.Docs, wantDocs)
	}
	for w, lists := range words {
		in := map[int32]bool{}
		for _, id := range lists[0] {
			in[id] = true
		}
		for _, id := range lists[1] {
			if in[id] {
				t.Fatalf("%q: document %d is in both lists", w, id)
			}
		}
	}
	for id, d := range docs {
		for _, w := range searchWordsOf(d.title) {
			if !slices.Contains(words[w][0], int32(id)) {
				t.Fatalf("document %d (%q, %s): %q is not listed as a title word", id, d.title, d.url, w)
			}
		}
	}
	if got := searchWordsOf("Team's café—SRE2 Ünïcode"); strings.Join(got, " ") != "team s café sre2 ünïcode" {
		t.Errorf("words of a title: %q", got)
	}
}

// TestSearchProse: the words of a level's summary and introduction, an area's description and
// a track's summary find them, and their document keeps the text a result quotes.
func TestSearchProse(t *testing.T) {
	t.Parallel()
	fsys, _ := frameworks.FS(frameworks.Default)
	f, _, _ := ladder.Load(fsys)
	s, err := Render(f, fsys, Options{})
	if err != nil {
		t.Fatal(err)
	}
	m, words, _ := searchShards(t, s)
	var docs [][]any
	for k := 0; k*m.Chunk < m.Docs; k++ {
		var chunk struct{ D [][]any }
		if err := json.Unmarshal(s.Files[fmt.Sprintf("search/d%d.json", k)].Body, &chunk); err != nil {
			t.Fatal(err)
		}
		docs = append(docs, chunk.D...)
	}
	tests := []struct{ name, word, title, text string }{
		{"a level's introduction", "mentoring", "Senior Engineer (EN3)", "reviews, mentoring and example"},
		{"a level's summary", "owns", "Senior Engineer (EN3)", "Owns the team's systems end to end"},
		{"an area's description", "coaching", "Management", "Coaching, feedback, careers"},
		{"a track's summary", "reliability", "Site Reliability", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lists := words[tt.word]
			for _, id := range append(lists[0], lists[1]...) {
				d := docs[id]
				if d[0] != tt.title {
					continue
				}
				if tt.text == "" {
					return
				}
				if len(d) == 5 && strings.Contains(d[4].(string), tt.text) {
					return
				}
			}
			t.Errorf("%q does not find %q with the text %q", tt.word, tt.title, tt.text)
		})
	}
}

func TestSnippet(t *testing.T) {
	long := strings.Repeat("word ", 200)
	tests := []struct {
		name  string
		texts []string
		want  string
	}{
		{"spaces tidied", []string{"  Owns the\nteam's\tsystems. ", "Mentors  others."}, "Owns the team's systems. Mentors others."},
		{"empty", []string{"", " "}, ""},
		{"cut at the end of a word", []string{long}, strings.TrimSpace(long[:searchTextBytes+5]) + " …"},
		{"a word without end", []string{strings.Repeat("é", 1000)}, strings.Repeat("é", (searchTextBytes+64)/2) + " …"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := snippet(tt.texts...); got != tt.want {
				t.Errorf("snippet = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestSearchWords: the index's words are the runs of letters, digits and marks, lower-cased,
// however the text mixes capitals, other scripts and punctuation.
func TestSearchWords(t *testing.T) {
	isWord := func(r rune) bool {
		if r < utf8.RuneSelf {
			return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
		}
		return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsMark(r)
	}
	for _, s := range []string{
		"", "plain words only", "Capital Start", "ALL CAPS", "snake_case and-dash", "abc—def", "—Abc",
		"abcÉ Éabc aÉb", "Ünïcode café", "日本語のテキスト", "x\xffy \xff", "e\u0301 combining", "2nd 3RD",
		"trailing.", " lead", "İstanbul ΣΊΣΥΦΟΣ", "a\u2028b", "👍emoji👍",
	} {
		var want []string
		for _, w := range strings.FieldsFunc(s, func(r rune) bool { return !isWord(r) }) {
			want = append(want, strings.Map(unicode.ToLower, w))
		}
		if got := searchWordsOf(s); !slices.Equal(got, want) {
			t.Errorf("%q: %q, want %q", s, got, want)
		}
	}
}
