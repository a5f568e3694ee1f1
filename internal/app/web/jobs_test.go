package web_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/rungs/rungs/internal/app/web"
	"github.com/rungs/rungs/internal/store"
)

// A job runs after the request that started it has ended, tells how far it is, is its
// starter's alone, and ends with its result or its problem in words and a status.
func TestJobs(t *testing.T) {
	srv, err := web.New(web.Config{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	request, end := context.WithCancel(context.Background())
	proceed, stepped := make(chan struct{}), make(chan struct{})
	job, err := srv.StartJob(request, 7, "Importing people", func(ctx context.Context, j *web.Job) (string, error) {
		j.Step("Writing hr.csv", 500, 2000)
		close(stepped)
		<-proceed
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		return "Imported hr.csv.", nil
	})
	if err != nil {
		t.Fatal(err)
	}
	end() // the request that started it is over; the job is not
	<-stepped
	if _, ok := srv.JobOf(8, job.ID()); ok {
		t.Error("another account reads the job")
	}
	got, ok := srv.JobOf(7, job.ID())
	if !ok {
		t.Fatal("the starter cannot read the job")
	}
	s := got.State(time.Now())
	if !s.Running || s.Step != "Writing hr.csv" || s.Done != 500 || s.Total != 2000 || s.Percent() != 25 || s.Status != http.StatusOK {
		t.Fatalf("while running: %+v", s)
	}
	close(proceed)
	if err := srv.StopJobs(context.Background()); err != nil {
		t.Fatal(err)
	}
	if s := job.State(time.Now()); s.Running || s.Result != "Imported hr.csv." || s.Problem != "" || s.Status != http.StatusOK {
		t.Fatalf("after it ended: %+v", s)
	}
}

// A job's error becomes words and a status on its page: the person's doing as a 4xx with its
// message, a busy database and a stopped server as 503, anything else as a 500 that shows
// nothing of the error.
func TestJobProblems(t *testing.T) {
	srv, err := web.New(web.Config{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		err    error
		status int
		says   string
	}{
		{web.Errorf(http.StatusUnprocessableEntity, "Nothing was imported: line 3 is wrong."), 422, "Nothing was imported: line 3 is wrong."},
		{store.ErrBusy, 503, "Nothing was imported: the database was kept busy by other work (an import run from the command line, say). Try again in a minute."},
		{errors.New("pq: secret detail"), 500, "Nothing was imported: something went wrong on our side. The error is in the server's log."},
	} {
		job, err := srv.StartJob(context.Background(), 1, "Importing people", func(context.Context, *web.Job) (string, error) { return "", c.err })
		if err != nil {
			t.Fatal(err)
		}
		if err := srv.StopJobs(context.Background()); err != nil {
			t.Fatal(err)
		}
		if s := job.State(time.Now()); s.Running || s.Status != c.status || s.Problem != c.says || s.Result != "" {
			t.Errorf("%v: %+v", c.err, s)
		}
	}
}

// Stopping the server waits for a job until its grace ends, then cancels it, which rolls an
// import back, and waits for it to stop.
func TestStopJobsCancelsAfterGrace(t *testing.T) {
	srv, err := web.New(web.Config{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	started := make(chan struct{})
	job, err := srv.StartJob(context.Background(), 1, "Importing people", func(ctx context.Context, _ *web.Job) (string, error) {
		close(started)
		<-ctx.Done()
		return "", ctx.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	<-started
	grace, cancel := context.WithCancel(context.Background())
	cancel() // the grace is over at once: the job is cancelled, not waited for
	if err := srv.StopJobs(grace); !errors.Is(err, context.Canceled) {
		t.Fatalf("StopJobs: %v, want the grace's end", err)
	}
	if s := job.State(time.Now()); s.Running || s.Status != http.StatusServiceUnavailable || s.Problem != "Nothing was imported: the server was stopped before the import was done." {
		t.Fatalf("a job stopped with the server: %+v", s)
	}
}
