// Package obs is what an operator watches a running rungs by: structured logs with a line
// per request, Prometheus metrics, and the health and readiness answers load balancers and
// orchestrators ask for. It wraps the app's HTTP handler from the outside; the app reports
// the few things only it knows (an audit event, an import) on the request it serves, through
// the request's context.
package obs

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"regexp"
)

// Log formats.
const (
	FormatText = "text" // key=value lines, for a terminal and journald
	FormatJSON = "json" // one JSON object a line, for log collectors
)

// NewLogger returns a logger that writes to w in format (text or json). Every string it
// writes, messages and errors included, has email addresses masked: logs must not hold
// personal data, and an error from deep down may quote one.
func NewLogger(w io.Writer, format string) (*slog.Logger, error) {
	opts := &slog.HandlerOptions{ReplaceAttr: mask}
	switch format {
	case FormatText, "":
		return slog.New(&masking{slog.NewTextHandler(w, opts)}), nil
	case FormatJSON:
		return slog.New(&masking{slog.NewJSONHandler(w, opts)}), nil
	}
	return nil, fmt.Errorf("log format %q: use text or json", format)
}

// email finds what looks like an email address.
var email = regexp.MustCompile(`[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+`)

// Mask replaces every email address in s.
func Mask(s string) string { return email.ReplaceAllString(s, "[email]") }

// mask masks the string values of attributes, errors included.
func mask(_ []string, a slog.Attr) slog.Attr {
	switch a.Value.Kind() {
	case slog.KindString:
		if s := a.Value.String(); email.MatchString(s) {
			a.Value = slog.StringValue(Mask(s))
		}
	case slog.KindAny:
		if err, ok := a.Value.Any().(error); ok {
			a.Value = slog.StringValue(Mask(err.Error()))
		}
	}
	return a
}

// masking masks the message, which ReplaceAttr does not see.
type masking struct{ slog.Handler }

func (m *masking) Handle(ctx context.Context, r slog.Record) error {
	if email.MatchString(r.Message) {
		r.Message = Mask(r.Message)
	}
	return m.Handler.Handle(ctx, r)
}

func (m *masking) WithAttrs(as []slog.Attr) slog.Handler { return &masking{m.Handler.WithAttrs(as)} }
func (m *masking) WithGroup(name string) slog.Handler    { return &masking{m.Handler.WithGroup(name)} }

// Writer is an io.Writer that logs each line written to it as an error: for code that
// reports to a writer (the HTTP server's own errors, the app's error log).
func Writer(l *slog.Logger, msg string) io.Writer { return lineWriter{l, msg} }

type lineWriter struct {
	l   *slog.Logger
	msg string
}

func (w lineWriter) Write(p []byte) (int, error) {
	for _, line := range splitLines(string(p)) {
		w.l.Error(w.msg, "detail", line)
	}
	return len(p), nil
}

func splitLines(s string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == '\n' {
			if line := s[start:i]; line != "" {
				out = append(out, line)
			}
			start = i + 1
		}
	}
	return out
}
