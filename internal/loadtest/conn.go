package loadtest

import (
	"bufio"
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"time"
)

// conn is a client's one kept-alive connection to the server, on which the client writes
// each request and reads its answer itself, in the goroutine that sends it.
//
// The load runs on the server's machine, and what it spends there is taken from the server:
// through net/http's Transport a request cost the load 0.12–0.28 ms of CPU (a tenth to a
// quarter of what the server spent answering it), much of it handing the request and its
// answer between the caller's goroutine and the two the Transport keeps for each connection.
// Written and read in place (net/http's own request writer and answer reader, without the
// Transport), a request costs about half that: see the README's performance section.
type conn struct {
	nc       net.Conn
	br       *bufio.Reader
	bw       *bufio.Writer
	used     time.Time // when its last answer was read
	deadline time.Time // its reads' and writes' deadline: see roundTrip
}

// connIdle is how long a connection may have been idle and still be used: longer, and the
// server may have closed it meanwhile (rungs serve closes a connection idle for two minutes),
// so the client opens a new one instead of finding that out from a request that fails.
const connIdle = 30 * time.Second

// requestTimeout is how long a request may take at least, from its first byte sent to its
// answer's last byte read, before it fails (at most twice that: see roundTrip).
const requestTimeout = time.Minute

// dial opens a connection to the host of req's URL, over TLS for https.
func dial(ctx context.Context, req *http.Request) (*conn, error) {
	host := req.URL.Host
	if req.URL.Port() == "" {
		port := "80"
		if req.URL.Scheme == "https" {
			port = "443"
		}
		host = net.JoinHostPort(req.URL.Hostname(), port)
	}
	var d net.Dialer
	nc, err := d.DialContext(ctx, "tcp", host)
	if err != nil {
		return nil, err
	}
	if req.URL.Scheme == "https" {
		tc := tls.Client(nc, &tls.Config{ServerName: req.URL.Hostname()})
		if err := tc.HandshakeContext(ctx); err != nil {
			nc.Close()
			return nil, err
		}
		nc = tc
	}
	return &conn{nc: nc, br: bufio.NewReaderSize(nc, 64<<10), bw: bufio.NewWriterSize(nc, 8<<10)}, nil
}

// roundTrip sends req on c's connection, opening one when it has none (or only one idle for
// too long), reads the whole answer into c.body, and keeps the cookies it sets. The
// connection is closed after an error, when the answer says the server closes it, and when
// the request's context ended meanwhile. Like the client's Transport did, it sends the
// client's cookies and no Accept-Encoding (the bytes are read as sent), and follows no
// redirect.
func (c *Client) roundTrip(ctx context.Context, req *http.Request) (*http.Response, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if c.conn != nil && time.Since(c.conn.used) > connIdle {
		c.closeConn()
	}
	if c.conn == nil {
		cn, err := dial(ctx, req)
		if err != nil {
			return nil, err
		}
		c.conn = cn
	}
	for _, k := range c.HTTP.Jar.Cookies(req.URL) {
		req.AddCookie(k)
	}
	cn := c.conn
	// The deadline is moved on only when it comes near: moved at every request, it slowed a
	// benchmark's clients and server in one process threefold (the side by side's: 458
	// against 1,300–1,460 answers a second).
	if now := time.Now(); cn.deadline.Sub(now) < requestTimeout {
		cn.deadline = now.Add(2 * requestTimeout)
		if err := cn.nc.SetDeadline(cn.deadline); err != nil {
			c.closeConn()
			return nil, err
		}
	}
	// A context ended meanwhile ends the request: its deadline, moved to the past, fails the
	// read or write it is in.
	stop := context.AfterFunc(ctx, func() { _ = cn.nc.SetDeadline(time.Unix(1, 0)) })
	res, err := c.exchange(req)
	ended := !stop() // the context ended, and the deadline moved, perhaps after the answer
	if err != nil {
		c.closeConn()
		if ctx.Err() != nil {
			err = ctx.Err()
		}
		return nil, err
	}
	if ks := res.Cookies(); len(ks) > 0 {
		c.HTTP.Jar.SetCookies(req.URL, ks)
	}
	if res.Close || ended {
		c.closeConn()
	} else {
		cn.used = time.Now()
	}
	return res, nil
}

// exchange writes req on c's connection and reads its answer, the body into c.body.
func (c *Client) exchange(req *http.Request) (*http.Response, error) {
	cn := c.conn
	if err := req.Write(cn.bw); err != nil {
		return nil, err
	}
	if err := cn.bw.Flush(); err != nil {
		return nil, err
	}
	res, err := http.ReadResponse(cn.br, req)
	if err != nil {
		return nil, err
	}
	// Into a buffer kept from one answer to the next: read afresh (io.ReadAll, growing from
	// 512 bytes, then the string), a page of 100 KB cost the client 300 KB of garbage.
	c.body.Reset()
	_, err = c.body.ReadFrom(res.Body)
	if cerr := res.Body.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("reading the answer: %w", err)
	}
	return res, nil
}

// closeConn closes the client's connection, if it has one.
func (c *Client) closeConn() {
	if c.conn != nil {
		_ = c.conn.nc.Close()
		c.conn = nil
	}
}
