package store

import (
	"context"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkAuditMove moves audited page views from the journal into an audit log that holds
// 400,000 entries already, as the mover does every auditMoveEvery under load: the move runs
// beside the pages being read, and its CPU is taken from them. One op is one entry moved, in
// moves of auditMoveBatch.
func BenchmarkAuditMove(b *testing.B) {
	const auditMoveBatch = 10_000 // ten seconds of a page viewed a thousand times a second
	ctx := context.Background()
	s, err := Open(ctx, Config{SQLitePath: filepath.Join(b.TempDir(), "audit.db")})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	// The log a server has after some hours of it: lists by a few admins, and person pages.
	if _, err := s.db.ExecContext(ctx, `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 400000)
		INSERT INTO audit_log (at, actor_id, action, subject_id, detail, address)
		SELECT strftime('%Y-%m-%d %H:%M:%f', 'now', '-' || (400000 - i) || ' seconds') || '+00:00', 90000 + i % 7,
			CASE WHEN i % 5 = 0 THEN 'person.view' ELSE 'people.list' END, CASE WHEN i % 5 = 0 THEN i % 100000 END,
			CASE WHEN i % 5 = 0 THEN '' ELSE 'status active' END, '127.0.0.1' FROM n`); err != nil {
		b.Fatal(err)
	}
	moved := 0
	b.ResetTimer()
	for moved < b.N {
		b.StopTimer()
		n := min(auditMoveBatch, b.N-moved)
		group := make([]*auditWait, n)
		for i := range group {
			e := AuditEntry{At: time.Now().UTC().Truncate(time.Microsecond), Actor: 90000 + int64(i%7), Action: "people.list",
				Detail: "status active", Address: "127.0.0.1"}
			if i%5 == 0 {
				e.Action, e.Subject, e.Detail = "person.view", int64(i), ""
			}
			group[i] = &auditWait{e: e}
		}
		if err := s.journal.add(group); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if err := s.journal.move(ctx, s, time.Second); err != nil {
			b.Fatal(err)
		}
		moved += n
	}
	b.StopTimer()
	var count int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM audit_log`).Scan(&count); err != nil {
		b.Fatal(err)
	}
	if count != 400_000+moved {
		b.Fatalf("the log holds %d entries, want %d", count, 400_000+moved)
	}
}

// The move's statements are short enough to be kept prepared: a move runs in a transaction,
// which runs only statements prepared before it (cached.stmt).
func TestAuditCopiesArePrepared(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, err := Open(ctx, Config{SQLitePath: filepath.Join(t.TempDir(), "audit.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.prepareAuditCopies(ctx)
	for _, size := range auditChunks {
		if s.writeStmts.stmt(ctx, auditValues(size, false), false) == nil {
			t.Errorf("the statement that copies %d audit entries is not prepared (%d bytes)", size, len(auditValues(size, false)))
		}
	}
}
