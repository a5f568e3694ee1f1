package app_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/example/server/exampleop"
	"github.com/zitadel/oidc/v3/example/server/storage"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"

	"github.com/rungs/rungs/internal/app"
	"github.com/rungs/rungs/internal/obs/obstest"
)

// The identity provider of the sign-in tests is a real OpenID provider: the example
// provider of github.com/zitadel/oidc (its OP, its in-memory storage and its login form),
// served over HTTP on 127.0.0.1. The tests change only what a company's provider would
// vary: its users and their groups, its signing key (rotation), and, to test rungs'
// refusals, a token's audience and lifetime.

const (
	idpClientID     = "rungs"
	idpClientSecret = "rungs client secret 7f3a9c"
	idpPassword     = "idp password 5b21"
)

type idpUser struct {
	storage.User
	groups []string
}

// users is the provider's directory.
type users map[string]*idpUser

func (u users) GetUserByID(id string) *storage.User {
	if x, ok := u[id]; ok {
		return &x.User
	}
	return nil
}

func (u users) GetUserByUsername(name string) *storage.User {
	for _, x := range u {
		if x.Username == name {
			return &x.User
		}
	}
	return nil
}

func (u users) ExampleClientID() string { return "service" }

// testIdP is the provider, with the knobs the tests turn.
type testIdP struct {
	*storage.Storage
	users   users
	clients map[string]*storage.Client
	srv     *httptest.Server

	mu  sync.Mutex
	key signingKey

	wrongAudience atomic.Bool // ID tokens name another application as their audience
	shortLived    atomic.Bool // ID tokens last one second
}

type signingKey struct {
	id  string
	key *rsa.PrivateKey
}

func (k signingKey) SignatureAlgorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (k signingKey) Key() any                                    { return k.key }
func (k signingKey) ID() string                                  { return k.id }

type publicKey struct{ signingKey }

func (k publicKey) Algorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (k publicKey) Use() string                        { return "sig" }
func (k publicKey) Key() any                           { return &k.key.PublicKey }

func newSigningKey(t *testing.T, id string) signingKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return signingKey{id: id, key: k}
}

var quietIdP sync.Once

// newIdP starts a provider on 127.0.0.1 with the users given.
func newIdP(t *testing.T, us ...*idpUser) *testIdP {
	t.Helper()
	idp := &testIdP{users: users{}, clients: map[string]*storage.Client{}, key: newSigningKey(t, "key-1")}
	for _, u := range us {
		u.Password = idpPassword
		idp.users[u.ID] = u
	}
	idp.Storage = storage.NewStorageWithClients(idp.users, idp.clients)
	quietIdP.Do(func() {
		// The example provider logs each request through the default logger; the tests'
		// output is rungs'.
		slog.SetDefault(slog.New(slog.DiscardHandler))
	})
	idp.srv = httptest.NewUnstartedServer(nil)
	issuer := "http://" + idp.srv.Listener.Addr().String()
	idp.srv.Config.Handler = exampleop.SetupServer(issuer, idp, nil, false)
	idp.srv.Start()
	t.Cleanup(idp.srv.Close)
	obstest.Forbid(idpClientSecret, idpPassword)
	return idp
}

func (idp *testIdP) issuer() string { return idp.srv.URL }

// register makes rungs at base a client of the provider, as an IT admin does.
func (idp *testIdP) register(base string) {
	idp.clients[idpClientID] = storage.WebClient(idpClientID, idpClientSecret, base+"/login/sso/callback")
}

// rotate signs from now on with a new key, and publishes only that one.
func (idp *testIdP) rotate(t *testing.T, id string) {
	k := newSigningKey(t, id)
	idp.mu.Lock()
	idp.key = k
	idp.mu.Unlock()
}

func (idp *testIdP) SigningKey(context.Context) (op.SigningKey, error) {
	idp.mu.Lock()
	defer idp.mu.Unlock()
	return idp.key, nil
}

func (idp *testIdP) SignatureAlgorithms(context.Context) ([]jose.SignatureAlgorithm, error) {
	return []jose.SignatureAlgorithm{jose.RS256}, nil
}

func (idp *testIdP) KeySet(context.Context) ([]op.Key, error) {
	idp.mu.Lock()
	defer idp.mu.Unlock()
	return []op.Key{publicKey{idp.key}}, nil
}

type shortLivedClient struct{ op.Client }

func (shortLivedClient) IDTokenLifetime() time.Duration { return time.Second }

// otherClient is rungs' registration seen as another application's: the provider, which
// always adds the client to a token's audience, then issues rungs a token for that one.
type otherClient struct{ op.Client }

func (otherClient) GetID() string { return "another-application" }

func (idp *testIdP) GetClientByClientID(ctx context.Context, id string) (op.Client, error) {
	c, err := idp.Storage.GetClientByClientID(ctx, id)
	if err == nil && idp.shortLived.Load() {
		c = shortLivedClient{c}
	}
	if err == nil && idp.wrongAudience.Load() {
		c = otherClient{c}
	}
	return c, err
}

type otherAudience struct{ op.AuthRequest }

func (otherAudience) GetAudience() []string { return []string{"another-application"} }
func (otherAudience) GetClientID() string   { return "another-application" }

func (idp *testIdP) AuthRequestByCode(ctx context.Context, code string) (op.AuthRequest, error) {
	r, err := idp.Storage.AuthRequestByCode(ctx, code)
	if err == nil && idp.wrongAudience.Load() {
		r = otherAudience{r}
	}
	return r, err
}

// The groups claim is in the ID token and the user info alike, as providers send it.
func (idp *testIdP) SetUserinfoFromRequest(ctx context.Context, ui *oidc.UserInfo, req op.IDTokenRequest, scopes []string) error {
	if err := idp.Storage.SetUserinfoFromRequest(ctx, ui, req, scopes); err != nil {
		return err
	}
	idp.addGroups(ui, req.GetSubject())
	return nil
}

func (idp *testIdP) SetUserinfoFromToken(ctx context.Context, ui *oidc.UserInfo, tokenID, subject, origin string) error {
	if err := idp.Storage.SetUserinfoFromToken(ctx, ui, tokenID, subject, origin); err != nil {
		return err
	}
	idp.addGroups(ui, subject)
	return nil
}

func (idp *testIdP) addGroups(ui *oidc.UserInfo, subject string) {
	if u, ok := idp.users[subject]; ok && u.groups != nil {
		ui.AppendClaims("groups", u.groups)
	}
}

// withIdP configures the app to sign in through idp.
func withIdP(idp *testIdP, adjust func(*app.Config)) envOption {
	return func(c *app.Config) {
		c.OIDC.Issuer, c.OIDC.ClientID, c.OIDC.ClientSecret, c.OIDC.Name = idp.issuer(), idpClientID, idpClientSecret, "Test IdP"
		if adjust != nil {
			adjust(c)
		}
	}
}

// ssoSignIn goes through the provider's sign-in as a browser does, as username, and
// returns rungs' callback URL (with the code and state) and rungs' answer to it.
func ssoSignIn(t *testing.T, c *client, idp *testIdP, username string) (string, response) {
	t.Helper()
	res := c.get("/login/sso?next=/people")
	if res.status != http.StatusSeeOther {
		t.Fatalf("/login/sso: status %d", res.status)
	}
	return followIdP(t, c, idp, username, res.header.Get("Location"))
}

// followIdP goes from the provider's authorisation URL at through its sign-in as username,
// and back to rungs.
func followIdP(t *testing.T, c *client, idp *testIdP, username, at string) (string, response) {
	t.Helper()
	if !strings.HasPrefix(at, idp.issuer()) {
		t.Fatalf("rungs sent the browser to %q, not the provider", at)
	}
	for range 10 {
		u, _ := url.Parse(at)
		if strings.HasPrefix(at, c.e.srv.URL) {
			obstest.Forbid(u.Query().Get("state"), u.Query().Get("code"))
			return at, c.get(strings.TrimPrefix(at, c.e.srv.URL))
		}
		var req *http.Request
		if u.Path == "/login/username" {
			// The provider's own sign-in form.
			form := url.Values{"username": {username}, "password": {idpPassword}, "id": {u.Query().Get("authRequestID")}}
			req, _ = http.NewRequest("POST", at, strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		} else {
			req, _ = http.NewRequest("GET", at, nil)
		}
		res := c.do(req)
		if res.status/100 != 3 {
			t.Fatalf("the provider answered %s with %d: %s", u.Path, res.status, res.body)
		}
		next, err := u.Parse(res.header.Get("Location"))
		if err != nil {
			t.Fatal(err)
		}
		at = next.String()
	}
	t.Fatal("the provider never sent the browser back to rungs")
	return "", response{}
}
