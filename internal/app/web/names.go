package web

import "net/http"

// Names looks people's names up once each, for the pages that name who did what (an
// amendment's author, a check-in's manager, a case's reviewers). A person not found reads as "".
type Names struct {
	srv   *Server
	r     *http.Request
	cache map[int64]string
}

// Names returns an empty lookup for the request r.
func (srv *Server) Names(r *http.Request) *Names {
	return &Names{srv: srv, r: r, cache: map[int64]string{}}
}

// Of is the name of the person with id.
func (n *Names) Of(id int64) string {
	if name, ok := n.cache[id]; ok {
		return name
	}
	if p, err := n.srv.Store().Person(n.r.Context(), id); err == nil {
		n.cache[id] = p.Name
	}
	return n.cache[id]
}

// Know tells n the name of the person with id, read with something else.
func (n *Names) Know(id int64, name string) { n.cache[id] = name }
