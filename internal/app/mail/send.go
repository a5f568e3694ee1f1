package mail

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"strings"
	"time"

	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/outbox"
)

// SMTP is the mail server messages are sent through, and as whom.
type SMTP struct {
	Addr     string // host:port; port 465 speaks TLS from the start, any other STARTTLS when the server offers it
	From     string // the sender, an address or "Name <address>"
	Username string // empty: no authentication
	Password string
	// TLS is the client's TLS settings; nil means the system's roots and the host of Addr.
	TLS *tls.Config
}

// Check reports what is wrong with the settings, nil when they can be used.
func (c SMTP) Check() error {
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return fmt.Errorf("SMTP server %q: give host:port (%v)", c.Addr, err)
	}
	if _, err := mail.ParseAddress(c.From); err != nil {
		return fmt.Errorf("sender %q: give an email address, or Name <address> (%v)", c.From, err)
	}
	return nil
}

// Sender sends the outbox's messages.
type Sender struct {
	Store *store.Store
	SMTP  SMTP
	// Base is the app's address as people reach it (https://ladder.example.com), which
	// links in messages start with.
	Base string
	// Site names the app in messages: the framework's title.
	Site func() string
	// Log receives a line for each message that could not be sent; nil discards them.
	Log func(format string, args ...any)
	// Every is how often the outbox is looked at; 0 means DefaultEvery.
	Every time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// DefaultEvery is how often a sender looks for messages: soon enough for a notification,
// seldom enough that an idle outbox costs nothing.
const DefaultEvery = 5 * time.Second

// MaxAttempts is how many times a message is tried before it is given up on; with Backoff's
// waits, the last try is some eleven hours after the first.
const MaxAttempts = 10

// Backoff is how long after its attempt-th failed try a message is tried again: a minute,
// doubling, up to two hours.
func Backoff(attempt int) time.Duration {
	d := time.Minute
	for i := 1; i < attempt && d < 2*time.Hour; i++ {
		d *= 2
	}
	return min(d, 2*time.Hour)
}

// batch is how many messages one look at the outbox takes.
const batch = 100

// Run sends messages until ctx ends.
func (s *Sender) Run(ctx context.Context) {
	every := s.Every
	if every <= 0 {
		every = DefaultEvery
	}
	t := time.NewTicker(every)
	defer t.Stop()
	prune := time.Time{}
	for {
		n, err := s.SendWaiting(ctx)
		if err != nil && ctx.Err() == nil {
			s.logf("mail: %v", err)
		}
		if now := s.now(); now.Sub(prune) > time.Hour {
			prune = now
			_, _ = outbox.Prune(ctx, s.Store, now.AddDate(0, 0, -30))
		}
		if n == batch {
			continue // more are waiting
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// SendWaiting sends the messages due now, one batch of them, and returns how many it tried.
func (s *Sender) SendWaiting(ctx context.Context) (int, error) {
	now := s.now()
	list, err := outbox.Waiting(ctx, s.Store, now, batch)
	if err != nil {
		return 0, err
	}
	for _, m := range list {
		if ctx.Err() != nil {
			return len(list), ctx.Err()
		}
		ok, err := outbox.Take(ctx, s.Store, m, now.Add(Backoff(m.Attempts+1)))
		if err != nil {
			return len(list), err
		}
		if !ok {
			continue // another sender has it
		}
		if err := s.send(ctx, m); err != nil {
			if errors.Is(err, errNobody) || m.Attempts+1 >= MaxAttempts {
				s.logf("mail: message %d (%s to person %d) given up: %v", m.ID, m.Kind, m.PersonID, err)
				err = outbox.GiveUp(ctx, s.Store, m.ID, err.Error())
			} else {
				s.logf("mail: message %d (%s to person %d) not sent, tried again in %s: %v", m.ID, m.Kind, m.PersonID, Backoff(m.Attempts+1), err)
				err = outbox.Retry(ctx, s.Store, m.ID, err.Error())
			}
			if err != nil {
				return len(list), err
			}
			continue
		}
		if err := outbox.Sent(ctx, s.Store, m.ID); err != nil {
			return len(list), err
		}
	}
	return len(list), nil
}

// errNobody is a message whose person has left, or is no longer there: it is not sent.
var errNobody = errors.New("nobody to send it to: the person has left or is gone")

func (s *Sender) send(ctx context.Context, m outbox.Message) error {
	p, err := s.Store.Person(ctx, m.PersonID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && p.Status != store.Active) {
		return errNobody
	}
	if err != nil {
		return err
	}
	site := "rungs"
	if s.Site != nil {
		site = s.Site()
	}
	l, err := compose(m, p, strings.TrimSuffix(s.Base, "/"), site)
	if err != nil {
		return fmt.Errorf("%w: %w", errNobody, err)
	}
	body, err := s.message(l, m.ID)
	if err != nil {
		return err
	}
	return s.deliver(ctx, l.To, body)
}

// message is l as an RFC 5322 message: headers, then the text and HTML as alternatives,
// both quoted-printable.
func (s *Sender) message(l Letter, id int64) ([]byte, error) {
	from, err := mail.ParseAddress(s.SMTP.From)
	if err != nil {
		return nil, err
	}
	to := mail.Address{Name: l.ToName, Address: l.To}
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	domain := from.Address[strings.LastIndex(from.Address, "@")+1:]
	random := make([]byte, 8)
	_, _ = rand.Read(random)
	head := []string{
		"From: " + from.String(),
		"To: " + to.String(),
		"Subject: " + mime.QEncoding.Encode("utf-8", l.Subject),
		"Date: " + s.now().Format(time.RFC1123Z),
		fmt.Sprintf("Message-ID: <rungs.%d.%s@%s>", id, hex.EncodeToString(random), domain),
		"MIME-Version: 1.0",
		"Auto-Submitted: auto-generated",
		`Content-Type: multipart/alternative; boundary="` + mw.Boundary() + `"`,
	}
	var out bytes.Buffer
	out.WriteString(strings.Join(head, "\r\n") + "\r\n\r\n")
	for _, part := range []struct{ typ, body string }{{"text/plain; charset=utf-8", l.Text}, {"text/html; charset=utf-8", l.HTML}} {
		w, err := mw.CreatePart(textproto.MIMEHeader{"Content-Type": {part.typ}, "Content-Transfer-Encoding": {"quoted-printable"}})
		if err != nil {
			return nil, err
		}
		qp := quotedprintable.NewWriter(w)
		if _, err := io.WriteString(qp, strings.ReplaceAll(part.body, "\n", "\r\n")); err != nil {
			return nil, err
		}
		if err := qp.Close(); err != nil {
			return nil, err
		}
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}
	out.Write(b.Bytes())
	return out.Bytes(), nil
}

// dialTimeout bounds connecting to the mail server, and sendTimeout the whole conversation.
const (
	dialTimeout = 10 * time.Second
	sendTimeout = time.Minute
)

// deliver sends one message to to through the SMTP server.
func (s *Sender) deliver(ctx context.Context, to string, body []byte) error {
	host, port, err := net.SplitHostPort(s.SMTP.Addr)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, sendTimeout)
	defer cancel()
	tlsConfig := s.SMTP.TLS
	if tlsConfig == nil {
		tlsConfig = &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
	}
	d := &net.Dialer{Timeout: dialTimeout}
	var conn net.Conn
	if port == "465" {
		conn, err = (&tls.Dialer{NetDialer: d, Config: tlsConfig}).DialContext(ctx, "tcp", s.SMTP.Addr)
	} else {
		conn, err = d.DialContext(ctx, "tcp", s.SMTP.Addr)
	}
	if err != nil {
		return err
	}
	deadline, _ := ctx.Deadline()
	_ = conn.SetDeadline(deadline)
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		conn.Close()
		return err
	}
	defer c.Close()
	if ok, _ := c.Extension("STARTTLS"); ok && port != "465" {
		if err := c.StartTLS(tlsConfig); err != nil {
			return fmt.Errorf("STARTTLS: %w", err)
		}
	}
	if s.SMTP.Username != "" {
		// PlainAuth sends the password only over TLS, or to a server on this machine.
		if err := c.Auth(smtp.PlainAuth("", s.SMTP.Username, s.SMTP.Password, host)); err != nil {
			return fmt.Errorf("sign in to the mail server: %w", err)
		}
	}
	from, err := mail.ParseAddress(s.SMTP.From)
	if err != nil {
		return err
	}
	if err := c.Mail(from.Address); err != nil {
		return err
	}
	if err := c.Rcpt(to); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(body); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}

func (s *Sender) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Sender) logf(format string, args ...any) {
	if s.Log != nil {
		s.Log(format, args...)
	}
}
