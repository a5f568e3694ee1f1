package web

import "context"

// A Turn is a request's turn at being worked on (the app lets a few reads be worked on at
// once, and has the rest wait in line). A request that waits for something else than the CPU
// and the database's connections, the disk to take an audit entry, lends its turn meanwhile.
type Turn interface {
	// Lend gives the turn to the next request in line.
	Lend()
	// Back has the request go on after Lend, before the requests in line.
	Back(ctx context.Context)
}

type turnKey struct{}

// WithTurn is ctx, of a request worked on in turn t.
func WithTurn(ctx context.Context, t Turn) context.Context {
	return context.WithValue(ctx, turnKey{}, t)
}

// turnOf is the turn of ctx's request, or one that lends nothing when it takes none.
func turnOf(ctx context.Context) Turn {
	if t, ok := ctx.Value(turnKey{}).(Turn); ok {
		return t
	}
	return noTurn{}
}

type noTurn struct{}

func (noTurn) Lend()                {}
func (noTurn) Back(context.Context) {}
