package proxy

import (
	"net/http"
	"testing"
)

func TestClient(t *testing.T) {
	t.Parallel()
	trust, err := Parse("10.0.0.0/8, 192.168.1.5, fd00::/8")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		trust Trust
		peer  string
		xff   []string // header lines
		want  string
	}{
		{"no proxy trusted", Trust{}, "203.0.113.7:5000", []string{"198.51.100.1"}, "203.0.113.7"},
		{"an untrusted peer's header is ignored", trust, "203.0.113.7:5000", []string{"198.51.100.1"}, "203.0.113.7"},
		{"one trusted proxy", trust, "10.0.0.2:5000", []string{"198.51.100.1"}, "198.51.100.1"},
		{"a forged hop left of the real one", trust, "10.0.0.2:5000", []string{"1.2.3.4, 198.51.100.1"}, "198.51.100.1"},
		// The finding: a proxy that appends a line of its own; the client sent the first.
		{"a forged first line", trust, "10.0.0.2:5000", []string{"1.2.3.4", "198.51.100.1"}, "198.51.100.1"},
		{"two trusted proxies", trust, "10.0.0.2:5000", []string{"1.2.3.4, 198.51.100.1, 192.168.1.5"}, "198.51.100.1"},
		{"an untrusted hop between trusted ones ends the walk", trust, "10.0.0.2:5000", []string{"198.51.100.1, 203.0.113.9, 10.1.1.1"}, "203.0.113.9"},
		{"only trusted hops: the leftmost", trust, "10.0.0.2:5000", []string{"10.9.9.9, 10.1.1.1"}, "10.9.9.9"},
		{"no header from a trusted proxy: the proxy", trust, "10.0.0.2:5000", nil, "10.0.0.2"},
		{"garbage from a trusted proxy: the last readable hop", trust, "10.0.0.2:5000", []string{"198.51.100.1, not-an-address"}, "10.0.0.2"},
		{"ports and brackets", trust, "[fd00::1]:443", []string{"[2001:db8::7]:1234"}, "2001:db8::7"},
		{"IPv4 in IPv6", trust, "[::ffff:10.0.0.2]:5000", []string{"198.51.100.1"}, "198.51.100.1"},
		{"a private range not named is not trusted", trust, "192.168.1.6:5000", []string{"198.51.100.1"}, "192.168.1.6"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r, _ := http.NewRequest("GET", "http://x/", nil)
			r.RemoteAddr = tt.peer
			for _, line := range tt.xff {
				r.Header.Add("X-Forwarded-For", line)
			}
			if got := tt.trust.Client(r).String(); got != tt.want {
				t.Errorf("Client = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestProtoAndHostOnlyFromTrusted(t *testing.T) {
	t.Parallel()
	trust, _ := Parse("10.0.0.0/8")
	r, _ := http.NewRequest("GET", "http://internal:8080/", nil)
	r.Header.Set("X-Forwarded-Proto", "https")
	r.Header.Add("X-Forwarded-Host", "evil.example")
	r.Header.Add("X-Forwarded-Host", "ladder.example.com")
	r.RemoteAddr = "10.0.0.2:5000"
	if !trust.Secure(r) || trust.Host(r) != "ladder.example.com" {
		t.Errorf("from a trusted proxy: Secure %v, Host %q", trust.Secure(r), trust.Host(r))
	}
	r.RemoteAddr = "203.0.113.7:5000"
	if trust.Secure(r) || trust.Host(r) != "internal:8080" {
		t.Errorf("from anyone else: Secure %v, Host %q", trust.Secure(r), trust.Host(r))
	}
}

func TestParse(t *testing.T) {
	t.Parallel()
	if tr, err := Parse(" 10.0.0.0/8 ,192.168.1.5,, ::1 "); err != nil || tr.String() != "10.0.0.0/8,192.168.1.5/32,::1/128" {
		t.Errorf("Parse = %q, %v", tr.String(), err)
	}
	for _, bad := range []string{"10.0.0.0/33", "example.com", "10.0.0.0/8;1.2.3.4"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q): no error", bad)
		}
	}
	if tr, _ := Parse(""); tr.Any() {
		t.Error("an empty list trusts someone")
	}
}
