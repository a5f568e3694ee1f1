package store_test

import (
	"os"
	"testing"
	"time"

	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

// eachBackend and eachEmptyBackend are storetest's: new databases, migrated or empty.
var (
	eachBackend      = storetest.EachBackend
	eachEmptyBackend = storetest.EachEmptyBackend
)

// eachStore is storetest.EachStore.
var eachStore = storetest.EachStore

// eachStoreAt is storetest.EachStoreAt from now.
func eachStoreAt(t *testing.T, test func(t *testing.T, s *store.Store, clk *clock)) {
	t.Helper()
	storetest.EachStoreAt(t, time.Now(), test)
}

// clock is storetest's.
type clock = storetest.Clock

// open, day and mustPerson are storetest's.
var (
	open       = storetest.Open
	day        = storetest.Day
	mustPerson = storetest.Person
)

// checkFailure is storetest's.
var checkFailure = storetest.CheckFailure
