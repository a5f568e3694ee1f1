package web

import (
	"context"
	"errors"
	"net/http"
	"sync"

	"github.com/rungs/rungs/internal/app/policy"
	"github.com/rungs/rungs/internal/obs"
	"github.com/rungs/rungs/internal/store"
)

// AuditsFirst is h, whose answer goes out only once the audit entries its request added
// outside a transaction (reads: a page view, a search, an export) are on disk. Server.Audit
// starts writing an entry and returns; the page is made meanwhile, and waits, ready, for the
// disk only when it is about to be sent. A page made after its entry was on disk waited for
// the disk first and was worked on after: when the disk stalled for tens of milliseconds,
// every page waiting then was still to be made once it came back, and made in turn.
//
// An entry that fails is answered by fail instead, and the page is dropped unsent. The
// request's turn is lent to the next in line while the answer waits (see Turn).
func AuditsFirst(fail FailFunc, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		aw := &auditedWriter{ResponseWriter: w, fail: fail}
		r = r.WithContext(context.WithValue(r.Context(), auditsKey{}, aw))
		aw.r = r
		h.ServeHTTP(aw, r)
		// An answer the handler left to the server (nothing written) waits too.
		aw.settle()
	})
}

// FailFunc answers a request with err: Server.Fail for pages, an API's own for its routes.
type FailFunc func(w http.ResponseWriter, r *http.Request, v *policy.Viewer, err error)

type auditsKey struct{}

// pendingAudit is an entry on its way to disk, and what to say of it once it is there.
type pendingAudit struct {
	p      *store.AuditPending
	action string
	v      *policy.Viewer
}

// auditedWriter holds the answer back until the request's entries are on disk.
type auditedWriter struct {
	http.ResponseWriter
	fail FailFunc
	r    *http.Request
	// mu guards pending and started: a job the request starts may add entries after it ended.
	mu      sync.Mutex
	pending []pendingAudit
	started bool // the answer went out or is going: an entry added now is waited for at once
	failed  bool // an entry failed: the error answer went out, and the handler's is dropped
}

// hold keeps pa for the answer to wait for, unless the answer went out already.
func (aw *auditedWriter) hold(pa pendingAudit) bool {
	aw.mu.Lock()
	defer aw.mu.Unlock()
	if aw.started {
		return false
	}
	aw.pending = append(aw.pending, pa)
	return true
}

// start marks the answer as going out, when an entry failed.
func (aw *auditedWriter) start() {
	aw.mu.Lock()
	aw.started = true
	aw.mu.Unlock()
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (aw *auditedWriter) Unwrap() http.ResponseWriter { return aw.ResponseWriter }

func (aw *auditedWriter) WriteHeader(status int) {
	if aw.settle() {
		aw.ResponseWriter.WriteHeader(status)
	}
}

func (aw *auditedWriter) Write(b []byte) (int, error) {
	if !aw.settle() {
		return len(b), nil
	}
	return aw.ResponseWriter.Write(b)
}

// settle waits for the pending entries and marks the answer as going out. It reports
// whether the handler's answer may go; when an entry failed, it has sent the error answer.
func (aw *auditedWriter) settle() bool {
	for !aw.failed {
		aw.mu.Lock()
		pending := aw.pending
		aw.pending = nil
		if len(pending) == 0 {
			aw.started = true
			aw.mu.Unlock()
			return true
		}
		aw.mu.Unlock()
		v, err := waitAudits(aw.r.Context(), pending)
		if err == nil {
			continue // entries added meanwhile are waited for too
		}
		aw.failed = true
		aw.start()
		// None of the handler's headers (its length, its type) go with the error answer.
		clear(aw.ResponseWriter.Header())
		aw.ResponseWriter.Header().Set("Cache-Control", "no-store")
		aw.fail(aw.ResponseWriter, aw.r, v, err)
	}
	return false
}

// waitAudits waits for the entries to be on disk, the request's turn lent meanwhile (it waits
// for the disk, not the CPU), and counts each; it returns the first error, and the viewer
// of the entry that failed.
func waitAudits(ctx context.Context, pending []pendingAudit) (*policy.Viewer, error) {
	t := turnOf(ctx)
	lent := false
	var failed *policy.Viewer
	var errs []error
	for _, pa := range pending {
		select {
		case <-pa.p.Done():
		default:
			if !lent {
				t.Lend()
				lent = true
			}
		}
		if _, err := pa.p.Wait(); err != nil {
			if errs == nil {
				failed = pa.v
			}
			errs = append(errs, err)
			continue
		}
		obs.Audited(ctx, pa.action)
	}
	if lent {
		t.Back(ctx)
	}
	return failed, errors.Join(errs...)
}

// startAudit starts writing e, outside a transaction, for r's answer to wait for: at once
// when r is not answered through AuditsFirst.
func startAudit(s *store.Store, r *http.Request, v *policy.Viewer, e store.AuditEntry) error {
	pa := pendingAudit{p: s.StartAudit(r.Context(), e), action: e.Action, v: v}
	if aw, ok := r.Context().Value(auditsKey{}).(*auditedWriter); ok && aw != nil && aw.hold(pa) {
		return nil
	}
	_, err := waitAudits(r.Context(), []pendingAudit{pa})
	return err
}
