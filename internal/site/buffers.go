package site

import (
	"bytes"
	"sync"
)

// Pages are rendered into buffers kept for the next page: a large site has thousands of pages
// of tens of kilobytes, and a fresh buffer each time is memory to clear and collect.
var buffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func getBuffer() *bytes.Buffer { return buffers.Get().(*bytes.Buffer) }

// putBuffer returns a buffer for reuse, unless it grew for an unusually large page.
func putBuffer(b *bytes.Buffer) {
	if b.Cap() > 4<<20 {
		return
	}
	b.Reset()
	buffers.Put(b)
}
