package site

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/rungs/rungs/internal/jsontext"
)

// The search index is split into small files, as Pagefind splits its own, so that a query
// downloads only what it needs, however large the framework:
//
//   - search/index.json, the manifest: how many documents there are, and the first word of
//     each word shard;
//   - search/w<i>.bin, the word shards: words in order, each with the documents that hold it;
//   - search/d<k>.json, the documents, docsPerChunk to a file: what a result shows.
//
// A document is a page, a ladder, an area, a track, a level, an expectation or a crosswalk
// title. A document file lists each as [title, url, anchor, context], and a fifth item, its
// text (up to searchTextBytes of it), when it has text besides its title: the results show
// the words around the match. A query word
// matches a document when it begins a word of the document's title, context or text (a word
// of one or two letters must be the whole word, or "a" would fetch half the index). A document
// matches a query when every query word does; results come best first (title words count
// double), then in the order of the site.
//
// A word shard is binary: a varint count of words, then for each word its UTF-8 bytes (varint
// length first) and two lists of document ids, each varint length-prefixed: the documents
// with the word in their title, and those with it elsewhere only. A list is either 0, a varint
// count and the ids as varint gaps (the first from -1), or 1, a varint first id, a varint byte
// count and a bitmap from that id on (bit i of byte j: document first+8j+i), whichever is
// smaller: words that most documents hold cost a bit a document.
//
// internal/site/assets/app.js reads them; the two must change together (searchFormat).

const (
	searchFormat   = 1
	docsPerChunk   = 128
	wordShardBytes = 24 << 10
	// searchTextBytes is how much of a document's text its document file keeps to show a match
	// in: enough for a level's summary and introduction; the index holds every word.
	searchTextBytes = 600
)

// searchDoc is one document as a result shows it.
type searchDoc struct {
	title, url, anchor, context string
	text                        string // what a result quotes around the match; "" for none
}

// searchWord is one word of the index with the documents that hold it.
type searchWord struct {
	word  string
	title postings // documents with the word in their title
	other postings // documents with it only in their context or text
}

// postings is a list of document ids, in order, kept as varint gaps while the index is built;
// once gaps take more room than a bitmap would, as a bitmap. A large framework's common words
// are in hundreds of thousands of documents.
type postings struct {
	n     int32
	last  int32 // the last id added; -1 at first
	first int32
	gaps  []byte
	bits  []byte // bit i: document first+i
}

func (p *postings) add(doc int32) {
	if p.n == 0 {
		p.first = doc
	}
	p.n++
	if p.bits != nil {
		p.set(doc)
		p.last = doc
		return
	}
	p.gaps = binary.AppendUvarint(p.gaps, uint64(doc-p.last))
	p.last = doc
	if len(p.gaps) > 64 && len(p.gaps) > int(doc-p.first)/8+1 {
		gaps := p.gaps
		p.gaps = nil
		p.bits = make([]byte, 0, int(doc-p.first)/4+1)
		for id := int32(-1); len(gaps) > 0; {
			v, k := binary.Uvarint(gaps)
			gaps = gaps[k:]
			id += int32(v)
			p.set(id)
		}
	}
}

func (p *postings) set(doc int32) {
	i := int(doc - p.first)
	if n := i/8 + 1; n > len(p.bits) {
		p.bits = append(p.bits, make([]byte, n-len(p.bits))...)
	}
	p.bits[i/8] |= 1 << (i % 8)
}

// encode appends the list in the smaller of its two forms.
func (p *postings) encode(b []byte) []byte {
	if p.n == 0 {
		return append(b, 0, 0)
	}
	if p.bits != nil {
		b = append(b, 1)
		b = binary.AppendUvarint(b, uint64(p.first))
		b = binary.AppendUvarint(b, uint64(len(p.bits)))
		return append(b, p.bits...)
	}
	bitmapLen := int(p.last-p.first)/8 + 1
	if binary.PutUvarint(make([]byte, binary.MaxVarintLen32), uint64(p.n))+len(p.gaps) <= bitmapLen+binary.MaxVarintLen32 {
		b = append(b, 0)
		b = binary.AppendUvarint(b, uint64(p.n))
		return append(b, p.gaps...)
	}
	b = append(b, 1)
	b = binary.AppendUvarint(b, uint64(p.first))
	b = binary.AppendUvarint(b, uint64(bitmapLen))
	at := len(b)
	b = append(b, make([]byte, bitmapLen)...)
	for g, id := p.gaps, int32(-1); len(g) > 0; {
		v, k := binary.Uvarint(g)
		g = g[k:]
		id += int32(v)
		i := id - p.first
		b[at+int(i/8)] |= 1 << (i % 8)
	}
	return b
}

// indexer builds the search index document by document and writes the document files as it
// goes; the word shards are written at the end.
type indexer struct {
	r     *renderer
	words map[string]*searchWord
	docs  int32
	chunk []searchDoc
	hash  []byte // of every file written so far, for the manifest's version
	sum   func([]byte)
	buf   []byte
	// reused by appendWords and add
	lower   []byte
	scratch []*searchWord
}

// searchIndex writes the search index: every page, ladder, level, expectation and crosswalk
// title.
func (r *renderer) searchIndex() error {
	h := sha256.New()
	ix := &indexer{r: r, words: map[string]*searchWord{}, sum: func(b []byte) { h.Write(b) }}
	md := r.lazyMarkdown()
	defer md.release()
	add := func(d searchDoc, text ...string) error {
		d.text = snippet(text...)
		return ix.add(d, []string{d.title}, ix.wordsOf(d.context), text)
	}
	if err := add(searchDoc{title: r.f.Title, url: r.url(""), context: "Home"}, r.f.Description); err != nil {
		return err
	}
	for _, p := range r.f.Pages {
		if err := add(searchDoc{title: p.Title, url: r.url(pagePath(p)), context: "Page"}, plain(r.block(md.get(), p.Path, p.Body))); err != nil {
			return err
		}
	}
	for _, l := range r.f.Ladders {
		lurl := r.url(ladderPath(l))
		if err := add(searchDoc{title: l.Title, url: lurl, context: "Ladder"}, l.Summary, r.searchProse(md, l.Path, l.Description)); err != nil {
			return err
		}
		for _, g := range l.Groups {
			for _, a := range g.Areas {
				if err := add(searchDoc{title: a.Title, url: lurl, anchor: a.ID, context: l.Title + " › What each area means"}, a.Description); err != nil {
					return err
				}
			}
		}
		for _, t := range l.Tracks {
			if err := add(searchDoc{title: t.Title, url: lurl, anchor: "tracks-h", context: l.Title + " › Tracks"}, t.Summary); err != nil {
				return err
			}
		}
		for _, lv := range l.Levels {
			url := r.url(levelPath(l, lv))
			if err := add(searchDoc{title: levelName(lv), url: url, context: l.Title}, lv.Summary, r.searchProse(md, lv.Path, lv.Intro)); err != nil {
				return err
			}
			for _, la := range lv.Areas {
				context := l.Title + " › " + lv.Title + " › " + areaTitle(l, la.Area)
				contextWords := ix.wordsOf(context) // the same for every expectation of the area
				for _, e := range la.Expectations {
					title := r.searchText(md, lv.Path, e.Text)
					if e.Name != "" {
						title = e.Name + ": " + title
					}
					d := searchDoc{title: title, url: url, anchor: e.ID, context: context}
					if len(e.Examples) > 0 {
						d.text = snippet(e.Examples...)
					}
					if err := ix.add(d, []string{title}, contextWords, e.Examples); err != nil {
						return err
					}
				}
			}
		}
	}
	for _, t := range r.f.Crosswalk {
		if l := r.f.Ladder(t.Ladder); l != nil {
			if lv := l.Level(t.Level); lv != nil {
				if err := add(searchDoc{title: t.Title + " → " + lv.Title, url: r.url("crosswalk/"), context: "Titles elsewhere"}, t.Note); err != nil {
					return err
				}
			}
		}
	}
	if err := ix.flushDocs(); err != nil {
		return err
	}
	firsts, err := ix.writeWords()
	if err != nil {
		return err
	}
	sum := h.Sum(nil)
	b := []byte(`{"format":` + strconv.Itoa(searchFormat) + `,"version":"` + hex.EncodeToString(sum[:6]) +
		`","docs":` + strconv.Itoa(int(ix.docs)) + `,"chunk":` + strconv.Itoa(docsPerChunk) + `,"shards":[`)
	for i, w := range firsts {
		if i > 0 {
			b = append(b, ',')
		}
		b = jsontext.AppendString(b, w, jsontext.Plain)
	}
	b = append(b, "]}\n"...)
	return r.put("search/index.json", b)
}

// snippet is texts joined by spaces as a result quotes them: runs of spaces and line breaks as
// one space, cut after searchTextBytes at the end of a word, with an ellipsis to say so.
func snippet(texts ...string) string {
	// Most texts are tidy and short already: one is used as it is, several are joined.
	total, tidy, n, only := 0, true, 0, ""
	for _, t := range texts {
		if t == "" {
			continue
		}
		if n > 0 {
			total++
		}
		total, n, only = total+len(t), n+1, t
		tidy = tidy && tidyText(t)
	}
	switch {
	case n == 0:
		return ""
	case tidy && total <= searchTextBytes && n == 1:
		return only
	case tidy && total <= searchTextBytes && n == len(texts):
		return strings.Join(texts, " ")
	}
	var b []byte
	space := false
	for _, t := range texts {
		for _, c := range []byte(t) {
			if c == ' ' || c == '\n' || c == '\t' || c == '\r' {
				space = len(b) > 0
				continue
			}
			if space {
				if len(b) >= searchTextBytes {
					return string(b) + " …"
				}
				b = append(b, ' ')
				space = false
			}
			if len(b) >= searchTextBytes+64 && utf8.RuneStart(c) { // a word without end
				return string(b) + " …"
			}
			if b == nil {
				b = make([]byte, 0, min(total, searchTextBytes+64))
			}
			b = append(b, c)
		}
		space = len(b) > 0
	}
	return string(b)
}

// tidyText reports whether s is non-empty and has no space to tidy: none at either end, no
// line break or tab, no two spaces together.
func tidyText(s string) bool {
	if s == "" || s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	for i := range len(s) {
		switch s[i] {
		case '\n', '\t', '\r':
			return false
		case ' ':
			if s[i+1] == ' ' {
				return false
			}
		}
	}
	return true
}

// searchProse is Markdown prose (a ladder's description, a level's introduction) as plain text
// for the index. Prose that is plain words over a few lines, as most is, needs no parsing.
func (r *renderer) searchProse(md *markdown, from, src string) string {
	if src == "" {
		return ""
	}
	plainLines := true
	for line := range strings.Lines(src) {
		line = strings.TrimSpace(line)
		if c, _ := utf8.DecodeRuneInString(line); !plainText(line) || line != "" && !unicode.IsLetter(c) {
			plainLines = false
			break
		}
	}
	if plainLines {
		return src // its words are what the index needs; snippet tidies the spaces it quotes
	}
	return plain(r.block(md.get(), from, src))
}

// add indexes one document: the words of title count as title words; the context's words and
// those of rest as others.
func (ix *indexer) add(d searchDoc, title []string, context []*searchWord, rest []string) error {
	id := ix.docs
	ix.docs++
	for _, s := range title {
		ix.scratch = ix.appendWords(ix.scratch[:0], s)
		for _, w := range ix.scratch {
			if w.title.last != id {
				w.title.add(id)
			}
		}
	}
	other := func(w *searchWord) {
		if w.title.last != id && w.other.last != id {
			w.other.add(id)
		}
	}
	for _, w := range context {
		other(w)
	}
	for _, s := range rest {
		ix.scratch = ix.appendWords(ix.scratch[:0], s)
		for _, w := range ix.scratch {
			other(w)
		}
	}
	ix.chunk = append(ix.chunk, d)
	if len(ix.chunk) == docsPerChunk {
		return ix.flushDocs()
	}
	return nil
}

// wordsOf lists the words of s.
func (ix *indexer) wordsOf(s string) []*searchWord {
	return ix.appendWords(nil, s)
}

// asciiWord classes the ASCII bytes for appendWords: 1 for a lower-case letter or a digit, 2
// for a capital, 0 for the rest, which end words.
var asciiWord = func() (t [utf8.RuneSelf]byte) {
	for c := range utf8.RuneSelf {
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
			t[c] = 1
		case 'A' <= c && c <= 'Z':
			t[c] = 2
		}
	}
	return t
}()

// appendWords appends the words of s to out, lower-cased: runs of letters, digits and marks.
// A word of lower-case ASCII, most of them, is looked up where it is in s; only the others are
// copied, lower-cased, first. An index looks up millions of words.
func (ix *indexer) appendWords(out []*searchWord, s string) []*searchWord {
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf && asciiWord[c] == 0 {
			i++
			continue
		}
		start := i
		for i < len(s) && s[i] < utf8.RuneSelf && asciiWord[s[i]] == 1 {
			i++
		}
		if i > start && (i == len(s) || s[i] < utf8.RuneSelf && asciiWord[s[i]] == 0) {
			out = append(out, ix.word(s[start:i]))
			continue
		}
		// A capital or a character beyond ASCII: lower-case the word into ix.lower.
		w := append(ix.lower[:0], s[start:i]...)
		for i < len(s) {
			if c := s[i]; c < utf8.RuneSelf {
				if asciiWord[c] == 0 {
					break
				}
				if asciiWord[c] == 2 {
					c += 'a' - 'A'
				}
				w = append(w, c)
				i++
				continue
			}
			r, size := utf8.DecodeRuneInString(s[i:])
			if !unicode.IsLetter(r) && !unicode.IsNumber(r) && !unicode.IsMark(r) {
				if len(w) == 0 {
					i += size // a word cannot start here: skip the character
					continue
				}
				break
			}
			w = utf8.AppendRune(w, unicode.ToLower(r))
			i += size
		}
		ix.lower = w
		if len(w) > 0 {
			sw := ix.words[string(w)] // no copy made for a lookup
			if sw == nil {
				sw = ix.word(string(w))
			}
			out = append(out, sw)
		}
	}
	return out
}

// word is the index's entry for w, made on first use.
func (ix *indexer) word(w string) *searchWord {
	sw := ix.words[w]
	if sw == nil {
		sw = &searchWord{word: strings.Clone(w), title: postings{last: -1}, other: postings{last: -1}}
		ix.words[sw.word] = sw
	}
	return sw
}

// flushDocs writes the documents gathered since the last chunk.
func (ix *indexer) flushDocs() error {
	if len(ix.chunk) == 0 {
		return nil
	}
	k := (int(ix.docs) - 1) / docsPerChunk
	var urls, contexts []string
	index := func(list *[]string, s string) int {
		for i := len(*list) - 1; i >= 0; i-- { // neighbours share them, so look from the end
			if (*list)[i] == s {
				return i
			}
		}
		*list = append(*list, s)
		return len(*list) - 1
	}
	b := ix.buf[:0]
	b = append(b, `{"d":[`...)
	for i, d := range ix.chunk {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '[')
		b = jsontext.AppendString(b, d.title, jsontext.Plain)
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(index(&urls, d.url)), 10)
		b = append(b, ',')
		b = jsontext.AppendString(b, d.anchor, jsontext.Plain)
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(index(&contexts, d.context)), 10)
		if d.text != "" {
			b = append(b, ',')
			b = jsontext.AppendString(b, d.text, jsontext.Plain)
		}
		b = append(b, ']')
	}
	b = append(b, `],"u":[`...)
	for i, u := range urls {
		if i > 0 {
			b = append(b, ',')
		}
		b = jsontext.AppendString(b, u, jsontext.Plain)
	}
	b = append(b, `],"c":[`...)
	for i, c := range contexts {
		if i > 0 {
			b = append(b, ',')
		}
		b = jsontext.AppendString(b, c, jsontext.Plain)
	}
	b = append(b, "]}\n"...)
	ix.buf = b
	ix.chunk = ix.chunk[:0]
	ix.sum(b)
	return ix.r.put(fmt.Sprintf("search/d%d.json", k), b)
}

// writeWords writes the word shards and returns the first word of each.
func (ix *indexer) writeWords() ([]string, error) {
	words := make([]*searchWord, 0, len(ix.words))
	for _, w := range ix.words {
		words = append(words, w)
	}
	slices.SortFunc(words, func(a, b *searchWord) int { return compareUTF16(a.word, b.word) })
	var firsts []string
	var body, entry []byte
	n := 0
	flush := func() error {
		if n == 0 {
			return nil
		}
		b := binary.AppendUvarint(ix.buf[:0], uint64(n))
		b = append(b, body...)
		ix.buf = b
		ix.sum(b)
		body, n = body[:0], 0
		return ix.r.put(fmt.Sprintf("search/w%d.bin", len(firsts)-1), b)
	}
	for _, w := range words {
		entry = binary.AppendUvarint(entry[:0], uint64(len(w.word)))
		entry = append(entry, w.word...)
		entry = appendPostings(entry, &w.title)
		entry = appendPostings(entry, &w.other)
		if n > 0 && len(body)+len(entry) > wordShardBytes {
			if err := flush(); err != nil {
				return nil, err
			}
		}
		if n == 0 {
			firsts = append(firsts, w.word)
		}
		body = append(body, entry...)
		n++
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return firsts, nil
}

// appendPostings appends a list with its length first.
func appendPostings(b []byte, p *postings) []byte {
	enc := p.encode(nil)
	b = binary.AppendUvarint(b, uint64(len(enc)))
	return append(b, enc...)
}

// compareUTF16 orders strings as JavaScript does, by UTF-16 code units, so that the search
// script can find a word's shard by comparing strings.
func compareUTF16(a, b string) int {
	for a != "" && b != "" {
		ra, na := utf8.DecodeRuneInString(a)
		rb, nb := utf8.DecodeRuneInString(b)
		if ra != rb {
			ua, ub := utf16Units(ra), utf16Units(rb)
			return slices.Compare(ua[:], ub[:])
		}
		a, b = a[na:], b[nb:]
	}
	return len(a) - len(b)
}

// utf16Units is a rune as UTF-16 code units (the second is 0 for a rune of one unit).
func utf16Units(r rune) [2]rune {
	if r < 0x10000 {
		return [2]rune{r, 0}
	}
	r -= 0x10000
	return [2]rune{0xD800 + r>>10, 0xDC00 + r&0x3FF}
}

// searchWordsOf lists the words the index makes of s, for tests.
func searchWordsOf(s string) []string {
	ix := &indexer{words: map[string]*searchWord{}}
	var out []string
	for _, w := range ix.wordsOf(s) {
		out = append(out, w.word)
	}
	return out
}
