package web

import (
	"context"
	"net/http"
	"sync"

	"github.com/rungs/rungs/internal/app/policy"
	"github.com/rungs/rungs/internal/store"
)

// Group commit for the audit log's busiest writer, the API: each use of a token is recorded
// before it is answered, but the records of requests that arrive together are written in one
// transaction. On SQLite, where one connection writes, a transaction per record made the
// writer the API's bottleneck (BenchmarkAPIPeople: 420 requests a second with one each,
// 950 without any).

// auditGroup queues records and writes them in batches, with one writer at a time, started
// when a record arrives and ending when the queue is empty (so an idle app runs none).
type auditGroup struct {
	mu      sync.Mutex
	queue   []*pendingAudit
	running bool
}

type pendingAudit struct {
	r       *http.Request
	v       *policy.Viewer
	action  string
	subject int64
	detail  string
	done    chan error
}

// maxAuditGroup is the most records one transaction writes.
const maxAuditGroup = 256

// AuditGrouped records what a viewer did, like Audit, in a transaction it shares with the
// records of other requests made at the same time; it returns once the record is committed.
func (srv *Server) AuditGrouped(r *http.Request, v *policy.Viewer, action string, subject int64, detail string) error {
	p := &pendingAudit{r: r, v: v, action: action, subject: subject, detail: detail, done: make(chan error, 1)}
	g := &srv.audits
	g.mu.Lock()
	g.queue = append(g.queue, p)
	if !g.running {
		g.running = true
		go srv.writeAudits()
	}
	g.mu.Unlock()
	return <-p.done
}

// writeAudits writes the queued records, a batch per transaction, until none are left.
func (srv *Server) writeAudits() {
	g := &srv.audits
	for {
		g.mu.Lock()
		n := min(len(g.queue), maxAuditGroup)
		batch := g.queue[:n:n]
		g.queue = g.queue[n:]
		if n == 0 {
			g.running = false
			g.queue = nil
			g.mu.Unlock()
			return
		}
		g.mu.Unlock()
		// Not cancelled with the first request: one caller giving up must not undo the others'
		// records.
		err := srv.cfg.Store.WithTx(context.WithoutCancel(batch[0].r.Context()), func(tx *store.Store) error {
			for _, p := range batch {
				if err := srv.Audit(tx, p.r, p.v, p.action, p.subject, p.detail); err != nil {
					return err
				}
			}
			return nil
		})
		for _, p := range batch {
			p.done <- err
		}
	}
}
