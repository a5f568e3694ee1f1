package cli

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rungs/rungs/internal/app/mail"
	"github.com/rungs/rungs/internal/app/mail/mailtest"
	"github.com/rungs/rungs/internal/auth"
	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/access"
	"github.com/rungs/rungs/internal/store/outbox"
)

// syncBuffer is a bytes.Buffer safe to write from the server and read from the test, which
// can wait for what the server writes.
type syncBuffer struct {
	mu      sync.Mutex
	b       bytes.Buffer
	written chan struct{} // closed and replaced at every write
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.written != nil {
		close(s.written)
		s.written = nil
	}
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// wait returns re's first match in what was written, waiting for it to be written while
// other, if not nil, has not said anything; nil if the minute passes (a bound for a hung
// server, not a timing) or other sends.
func (s *syncBuffer) wait(re *regexp.Regexp, other <-chan error) []string {
	deadline := time.After(time.Minute)
	for {
		s.mu.Lock()
		if m := re.FindStringSubmatch(s.b.String()); m != nil {
			s.mu.Unlock()
			return m
		}
		if s.written == nil {
			s.written = make(chan struct{})
		}
		written := s.written
		s.mu.Unlock()
		select {
		case <-written:
		case <-deadline:
			return nil
		case err := <-other:
			s.mu.Lock()
			fmt.Fprintf(&s.b, "\n(ended: %v)", err)
			s.mu.Unlock()
			return nil
		}
	}
}

var servingRE = regexp.MustCompile(`Serving at (http://[^ ]+/)`)

// startServe runs `rungs serve` in the background and returns its base URL and a stop function
// that cancels it (as Ctrl-C does) and waits for it to return.
func startServe(t *testing.T, args ...string) (string, *syncBuffer, *syncBuffer, func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr syncBuffer
	keepLog(&stderr)
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), &stdout, &stderr)
	}()
	m := stdout.wait(servingRE, done)
	if m == nil {
		cancel()
		t.Fatalf("serve did not start:\n%s%s", stdout.String(), stderr.String())
	}
	var once sync.Once
	var stopErr error
	stop := func() error {
		once.Do(func() {
			cancel()
			select {
			case stopErr = <-done:
			case <-time.After(time.Minute):
				t.Error("serve did not stop within a minute of Ctrl-C")
			}
		})
		return stopErr
	}
	t.Cleanup(func() { cancel() })
	return m[1], &stdout, &stderr, stop
}

func get(t *testing.T, url string, hdr ...string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	// A transport of our own, so Go does not add or undo compression behind the test's back.
	res, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func TestServeBundledWhenNoFramework(t *testing.T) {
	t.Parallel()
	// No folder named, and none in the current folder (this package's source).
	url, stdout, _, stop := startServe(t)
	if !strings.Contains(stdout.String(), "serving the bundled engineering framework") {
		t.Errorf("serve did not say it serves the bundled framework:\n%s", stdout.String())
	}
	res, body := get(t, url+"ladders/engineering/senior/")
	if res.StatusCode != 200 || !strings.Contains(body, "<h1>Senior Engineer</h1>") {
		t.Fatalf("level page: %d\n%.300s", res.StatusCode, body)
	}
	if err := stop(); err != nil {
		t.Fatalf("graceful stop: %v", err)
	}
	if !strings.Contains(stdout.String(), "Stopping.") {
		t.Error("serve did not say it was stopping")
	}
}

func TestServeHeaders(t *testing.T) {
	t.Parallel()
	url, _, _, stop := startServe(t)
	defer stop()

	res, plain := get(t, url)
	if res.Header.Get("Content-Encoding") != "" || !strings.Contains(plain, "<!DOCTYPE html>") {
		t.Fatalf("uncompressed home page: %v", res.Header)
	}
	if !strings.Contains(plain, "/assets/live.") {
		t.Error("preview pages should load the live-reload script")
	}
	res, gz := get(t, url, "Accept-Encoding", "gzip")
	if res.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("no gzip: %v", res.Header)
	}
	zr, err := gzip.NewReader(strings.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	unzipped, _ := io.ReadAll(zr)
	if string(unzipped) != plain {
		t.Error("gzip body differs from the plain one")
	}
	etag := res.Header.Get("ETag")
	if etag == "" || res.Header.Get("Cache-Control") != "no-cache" {
		t.Fatalf("HTML wants an ETag and no-cache: %v", res.Header)
	}
	if res, _ := get(t, url, "If-None-Match", etag); res.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match: got %d, want 304", res.StatusCode)
	}
	asset := regexp.MustCompile(`href="(/assets/style\.[0-9a-f]+\.css)"`).FindStringSubmatch(plain)
	if asset == nil {
		t.Fatal("no fingerprinted stylesheet")
	}
	if res, _ := get(t, url+asset[1][1:]); !strings.Contains(res.Header.Get("Cache-Control"), "immutable") {
		t.Errorf("fingerprinted asset not cached for long: %v", res.Header)
	}
	if res, body := get(t, url+"no/such/page/"); res.StatusCode != 404 || !strings.Contains(body, "Page not found") {
		t.Errorf("unknown page: %d", res.StatusCode)
	}
	if res, _ := get(t, url+"ladders/engineering"); res.StatusCode != http.StatusMovedPermanently || res.Header.Get("Location") != "/ladders/engineering/" {
		t.Errorf("folder without slash: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	req, _ := http.NewRequest(http.MethodPost, url, nil)
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST: %v %v", res, err)
	}
}

// events reads server-sent events from the preview.
func events(t *testing.T, url string) (<-chan string, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url+"_rungs/events", nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	ch := make(chan string, 16)
	go func() {
		defer res.Body.Close()
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
				ch <- data
			}
		}
		close(ch)
	}()
	return ch, cancel
}

func next(t *testing.T, ch <-chan string, want string) string {
	t.Helper()
	select {
	case ev := <-ch:
		if !strings.Contains(ev, want) {
			t.Fatalf("event %s does not contain %s", ev, want)
		}
		return ev
	case <-time.After(time.Minute): // a bound for a hung server, not a timing
		t.Fatalf("no event with %s within a minute", want)
	}
	return ""
}

// TestServeRebuildsAndKeepsLastGoodVersion edits a framework under a running preview.
func TestServeRebuildsAndKeepsLastGoodVersion(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "fw")
	if code := Main([]string{"init", dir, "--template", "minimal"}, io.Discard, io.Discard); code != 0 {
		t.Fatal("init failed")
	}
	url, stdout, stderr, stop := startServe(t, dir)
	defer stop()
	ch, closeEvents := events(t, url)
	defer closeEvents()
	next(t, ch, `"version":1`)

	level := filepath.Join(dir, "ladders", "engineering", "senior.md")
	src, _ := os.ReadFile(level)
	edited := strings.Replace(string(src), "title: Senior Engineer", "title: Senior Engineer Renamed", 1)
	if err := replaceFile(level, []byte(edited)); err != nil {
		t.Fatal(err)
	}
	next(t, ch, `"version":2`)
	if _, body := get(t, url+"ladders/engineering/senior/"); !strings.Contains(body, "<h1>Senior Engineer Renamed</h1>") {
		t.Fatal("the edit did not show after the rebuild")
	}

	broken := strings.Replace(edited, "title: Senior Engineer Renamed", "title: [unclosed", 1)
	if err := replaceFile(level, []byte(broken)); err != nil {
		t.Fatal(err)
	}
	ev := next(t, ch, `"errors":["`)
	if !strings.Contains(ev, "senior.md:2") {
		t.Errorf("the error event does not name the file and line: %s", ev)
	}
	if _, body := get(t, url+"ladders/engineering/senior/"); !strings.Contains(body, "<h1>Senior Engineer Renamed</h1>") {
		t.Error("the last good version was not kept while the framework has errors")
	}
	if !strings.Contains(stderr.String(), "senior.md:2:") {
		t.Errorf("the terminal did not show the error:\n%s", stderr.String())
	}

	if err := replaceFile(level, src); err != nil {
		t.Fatal(err)
	}
	next(t, ch, `"version":3`)

	// rungs.yaml gone (an editor renames it away as it saves, or someone moves it): serve says
	// so and keeps the last good version until it is back.
	framework := filepath.Join(dir, "rungs.yaml")
	if err := os.Rename(framework, framework+".bak"); err != nil {
		t.Fatal(err)
	}
	ev = next(t, ch, `"errors":["`)
	if !strings.Contains(ev, "rungs.yaml is gone") || !strings.Contains(stderr.String(), "rungs.yaml is gone (deleted, or renamed by an editor as it saves); serve rebuilds once it is back") {
		t.Errorf("serve did not say rungs.yaml is gone:\n%s\n%s", ev, stderr.String())
	}
	if err := os.Rename(framework+".bak", framework); err != nil {
		t.Fatal(err)
	}
	next(t, ch, `"version":4`)

	// An edit to what a level expects renders that ladder's pages again, not the whole site.
	grown := strings.Replace(string(src), "that others can pick up and work on.", "that the whole team can pick up.", 1)
	if err := replaceFile(level, []byte(grown)); err != nil {
		t.Fatal(err)
	}
	next(t, ch, `"version":5`)
	if _, body := get(t, url+"ladders/engineering/senior/"); !strings.Contains(body, "that the whole team can pick up.") {
		t.Fatal("the edited expectation did not show after the rebuild")
	}
	m := regexp.MustCompile(`Rendered (\d+) of (\d+) files`).FindAllStringSubmatch(stdout.String(), -1)
	if len(m) == 0 || m[len(m)-1][1] == m[len(m)-1][2] {
		t.Errorf("the last rebuild rendered the whole site:\n%s", stdout.String())
	}
	if err := stop(); err != nil {
		t.Fatalf("graceful stop with an open event stream: %v", err)
	}
}

var setupRE = regexp.MustCompile(`Create the first admin at (http://\S+)`)

// TestServePeopleApp runs serve with a database: the first start prints the setup link, the
// ladder links to the app, and the app's pages answer beside the site. The first admin's
// password is hashed with the production settings: the app's tests use cheap ones.
func TestServePeopleApp(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "people.db")
	base, stdout, _, stop := startServe(t, "--data", db)
	m := stdout.wait(setupRE, nil)
	if m == nil {
		t.Fatalf("no setup link printed:\n%s", stdout.String())
	}
	link := m[1]
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	res, err := browser.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindSubmatch(page)
	if res.StatusCode != http.StatusOK || !bytes.Contains(page, []byte("Create the first admin")) || csrf == nil {
		t.Fatalf("setup page: %d\n%s", res.StatusCode, page)
	}
	if res, body := get(t, base+"login"); res.StatusCode != http.StatusOK || !strings.Contains(body, "Sign in") {
		t.Fatalf("login page: %d", res.StatusCode)
	}
	if _, body := get(t, base); !strings.Contains(body, `<a href="/people">People</a>`) {
		t.Error("the ladder does not link to the people app")
	}
	const password = "a long enough password for this"
	forbidInLogs(password, "ada@example.com", strings.TrimPrefix(link, base+"setup/"))
	res, err = browser.PostForm(link, url.Values{"csrf": {string(csrf[1])}, "name": {"Ada Admin"},
		"email": {"ada@example.com"}, "password": {password}, "confirm": {password}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK || res.Request.URL.Path == "/setup" {
		t.Fatalf("setting up the first admin: %d at %s", res.StatusCode, res.Request.URL)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	s, err := store.Open(context.Background(), store.Config{SQLitePath: db})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	p, err := s.PersonByEmail(context.Background(), "ada@example.com")
	if err != nil {
		t.Fatal(err)
	}
	acct, err := access.AccountOfPerson(context.Background(), s, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if auth.DefaultParams().NeedsRehash(acct.PasswordHash) {
		t.Errorf("rungs serve hashed the first admin's password as %.40s..., not with auth.DefaultParams", acct.PasswordHash)
	}
}

// replaceFile swaps path's content in one step, as most editors save: a watcher that reads
// the file while os.WriteFile is half-way would see it empty, and report that, not the edit.
// The new content is written outside the framework, so that the watcher does not see it twice.
func replaceFile(path string, content []byte) error {
	tmp, err := os.CreateTemp("", "rungs-edit-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(content); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// serve passes the identity provider's flags to the app: the sign-in page offers it (and,
// with --sso-only, nothing else), and a provider out of reach is a 502 that names no secret.
func TestServeSignInFlags(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	secretFile := filepath.Join(dir, "client-secret")
	const secret = "client secret in a file 91c2"
	if err := os.WriteFile(secretFile, []byte(secret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	forbidInLogs(secret)
	base, _, _, stop := startServe(t, "--data", filepath.Join(dir, "people.db"), "--oidc-issuer", "http://127.0.0.1:1",
		"--oidc-client-id", "rungs", "--oidc-client-secret-file", secretFile, "--oidc-name", "Acme SSO", "--sso-only")
	res, body := get(t, base+"login")
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "Sign in with Acme SSO") || strings.Contains(body, `name="password"`) {
		t.Errorf("login page with --sso-only: %d\n%s", res.StatusCode, body)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	r, err := client.Get(base + "login/sso")
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != http.StatusBadGateway {
		t.Errorf("/login/sso with the provider out of reach: status %d, want 502", r.StatusCode)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}

// serve with an SMTP server sends what waits in the outbox through it, signed in with the
// password from its file, with links on --base-url.
func TestServeSendsMail(t *testing.T) {
	t.Parallel()
	mp := mailtest.Start(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "people.db")
	ctx := context.Background()
	s, err := store.Open(ctx, store.Config{SQLitePath: db})
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.CreatePerson(ctx, store.Person{Name: "Sam Self", Email: "sam@example.com", StartDate: time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC)})
	if err == nil {
		err = outbox.Add(ctx, s, mail.AssessmentShared, p.ID, map[string]any{"cycle": 3, "name": "2026 H1", "ends": "2026-02-27"})
	}
	s.Close()
	if err != nil {
		t.Fatal(err)
	}
	passwordFile := filepath.Join(dir, "smtp-password")
	const password = "smtp password in a file 5e1"
	if err := os.WriteFile(passwordFile, []byte(password+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	forbidInLogs(password)
	_, _, _, stop := startServe(t, "--data", db, "--smtp-addr", mp.SMTP, "--smtp-from", "Ladder <ladder@example.com>",
		"--smtp-username", "rungs", "--smtp-password-file", passwordFile, "--base-url", "https://ladder.example.com/")
	var got []mailtest.Message
	for start := time.Now(); len(got) == 0 && time.Since(start) < 30*time.Second; time.Sleep(100 * time.Millisecond) {
		got = mp.To("sam@example.com")
	}
	if len(got) != 1 || got[0].Subject != "Your manager's assessment for 2026 H1 is ready to read" ||
		!strings.Contains(got[0].Text, fmt.Sprintf("https://ladder.example.com/cycles/3/people/%d", p.ID)) {
		t.Fatalf("emails to Sam: %+v", got)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}
