package obs

import (
	"database/sql"
	"net/http"
	"runtime"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics are rungs' Prometheus metrics, in a registry of their own (never the global one,
// so two servers in one test binary do not share counters).
type Metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	inFlight prometheus.Gauge
	audit    *prometheus.CounterVec
	imports  *prometheus.HistogramVec
	load     prometheus.Histogram
	render   prometheus.Histogram
	builds   *prometheus.CounterVec
	backups  *prometheus.CounterVec
	backup   prometheus.Histogram
	lastGood prometheus.Gauge
	wait     *prometheus.HistogramVec
	audited  prometheus.Histogram
}

// Info is what the metrics say about the running rungs.
type Info struct {
	Version string // rungs' version
	Schema  int    // the database schema version it knows
	// Pools are the database's connection pools by name, whose statistics are exported.
	Pools map[string]*sql.DB
}

// NewMetrics registers every metric, with the Go runtime's and the process's, and the
// statistics of info's connection pools.
func NewMetrics(info Info) *Metrics {
	reg := prometheus.NewRegistry()
	f := func(c prometheus.Collector) { reg.MustRegister(c) }
	m := &Metrics{reg: reg}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "rungs_http_requests_total",
		Help: "HTTP requests answered, by method, route pattern and status code."}, []string{"method", "route", "code"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "rungs_http_request_duration_seconds",
		Help: "Time to answer an HTTP request, by route pattern.", Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}},
		[]string{"route"})
	m.inFlight = prometheus.NewGauge(prometheus.GaugeOpts{Name: "rungs_http_requests_in_flight", Help: "HTTP requests being answered."})
	m.audit = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "rungs_audit_events_total",
		Help: "Audit log entries written by the app, by action: login.failed counts failed sign-ins, login.throttled refused ones."},
		[]string{"action"})
	m.imports = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "rungs_import_duration_seconds",
		Help: "Time to check (preview) or import (apply) an uploaded people CSV, by outcome.", Buckets: prometheus.ExponentialBuckets(0.01, 4, 8)},
		[]string{"step", "outcome"})
	m.load = prometheus.NewHistogram(prometheus.HistogramOpts{Name: "rungs_framework_load_duration_seconds",
		Help: "Time to read and check the framework's files.", Buckets: prometheus.ExponentialBuckets(0.005, 3, 8)})
	m.render = prometheus.NewHistogram(prometheus.HistogramOpts{Name: "rungs_site_render_duration_seconds",
		Help: "Time to render the ladder's website from a checked framework.", Buckets: prometheus.ExponentialBuckets(0.005, 3, 8)})
	m.builds = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "rungs_framework_builds_total",
		Help: "Builds of the framework's website, by outcome (ok, or error: the last good version stays up)."}, []string{"outcome"})
	m.backups = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "rungs_backups_total",
		Help: "Scheduled backups, by outcome."}, []string{"outcome"})
	m.backup = prometheus.NewHistogram(prometheus.HistogramOpts{Name: "rungs_backup_duration_seconds",
		Help: "Time to write a scheduled backup.", Buckets: prometheus.ExponentialBuckets(0.05, 4, 8)})
	m.lastGood = prometheus.NewGauge(prometheus.GaugeOpts{Name: "rungs_backup_last_success_timestamp_seconds",
		Help: "When the last scheduled backup was written, as a Unix time; alert when it is too old."})
	m.wait = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "rungs_db_write_wait_seconds",
		Help:    "Time a write to SQLite waited for its turn (behind the app's other writes and another process's lock), by outcome: ok, or busy when it gave up at the busy timeout.",
		Buckets: []float64{.0005, .001, .005, .01, .05, .1, .5, 1, 2.5, 5, 10}}, []string{"outcome"})
	m.audited = prometheus.NewHistogram(prometheus.HistogramOpts{Name: "rungs_audit_write_seconds",
		Help: "Time to put a group of audit entries on disk (SQLite: appended to the audit journal and synced; " +
			"PostgreSQL: inserted and committed). Every audited page waits for its group's: the slowest of these are its slowest answers.",
		Buckets: []float64{.00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1}})
	build := prometheus.NewGauge(prometheus.GaugeOpts{Name: "rungs_build_info",
		Help:        "The running rungs: its version, the Go it was built with and the database schema version it knows.",
		ConstLabels: prometheus.Labels{"version": info.Version, "goversion": runtime.Version(), "schema": strconv.Itoa(info.Schema)}})
	build.Set(1)
	for _, c := range []prometheus.Collector{m.requests, m.latency, m.inFlight, m.audit, m.imports, m.load, m.render, m.builds,
		m.backups, m.backup, m.lastGood, m.wait, m.audited, build,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{})} {
		f(c)
	}
	for name, db := range info.Pools {
		f(collectors.NewDBStatsCollector(db, name))
	}
	return m
}

// Handler serves the metrics in Prometheus' text format (or OpenMetrics, when asked).
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

func (m *Metrics) observe(method, route string, status int, took time.Duration) {
	m.requests.WithLabelValues(method, route, strconv.Itoa(status)).Inc()
	m.latency.WithLabelValues(route).Observe(took.Seconds())
}

// Built records a build of the framework's website: how long loading and checking took, and
// rendering (0 when it did not get that far), and whether it succeeded.
func (m *Metrics) Built(load, render time.Duration, ok bool) {
	if m == nil {
		return
	}
	m.load.Observe(load.Seconds())
	if render > 0 {
		m.render.Observe(render.Seconds())
	}
	outcome := "ok"
	if !ok {
		outcome = "error"
	}
	m.builds.WithLabelValues(outcome).Inc()
}

// BackedUp records a scheduled backup that ended at end after took, or failed.
func (m *Metrics) BackedUp(took time.Duration, end time.Time, err error) {
	if m == nil {
		return
	}
	if err != nil {
		m.backups.WithLabelValues("error").Inc()
		return
	}
	m.backups.WithLabelValues("ok").Inc()
	m.backup.Observe(took.Seconds())
	m.lastGood.Set(float64(end.Unix()))
}

// WriteWaited records how long a write to SQLite waited for its turn, and whether it gave up.
func (m *Metrics) WriteWaited(waited time.Duration, gaveUp bool) {
	if m == nil {
		return
	}
	outcome := "ok"
	if gaveUp {
		outcome = "busy"
	}
	m.wait.WithLabelValues(outcome).Observe(waited.Seconds())
}

// AuditWritten records how long a group of audit entries took to be put on disk.
func (m *Metrics) AuditWritten(took time.Duration) {
	if m == nil {
		return
	}
	m.audited.Observe(took.Seconds())
}
