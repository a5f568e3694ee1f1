package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// httpLimits are the HTTP server's timeouts and sizes: what keeps slow or idle clients from
// holding connections (and the file descriptors behind them) for ever.
type httpLimits struct {
	ReadHeader     time.Duration // to read a request's headers
	Read           time.Duration // to read a whole request, body included
	Write          time.Duration // from the end of the headers to the end of the response
	Idle           time.Duration // a kept-alive connection with no request
	MaxHeaderBytes int
	ShutdownGrace  time.Duration // how long requests in flight get to finish on Ctrl-C
}

// serveLimits are the limits of `rungs serve`. A request's body must arrive within a minute
// (an import's upload is given longer by the app, per request); a response must be written
// within two (the largest export of a big organisation takes seconds). The live-reload event
// stream outlives both on purpose: it clears its deadlines and sets one per write (package
// site). Headers are capped at 64 KiB, far above what a browser sends.
var serveLimits = httpLimits{
	ReadHeader:     10 * time.Second,
	Read:           time.Minute,
	Write:          2 * time.Minute,
	Idle:           2 * time.Minute,
	MaxHeaderBytes: 64 << 10,
	ShutdownGrace:  10 * time.Second,
}

// newHTTPServer returns the server serve runs h with, within l; its own errors go to errs.
func newHTTPServer(h http.Handler, l httpLimits, errs io.Writer) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: l.ReadHeader,
		ReadTimeout:       l.Read,
		WriteTimeout:      l.Write,
		IdleTimeout:       l.Idle,
		MaxHeaderBytes:    l.MaxHeaderBytes,
		ErrorLog:          log.New(errs, "rungs: http: ", 0),
	}
}

// serveHTTP serves on ln until ctx ends (Ctrl-C, or go run gone), then stops gracefully:
// endStreams ends the open event streams, which would otherwise never finish, the server
// stops taking new requests, and requests in flight get grace to finish before their
// connections are closed.
func serveHTTP(ctx context.Context, e *env, srv *http.Server, ln net.Listener, endStreams func(), stopJobs func(context.Context) error, grace time.Duration) error {
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	fmt.Fprintln(e.stdout, "Stopping.")
	endStreams()
	shutdown, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	err := srv.Shutdown(shutdown)
	if errors.Is(err, context.DeadlineExceeded) {
		fmt.Fprintf(e.stderr, "rungs: requests still running after %s were cut short\n", grace)
		err = srv.Close()
	}
	// Work the app runs in the background (a web import) gets what is left of the grace; one
	// still running then is cancelled, and its transaction rolled back: nothing half-written.
	if stopJobs != nil && stopJobs(shutdown) != nil {
		fmt.Fprintf(e.stderr, "rungs: an import still running after %s was stopped; nothing of it was kept\n", grace)
	}
	return err
}

// hangups reports the SIGHUPs the process gets from now on, until stop is called: how an
// operator has the people app read a changed framework without a restart. It is set up
// before serve says it is serving, so that a SIGHUP sent from then on cannot end the process.
func hangups() (hup <-chan os.Signal, stop func()) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGHUP)
	hangupClaimed.Store(true)
	return ch, func() {
		hangupClaimed.Store(false)
		signal.Stop(ch)
	}
}

// onHangup calls reload for every signal on hup until ctx ends.
func onHangup(ctx context.Context, hup <-chan os.Signal, reload func()) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
			reload()
		}
	}
}
