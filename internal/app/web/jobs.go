package web

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/rungs/rungs/internal/store"
)

// A job is work a request starts and a page then follows: a web import's apply, which can
// take a minute for 100,000 people. The request that starts it answers at once with the
// job's page, which reloads itself (an HTTP Refresh header: no script) and shows how far it
// is, until it ends with what was done or why nothing was. Closing the tab does not stop it.
//
// Jobs live in the process that runs them: a job's page is served by that process alone
// (behind a load balancer, sessions must stick to a process for it). Work that must be all or
// nothing stays so whatever happens to the process: an import writes in one transaction,
// which the database rolls back if the process ends before it commits.

// JobsKept is how long a finished job's page can still be read.
const JobsKept = time.Hour

// Job is one piece of work in the background. Its fields are read through State.
type Job struct {
	id    string
	owner int64 // the account that started it: its page is theirs alone
	title string

	mu       sync.Mutex
	step     string // what it is doing now, in words
	done     int
	total    int
	finished time.Time
	result   string // what was done, in words, once finished without error
	problem  string // why nothing was done, in words, once finished with an error
	status   int    // the HTTP status of that error: a job's page answers with it
	started  time.Time
}

// JobState is what a job's page shows.
type JobState struct {
	ID, Title, Step string
	Done, Total     int
	Running         bool
	Result, Problem string
	// Status is what the job's page answers with: 200 while running or done, the error's
	// status (4xx for the person's doing, 5xx for the server's) once it failed, so that a
	// script following the page reads the outcome from the status alone.
	Status  int
	Elapsed time.Duration
}

// Percent is how much of the work is done, 0 to 100, for a progress bar.
func (s JobState) Percent() int {
	if s.Total <= 0 {
		return 0
	}
	return min(100, s.Done*100/s.Total)
}

// ID is the job's id: random, in its page's address.
func (j *Job) ID() string { return j.id }

// Step says what the job is doing now; done of total is how far that step is (0 of 0 when
// it cannot say).
func (j *Job) Step(step string, done, total int) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.step, j.done, j.total = step, done, total
}

// State is a copy of the job as it is now.
func (j *Job) State(now time.Time) JobState {
	j.mu.Lock()
	defer j.mu.Unlock()
	end := now
	if !j.finished.IsZero() {
		end = j.finished
	}
	return JobState{ID: j.id, Title: j.title, Step: j.step, Done: j.done, Total: j.total,
		Running: j.finished.IsZero(), Result: j.result, Problem: j.problem, Status: j.status, Elapsed: end.Sub(j.started)}
}

// jobs are the server's jobs, running and recently finished.
type jobs struct {
	mu      sync.Mutex
	byID    map[string]*Job
	running sync.WaitGroup
	ctx     context.Context // every job's: cancelled when the server stops waiting for them
	cancel  context.CancelFunc
}

func newJobs() *jobs {
	ctx, cancel := context.WithCancel(context.Background())
	return &jobs{byID: map[string]*Job{}, ctx: ctx, cancel: cancel}
}

// StartJob runs work in the background for the account owner and returns the job at once.
// work returns what it did in words, or an error whose words (through Problem) the job's
// page shows. ctx's values are kept (the request's, for logs and audit), not its end: the
// request that starts a job ends before the job does.
func (srv *Server) StartJob(ctx context.Context, owner int64, title string, work func(ctx context.Context, j *Job) (string, error)) (*Job, error) {
	id := make([]byte, 18)
	if _, err := rand.Read(id); err != nil {
		return nil, err
	}
	now := srv.cfg.Now()
	j := &Job{id: base64.RawURLEncoding.EncodeToString(id), owner: owner, title: title, started: now, step: "Starting", status: http.StatusOK}
	js := srv.jobs
	js.mu.Lock()
	for k, old := range js.byID {
		if f := old.State(now); !f.Running && now.Sub(old.finished) > JobsKept {
			delete(js.byID, k)
		}
	}
	js.byID[j.id] = j
	js.running.Add(1)
	js.mu.Unlock()

	// The job ends with the server (StopJobs), not with the request; nor is it worked on in
	// the request's turn, or part of its answer (an entry it adds is waited for by the job).
	ctx = context.WithValue(WithTurn(ctx, noTurn{}), auditsKey{}, (*auditedWriter)(nil))
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	stop := context.AfterFunc(js.ctx, cancel)
	go func() {
		defer js.running.Done()
		defer stop()
		defer cancel()
		result, err := work(ctx, j)
		j.mu.Lock()
		defer j.mu.Unlock()
		j.finished = srv.cfg.Now()
		if err != nil {
			j.status, j.problem = srv.jobProblem(title, err)
			return
		}
		j.result = result
	}()
	return j, nil
}

// jobProblem is why a job did nothing, in words, and its status: an Error's as they are, and
// the causes a person can act on; anything else is logged and shown as ours.
func (srv *Server) jobProblem(title string, err error) (int, string) {
	var he *Error
	switch {
	case errors.As(err, &he):
		return he.Status, he.Msg
	case errors.Is(err, store.ErrBusy):
		return http.StatusServiceUnavailable, "Nothing was imported: the database was kept busy by other work (an import run from the command line, say). Try again in a minute."
	case errors.Is(err, context.Canceled):
		return http.StatusServiceUnavailable, "Nothing was imported: the server was stopped before the import was done."
	}
	srv.Logf("%s: %v", title, err)
	return http.StatusInternalServerError, "Nothing was imported: something went wrong on our side. The error is in the server's log."
}

// JobOf returns the job id started by the account owner, if this process has it.
func (srv *Server) JobOf(owner int64, id string) (*Job, bool) {
	srv.jobs.mu.Lock()
	defer srv.jobs.mu.Unlock()
	j, ok := srv.jobs.byID[id]
	if !ok || j.owner != owner {
		return nil, false
	}
	return j, true
}

// StopJobs waits for running jobs to finish until ctx ends, and then cancels those still
// running (an import is then rolled back, all of it) and waits for them to stop.
func (srv *Server) StopJobs(ctx context.Context) error {
	finished := make(chan struct{})
	go func() {
		srv.jobs.running.Wait()
		close(finished)
	}()
	select {
	case <-finished:
		return nil
	case <-ctx.Done():
		srv.jobs.cancel()
		<-finished
		return ctx.Err()
	}
}
