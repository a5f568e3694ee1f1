package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// A write outside a transaction that prepares a new statement waits for the pool's only
// connection while a transaction holds it; the transaction must still find its own cached
// statements and finish, or neither ever does.
func TestStmtCacheDoesNotHoldLockWhilePreparing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1) // as the store's SQLite writer
	if _, err := db.ExecContext(ctx, "CREATE TABLE t (n INTEGER)"); err != nil {
		t.Fatal(err)
	}
	c := newStmtCache(db)
	defer c.close()
	const inTx = "SELECT count(*) FROM t"
	if c.stmt(ctx, inTx, true) == nil {
		t.Fatal("statement not prepared")
	}

	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	outside := make(chan error, 1)
	go func() {
		_, err := cached{c: c}.ExecContext(ctx, "INSERT INTO t (n) VALUES (1)")
		outside <- err
	}()
	// Wait until the write outside is preparing, blocked on the transaction's connection.
	for db.Stats().WaitCount == 0 {
		runtime.Gosched()
	}

	inside := make(chan error, 1)
	go func() {
		var n int
		if err := (cached{c: c, tx: tx}).QueryRowContext(ctx, inTx).Scan(&n); err != nil {
			inside <- err
			return
		}
		inside <- tx.Commit()
	}()
	select {
	case err := <-inside:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(time.Minute): // a guard against hanging the suite, not a measure
		tx.Rollback() // frees the connection, so the write outside and the cleanup can finish
		<-outside
		t.Fatal("the transaction waited for the statement cache held by a write waiting for its connection")
	}
	if err := <-outside; err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM t").Scan(&n); err != nil || n != 1 {
		t.Fatalf("rows = %d, %v; want 1", n, err)
	}
}
