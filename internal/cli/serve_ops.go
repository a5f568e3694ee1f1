package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/rungs/rungs/internal/backup"
	"github.com/rungs/rungs/internal/obs"
	"github.com/rungs/rungs/internal/store"
)

// What `rungs serve` adds for running the people app for years: structured logs, metrics,
// health and readiness, scheduled backups and a choice about migrations. serve.go calls
// three things from here: addOpsFlags, opsFlags.open (the database) and opsFlags.start
// (everything else), then wraps its handler with ops.wrap.

// opsUsage is the part of serve's help about these flags.
const opsUsage = `
Running the people app (with --data or --db):
  --log-format text|json
                  one line per request and per event on standard error, as key=value text
                  (default) or JSON; never a password, token, cookie, email address or path
  --metrics-addr ADDR
                  serve Prometheus metrics at http://ADDR/metrics (with /healthz and
                  /readyz), on an address of its own, such as 127.0.0.1:9090; without it
                  there are no metrics. /healthz and /readyz are also on --addr.
  --backup-dir DIR
                  take a backup into DIR every --backup-every (default 24h), keeping the
                  newest --backup-keep (default 7); the first is due one period after the
                  newest already there. With several rungs on one database, give it to one.
  --no-migrate    refuse to start on a database whose schema is behind this rungs, instead
                  of upgrading it ('rungs admin migrate' does that as a step of its own)
`

// opsFlags are serve's flags for running the people app.
type opsFlags struct {
	logFormat, metricsAddr, backupDir *string
	backupEvery                       *time.Duration
	backupKeep                        *int
	noMigrate                         *bool
	given                             func() []string // the names of those given
}

func addOpsFlags(fset *flag.FlagSet) opsFlags {
	f := opsFlags{
		logFormat:   fset.String("log-format", obs.FormatText, ""),
		metricsAddr: fset.String("metrics-addr", "", ""),
		backupDir:   fset.String("backup-dir", "", ""),
		backupEvery: fset.Duration("backup-every", 24*time.Hour, ""),
		backupKeep:  fset.Int("backup-keep", 7, ""),
		noMigrate:   fset.Bool("no-migrate", false, ""),
	}
	f.given = func() []string {
		var names []string
		fset.Visit(func(fl *flag.Flag) {
			switch fl.Name {
			case "log-format", "metrics-addr", "backup-dir", "backup-every", "backup-keep", "no-migrate":
				names = append(names, fl.Name)
			}
		})
		return names
	}
	return f
}

// check validates the flags; app says whether the people app runs (--data or --db).
func (f opsFlags) check(app bool) error {
	if given := f.given(); len(given) > 0 && !app {
		return usageError{"--" + given[0] + " is for the people app: add --data PATH or --db URL"}
	}
	if _, err := obs.NewLogger(io.Discard, *f.logFormat); err != nil {
		return usageError{"--" + err.Error()}
	}
	for _, name := range f.given() {
		if (name == "backup-every" || name == "backup-keep") && *f.backupDir == "" {
			return usageError{"--" + name + " needs --backup-dir DIR"}
		}
	}
	if *f.backupDir != "" {
		if err := f.schedule().Validate(); err != nil {
			return usageError{err.Error()}
		}
	}
	return nil
}

func (f opsFlags) schedule() *backup.Schedule {
	return &backup.Schedule{Dir: *f.backupDir, Every: *f.backupEvery, Keep: *f.backupKeep, Rungs: version()}
}

// open opens the database for serve: upgraded to this rungs' schema, or with --no-migrate
// refused when it is behind.
func (f opsFlags) open(ctx context.Context, db databaseFlags) (*store.Store, error) {
	if !*f.noMigrate {
		return db.open(ctx)
	}
	if err := checkDatabaseFlags(db); err != nil {
		return nil, err
	}
	st, err := store.OpenCurrent(ctx, store.Config{SQLitePath: *db.data, PostgresURL: *db.db})
	var behind *store.BehindSchemaError
	if errors.As(err, &behind) {
		return nil, fmt.Errorf("database: %w: run 'rungs admin migrate' first, or serve without --no-migrate", err)
	}
	if err != nil {
		return nil, fmt.Errorf("database: %w", withVersion(err))
	}
	return st, nil
}

// ops is the running side of these flags; its methods do nothing on a nil *ops (the
// preview, which has no database).
type ops struct {
	log     *slog.Logger
	metrics *obs.Metrics
	health  *obs.Health
}

// start sets up the logs, metrics and health answers of the app on st, and starts the
// metrics listener and the scheduled backups, which end with e.ctx.
func (f opsFlags) start(e *env, st *store.Store) (*ops, error) {
	log, err := obs.NewLogger(e.stderr, *f.logFormat)
	if err != nil {
		return nil, err
	}
	o := &ops{log: log, metrics: obs.NewMetrics(obs.Info{Version: version(), Schema: store.SchemaVersion(), Pools: st.Pools()})}
	o.health = obs.NewHealth(st.Ready, log)
	st.ReportWrites(func(waited time.Duration, gaveUp bool) {
		o.metrics.WriteWaited(waited, gaveUp)
		if gaveUp {
			log.Warn("a write gave up: the database stayed busy (another process writing to it, or this one's earlier writes)",
				"waited", waited.Round(time.Millisecond).String())
		}
	})
	st.ReportLogWrites(func(took time.Duration, _ int) { o.metrics.AuditWritten(took) })
	if *f.metricsAddr != "" {
		ln, err := net.Listen("tcp", *f.metricsAddr)
		if err != nil {
			return nil, fmt.Errorf("--metrics-addr: %w", err)
		}
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", o.metrics.Handler())
		mux.HandleFunc("GET "+obs.LivePath, o.health.Live)
		mux.HandleFunc("GET "+obs.ReadyPath, o.health.Ready)
		srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, WriteTimeout: time.Minute,
			ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelError)}
		go func() {
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				log.Error("metrics listener stopped", "err", err)
			}
		}()
		go func() {
			<-e.ctx.Done()
			_ = srv.Close()
		}()
		fmt.Fprintf(e.stdout, "Metrics at http://%s/metrics\n", ln.Addr())
	}
	if *f.backupDir != "" {
		s := f.schedule()
		s.Log = log
		s.Done = func(_ string, took time.Duration, err error) { o.metrics.BackedUp(took, time.Now(), err) }
		go s.Run(e.ctx, st)
	}
	return o, nil
}

// wrap adds the request log, metrics and request ids to the app's handler, and /healthz
// and /readyz in front of it.
func (o *ops) wrap(h http.Handler) http.Handler {
	if o == nil {
		return h
	}
	return o.health.Mount(obs.Handler(h, o.log, o.metrics))
}

// errorLog is where the app writes its unexpected errors: the log, as errors.
func (o *ops) errorLog(fallback io.Writer) io.Writer {
	if o == nil {
		return fallback
	}
	return obs.Writer(o.log, "app error")
}

// built records a build of the website: load (and check) and render times.
func (o *ops) built(load, render time.Duration, ok bool) {
	if o != nil {
		o.metrics.Built(load, render, ok)
	}
}
